// The schema describes what really crosses the pipe (docs/driver-protocol.md): a few checks of
// the reference pusher run through a tap that logs every line both ways, with the materialized
// sources on (LPB_SOURCES=always, so create carries their urls); every request validates against
// Request (the rig against Rig), every driver line against its reply/event schema, the hello
// against HelloResult, every event detail of a spec event against its detail schema, and every
// method result against context-api.md's shape; and no check was broken by a violation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, type ConformanceResult } from '../../conformance/run.ts';
import { DEFAULT_IUT_COMMAND } from '../../conformance/env.ts';
import { ENV_SOURCES } from '../../conformance/fixtures.ts';
import { readTap, validateTap, type TapReport } from './tap-lines.ts';

const TAP = fileURLToPath(new URL('./drivers/tap-driver.mjs', import.meta.url));
const GREP = '^(attributes/url/rtmp|events/(statechange|netstatus|error)|context/snapshot/stream|status-codes/start-sequence)$';
const CHECKS_RUN = 6;
/** The files holding those checks: loading only them spares loading every check file. */
const FILES = ['conformance/tests/attributes/lifecycle.check.ts', 'conformance/tests/context/snapshot.check.ts', 'conformance/tests/events/shapes.check.ts', 'conformance/tests/status-codes/start.check.ts'];
const RUN_TIMEOUT_MS = 240_000;

let dir: string;
let result: ConformanceResult;
let tap: TapReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lpb-protocol-run-'));
  const log = join(dir, 'tap.ndjson');
  const saved = process.env[ENV_SOURCES];
  process.env[ENV_SOURCES] = 'always';
  try {
    result = await runConformance({ iut: `node ${TAP} ${log} ${DEFAULT_IUT_COMMAND}`, grep: GREP, files: FILES, outDir: join(dir, 'out'), html: false, quiet: true });
  } finally {
    if (saved === undefined) delete process.env[ENV_SOURCES];
    else process.env[ENV_SOURCES] = saved;
  }
  tap = validateTap(readTap(log));
}, RUN_TIMEOUT_MS);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a conformance run of the reference, every line validated', () => {
  it('ran the checks and none broke', () => {
    expect(result.tests.map((t) => t.id).sort()).toHaveLength(CHECKS_RUN);
    for (const t of result.tests) expect(t.status, `${t.id}: ${t.message}`).not.toBe('broken');
  });

  it('every request matches the Request schema, the materialized sources included in the rig', () => {
    const requests = tap.requests as { method: string; params?: { rig?: { camera: { front: { url?: string } } } } }[];
    expect(requests.length).toBeGreaterThan(CHECKS_RUN * 3);
    const creates = requests.filter((r) => r.method === 'create');
    expect(creates.length).toBeGreaterThanOrEqual(CHECKS_RUN);
    for (const c of creates) expect(c.params?.rig?.camera.front.url).toMatch(/^rtmp:\/\/.+\/lpb-source-/);
  });

  it('every driver line matches its schema: hello, replies, events, details and results', () => {
    expect(tap.hellos).toBeGreaterThanOrEqual(CHECKS_RUN);
    expect(tap.events).toBeGreaterThan(0);
    expect(tap.problems).toEqual([]);
  });
});
