// withMaterializedFault (adapters/sources/materialize.ts): a materialized source that never
// opens points where nothing can be opened; other faults and entries without url/file keep theirs.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MISSING_SOURCE_FILE, MISSING_SOURCE_URL, withMaterializedFault } from '../../../adapters/sources/materialize.ts';

describe('withMaterializedFault', () => {
  it('never-opens: url to an unresolvable host, file to a path that does not exist', () => {
    const entry = { kind: 'synthetic', url: 'rtmp://127.0.0.1:1935/live/lpb-source-x', file: '/tmp/tone.wav', fault: { kind: 'never-opens' } };
    expect(withMaterializedFault(entry)).toEqual({ ...entry, url: MISSING_SOURCE_URL, file: MISSING_SOURCE_FILE });
    expect(new URL(MISSING_SOURCE_URL).hostname.endsWith('.invalid')).toBe(true);
    expect(existsSync(MISSING_SOURCE_FILE)).toBe(false);
  });

  it('other faults keep the healthy stream; an entry without url or file is unchanged', () => {
    const ends = { kind: 'synthetic', url: 'rtmp://h/live/s', fault: { kind: 'ends' } };
    expect(withMaterializedFault(ends)).toBe(ends);
    const bare = { kind: 'synthetic', fault: { kind: 'never-opens' } };
    expect(withMaterializedFault(bare)).toEqual(bare);
  });
});
