// Secrets never reach people (issue 8 "Robustness"; protocol/redact-secrets.ts): a small
// conformance run whose rig puts a publish signature (txSecret / txTime) and user:password into
// every push url, against an IUT that leaks its url into stderr, into every statechange message
// and into a fail payload (secrets/leaky-driver.ts). The embedded server still accepts the push
// (attributes/url/rtmp passes), context/stop fails with a leaked url in its message, and no
// output file (summary.json, coverage, matrix, runs/, evidence, allure-results, the HTML report)
// nor the console holds the signature, the password, the user or any stream name (the stream key).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../adapters/process/run-to-completion.ts';
import { REPO_ROOT } from '../../conformance/env.ts';

const TX_SECRET = 'f3e2d1c0b9a8secretSIG';
const TX_TIME = '7FFF1234';
const USER = 'pushuserQ';
const PASSWORD = 'hunter2pw';
/** The bench's stream names (conformance/fixtures.ts newStreamName): the stream key of each push url. */
const STREAM_NAME = /lpb-w\d+-\d+-[0-9a-f]{6}/;
const CHECKS = '^(attributes/url/rtmp|context/stop)$';
/** The files holding those checks (loading every check file would cost more than the checks). */
const CHECK_FILES = ['conformance/tests/attributes/lifecycle.check.ts', 'conformance/tests/context/lifecycle.check.ts'];
const RUN_TIMEOUT_MS = 240_000;
const LEAKY_DRIVER = join(REPO_ROOT, 'test/conformance/secrets/leaky-driver.ts');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Which secrets a text holds, by name. */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries({ TX_SECRET, TX_TIME, USER, PASSWORD })) if (text.includes(secret)) found.push(name);
  const stream = STREAM_NAME.exec(text);
  if (stream) found.push(`stream name ${stream[0]}`);
  return found;
}

describe('secrets in push urls are redacted from every output of a conformance run', () => {
  const work = mkdtempSync(join(tmpdir(), 'lpb-secrets-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it(
    'leaves no signature, credential or stream key in any file or on the console',
    async () => {
      const rig = join(work, 'rig.yaml');
      const defaults = readFileSync(join(REPO_ROOT, 'rig/default.yaml'), 'utf8');
      writeFileSync(
        rig,
        defaults.replace(/^server:\n {2}kind: embedded$/m, `server:\n  kind: embedded\n  query: "txSecret=${TX_SECRET}&txTime=${TX_TIME}"\n  credentials: "${USER}:${PASSWORD}"`),
      );
      expect(readFileSync(rig, 'utf8'), 'the rig carries the secrets').toContain(TX_SECRET);
      const out = join(work, 'out');
      const run = await runCommand(
        process.execPath,
        [join(REPO_ROOT, 'bin/lpbench.js'), 'conformance', '--iut', `node --import tsx ${LEAKY_DRIVER}`, '--rig', rig, '--grep', CHECKS, ...CHECK_FILES.flatMap((f) => ['--file', f]), '--out', out],
        RUN_TIMEOUT_MS,
      );
      expect(run.outcome, run.stderr).toBe('exited');

      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { tests: { id: string; status: string; message: string }[] };
      const status = Object.fromEntries(summary.tests.map((t) => [t.id, t.status]));
      // The push with the secrets reached the server; the leaked fail payload failed its check.
      expect(status).toEqual({ 'attributes/url/rtmp': 'passed', 'context/stop': 'failed' });
      // context/stop pushes to its own logging server (no rig authentication): its stream key is redacted.
      const stopMessage = summary.tests.find((t) => t.id === 'context/stop')!.message;
      expect(stopMessage, 'the leaked url is quoted, redacted').toMatch(/could not unpublish rtmp:\/\/127\.0\.0\.1:\d+\/live\/\*\*\*/);

      const files = filesUnder(out);
      expect(files.some((f) => f.endsWith('index.html')), 'the HTML report was built').toBe(true);
      const leaked = files.map((f) => ({ file: relative(out, f), found: leaks(readFileSync(f, 'latin1')) })).filter((l) => l.found.length > 0);
      expect(leaked, 'files holding a secret').toEqual([]);
      expect(leaks(run.stdout), 'secrets on stdout').toEqual([]);
      expect(leaks(run.stderr), 'secrets on stderr').toEqual([]);

      // The leaks were there to redact: the driver's stderr evidence quotes its requests, redacted.
      const stderrEvidence = files.filter((f) => f.includes('evidence') && /driver.stderr/.test(f)).map((f) => readFileSync(f, 'utf8')).join('\n');
      expect(stderrEvidence).toContain('"method":"create"');
      expect(stderrEvidence).toMatch(/rtmp:\/\/\*\*\*@127\.0\.0\.1:\d+\/live\/\*\*\*\?txSecret=\*\*\*&txTime=\*\*\*/);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
