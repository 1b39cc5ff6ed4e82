// redactFilesIn (reports/redact-files.ts): text files under a folder lose the secrets of push
// urls, nested folders included; binary files and clean files are not rewritten.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redactFilesIn } from '../../reports/redact-files.ts';

const URL = 'rtmp://u:pw12@h:1935/live/key12345?txSecret=sig98765&txTime=5F00AA11';
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('redactFilesIn', () => {
  it('rewrites text files holding a secret and leaves the rest', () => {
    dir = mkdtempSync(join(tmpdir(), 'lpb-redact-'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'b', 'x-result.json'), JSON.stringify({ message: `failed at ${URL}` }));
    writeFileSync(join(dir, 'clean.txt'), 'nothing secret here');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, ...Buffer.from(URL)]);
    writeFileSync(join(dir, 'frame.png'), png);
    expect(redactFilesIn(dir)).toBe(1);
    const json = readFileSync(join(dir, 'a', 'b', 'x-result.json'), 'utf8');
    for (const secret of ['pw12', 'key12345', 'sig98765', '5F00AA11']) expect(json).not.toContain(secret);
    expect(JSON.parse(json)).toEqual({ message: 'failed at rtmp://***@h:1935/live/***?txSecret=***&txTime=***' });
    expect(readFileSync(join(dir, 'clean.txt'), 'utf8')).toBe('nothing secret here');
    expect(readFileSync(join(dir, 'frame.png'))).toEqual(png);
  });
});
