// The example drivers (examples/js-driver, examples/python-driver; docs/driver-protocol.md)
// against a small set of core checks: each pushes the bench's materialized sources with ffmpeg,
// so the picture checks are judged (passed, never skipped), and each passes what it honestly
// implements: url, enable-camera true/false (pattern / black), fps 15, the start sequence, a
// denied camera (10001, then no pattern at the server) and the core claims.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../conformance/run.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHECKS = [
  'attributes/url/rtmp',
  'attributes/fps/15',
  'attributes/enable-camera/true',
  'attributes/enable-camera/false',
  'status-codes/start-sequence',
  'error-codes/10001',
  'conformance/core',
];
const GREP = `^(${CHECKS.join('|')})$`;
const RUN_TIMEOUT_MS = 150_000;
const EXAMPLES = [
  { name: 'js-example', command: `node ${join(ROOT, 'examples', 'js-driver', 'driver.mjs')}` },
  { name: 'python-example', command: `python3 ${join(ROOT, 'examples', 'python-driver', 'driver.py')}` },
];

const dir = mkdtempSync(join(tmpdir(), 'lpb-examples-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.each(EXAMPLES)('$name', ({ name, command }) => {
  it(
    'passes the core checks it implements, the picture checks judged on the materialized pattern',
    async () => {
      const result = await runConformance({ iut: command, grep: GREP, outDir: join(dir, name), html: false, quiet: true });
      expect(result.iut.name).toBe(name);
      const verdicts = Object.fromEntries(result.tests.map((t) => [t.id, `${t.status}${t.message ? `: ${t.message}` : ''}`]));
      expect(verdicts).toEqual(Object.fromEntries(CHECKS.map((id) => [id, 'passed'])));
    },
    RUN_TIMEOUT_MS,
  );
});
