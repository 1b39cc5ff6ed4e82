// validateTap (the full-run schema validation of test/conformance/broken/broken-drivers.test.ts
// and reference-run.test.ts) finds what is wrong, per driver process.
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../driver-protocol/schema.ts';
import { validateTap, type TappedLine } from './tap-lines.ts';

const CAPS = { attributes: ['url'], methods: ['start'], events: ['statechange'] };
const line = (tap: number, dir: 'in' | 'out', msg: unknown): TappedLine => ({ tap, dir, line: JSON.stringify(msg) });
const helloPair = (tap: number, result: unknown): TappedLine[] => [line(tap, 'in', { id: 1, method: 'hello' }), line(tap, 'out', { id: 1, result })];

describe('validateTap', () => {
  it('a clean exchange of two drivers with the same ids has no problem', () => {
    const good = { name: 'x', version: '1', protocolVersion: PROTOCOL_VERSION, capabilities: CAPS };
    const r = validateTap([...helloPair(10, good), ...helloPair(11, good), line(10, 'out', { event: 'statechange', ts: 1, detail: { code: 1001, message: 'ok' } })]);
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ hellos: 2, events: 1, replies: 2 });
  });

  it('validates custom rendering\'s side-channel events by their detail schema', () => {
    const r = validateTap([
      line(10, 'out', { event: 'customrendererupdate', ts: 1, detail: { width: 360, height: 640 } }),
      line(10, 'out', { event: 'customrendererframe', ts: 2, detail: { width: 360, height: 640, timestamp: 2, path: '/tmp/f.rgb24', format: 'rgb24' } }),
      line(10, 'out', { event: 'customrendererframe', ts: 3, detail: { width: 360, height: 640, timestamp: 3 } }),
    ]);
    expect(r.events).toBe(3);
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatch(/^10 event customrendererframe\/path is missing/);
    expect(r.problems[1]).toMatch(/^10 event customrendererframe\/format is missing/);
  });

  it('names a hello without protocolVersion, a bad event detail, a reply to an id never sent, and a request off the schema', () => {
    const r = validateTap([
      ...helloPair(10, { name: 'x', version: '1', capabilities: CAPS }),
      line(10, 'out', { event: 'statechange', ts: 1, detail: { code: 'ten' } }),
      line(11, 'out', { id: 1, result: {} }),
      line(12, 'in', { id: 'x', method: 42 }),
    ]);
    expect(r.problems).toHaveLength(5);
    expect(r.problems[0]).toMatch(/^10 hello: .*protocolVersion/);
    expect(r.problems[1]).toMatch(/^10 event statechange\/message is missing/);
    expect(r.problems[2]).toMatch(/^10 event statechange\/code is not a number/);
    expect(r.problems[3]).toMatch(/^11 reply to id 1, which this driver was never sent/);
    expect(r.problems[4]).toMatch(/^12 request 42: .*#\/\$defs\/Request/);
  });
});
