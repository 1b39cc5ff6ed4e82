// The schema describes what really crosses the pipe (docs/driver-protocol.md): a few checks of
// the reference pusher run through a tap that logs every line both ways, with the materialized
// sources on (LPB_SOURCES=always, so create carries their urls); every request validates against
// Request (the rig against Rig), every driver line against its reply/event schema, the hello
// against HelloResult, every event detail of a spec event against its detail schema, and every
// method result against context-api.md's shape; and no check was broken by a violation.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, type ConformanceResult } from '../../conformance/run.ts';
import { DEFAULT_IUT_COMMAND } from '../../conformance/env.ts';
import { ENV_SOURCES } from '../../conformance/fixtures.ts';
import { eventDetailProblems, methodResultProblems, validateHelloResult, validateIncoming, validateRequest } from '../../driver-protocol/validate.ts';

const TAP = fileURLToPath(new URL('./drivers/tap-driver.mjs', import.meta.url));
const GREP = '^(attributes/url/rtmp|events/(statechange|netstatus|error)|context/snapshot/stream|status-codes/start-sequence)$';
const CHECKS_RUN = 6;
const RUN_TIMEOUT_MS = 240_000;

interface Tapped {
  dir: 'in' | 'out';
  line: string;
}

let dir: string;
let result: ConformanceResult;
let tapped: Tapped[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lpb-protocol-run-'));
  const log = join(dir, 'tap.ndjson');
  const saved = process.env[ENV_SOURCES];
  process.env[ENV_SOURCES] = 'always';
  try {
    result = await runConformance({ iut: `node ${TAP} ${log} ${DEFAULT_IUT_COMMAND}`, grep: GREP, outDir: join(dir, 'out'), html: false, quiet: true });
  } finally {
    if (saved === undefined) delete process.env[ENV_SOURCES];
    else process.env[ENV_SOURCES] = saved;
  }
  tapped = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Tapped);
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
    const requests = tapped.filter((t) => t.dir === 'in').map((t) => JSON.parse(t.line) as { method: string; params?: { rig?: { camera: { front: { url?: string } } } } });
    expect(requests.length).toBeGreaterThan(CHECKS_RUN * 3);
    for (const r of requests) validateRequest(r);
    const creates = requests.filter((r) => r.method === 'create');
    expect(creates.length).toBeGreaterThanOrEqual(CHECKS_RUN);
    for (const c of creates) expect(c.params?.rig?.camera.front.url).toMatch(/^rtmp:\/\/.+\/lpb-source-/);
  });

  it('every driver line matches its schema: hello, replies, events, details and results', () => {
    const methodById = new Map<string, { method: string; name?: string }>();
    for (const t of tapped.filter((x) => x.dir === 'in')) {
      const r = JSON.parse(t.line) as { id: number; method: string; params?: { name?: string } };
      methodById.set(String(r.id), { method: r.method, ...(r.params?.name ? { name: r.params.name } : {}) });
    }
    let events = 0;
    let hellos = 0;
    const problems: string[] = [];
    for (const t of tapped.filter((x) => x.dir === 'out')) {
      const m = validateIncoming(JSON.parse(t.line));
      if (m.kind === 'event') {
        events += 1;
        problems.push(...eventDetailProblems(m.message.event, m.message.detail).map((p) => `${m.message.event}${p.path} ${p.message}`));
        continue;
      }
      if (m.kind !== 'reply') continue;
      const req = methodById.get(String(m.message.id));
      if (req?.method === 'hello') {
        hellos += 1;
        expect(validateHelloResult(m.message.result).warnings).toEqual([]);
      }
      if (req?.method === 'call' && req.name) problems.push(...methodResultProblems(req.name, m.message.result).map((p) => `${req.name}${p.path} ${p.message}`));
    }
    expect(hellos).toBeGreaterThanOrEqual(CHECKS_RUN);
    expect(events).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
