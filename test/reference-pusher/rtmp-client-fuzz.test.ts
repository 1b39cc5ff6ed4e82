// Fuzzing the reference pusher's RTMP client (reference-pusher/rtmp-session.ts) against a hostile
// server on loopback (rtmp-fuzz-server.ts): a sweep that ends a clean server's bytes at every
// offset (FIN and reset; a silent server every few offsets), then random cases spoiling the
// handshake, the replies (bad AMF in _result / onStatus, wrong transaction and chunk stream ids),
// and slipping in unknown message types, Window Acknowledgement / Set Chunk Size / Set Peer
// Bandwidth extremes, orphan and oversized chunks. Every case must end within its bound in a
// typed failure whose status code means what happened (live-pusher.zh.md 状态码): 3002 no
// connection, 3003 the handshake did not complete, 3004 the server closed or refused, 3005 a
// read/write failure; a server that hung up is never reported as a timeout; no exception or
// rejection escapes; no socket or timer is left behind. Seeded (RTMP_CLIENT_FUZZ_SEED) and
// reproducible: a failure prints the case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RtmpPublishSession, RtmpSessionError } from '../../reference-pusher/rtmp-session.ts';
import type { RtmpPublishOptions, SessionPhase } from '../../reference-pusher/rtmp-session.ts';
import { STATUS } from '../../spec/codes.ts';
import { cleanCase, FuzzServerSlot, fuzzCase, isClean, refusedPort, type FuzzCase } from './rtmp-fuzz-server.ts';

const DEFAULT_SEED = 0x0f0221;
const SEED = process.env.RTMP_CLIENT_FUZZ_SEED === undefined ? DEFAULT_SEED : Number(process.env.RTMP_CLIENT_FUZZ_SEED);
const RANDOM_CASES = 5000;
/** The sweep's silent server (no FIN, no reset) at every this many offsets: each waits for a client timeout. */
const SILENT_SWEEP_STRIDE = 32;
const CONCURRENCY = 32;
/** A case that has not ended by then is a hang (client timeouts below are at most 2 s). */
const CASE_BOUND_MS = 8000;
const RUN_BOUND_MS = 120_000;
/** A silent server is only ever left by a client timeout: short ones keep the run short. */
const SILENT_TIMEOUTS: RtmpPublishOptions = { connectTimeoutMs: 2000, handshakeTimeoutMs: 200, publishTimeoutMs: 300, writeStallMs: 300 };
/** A server that hangs up must be noticed long before these. */
const CLOSING_TIMEOUTS: RtmpPublishOptions = { connectTimeoutMs: 2000, handshakeTimeoutMs: 2000, publishTimeoutMs: 2000, writeStallMs: 2000 };
const TIMEOUT_MESSAGE = /within \d+ ms|stuck for/;
const SESSION_CODES = new Set<number>([STATUS.CONNECT_FAILED, STATUS.HANDSHAKE_FAILED, STATUS.SERVER_CLOSED, STATUS.READ_WRITE_FAILED]);
const RESOURCE_KINDS = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'];
const SETTLE_MS = 200;
const MAX_REPORTED = 5;

interface Outcome {
  error: unknown;
  phases: SessionPhase[];
  published: boolean;
  hung: boolean;
  ms: number;
}

function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) if (RESOURCE_KINDS.includes(r)) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/** One case: publish, push a little if it got that far, and wait for the session's failure. */
async function drive(slot: FuzzServerSlot, c: FuzzCase, deadPort: number): Promise<Omit<Outcome, 'hung' | 'ms'>> {
  const url = `rtmp://127.0.0.1:${c.refused ? deadPort : slot.port}/live/fuzz?txSecret=s&txTime=0`;
  const phases: SessionPhase[] = [];
  let session: RtmpPublishSession;
  try {
    session = await RtmpPublishSession.publish(url, c.end === 'silent' ? SILENT_TIMEOUTS : CLOSING_TIMEOUTS, (p) => phases.push(p));
  } catch (error) {
    return { error, phases, published: false };
  }
  const failed = new Promise<unknown>((resolve) => session.once('error', resolve));
  session.sendMetadata({ width: 2 });
  session.sendVideo(0, Uint8Array.of(0x17, 0, 0, 0, 0), true, true);
  session.sendAudio(0, Uint8Array.of(0xaf, 0, 0x12, 0x10), true);
  if (c.end === 'silent') slot.hangUp();
  const error = await failed;
  // A failed session takes more media, stats and close without throwing.
  session.sendVideo(1, Uint8Array.of(0x27, 1), false, false);
  session.stats();
  await session.close();
  return { error, phases, published: true };
}

async function runCase(slot: FuzzServerSlot, c: FuzzCase, deadPort: number): Promise<Outcome> {
  slot.serve(c);
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), CASE_BOUND_MS);
  });
  try {
    const r = await Promise.race([drive(slot, c, deadPort), bound]);
    const ms = performance.now() - started;
    if (r === 'hung') return { error: undefined, phases: [], published: false, hung: true, ms };
    return { ...r, hung: false, ms };
  } finally {
    clearTimeout(timer);
    slot.reset();
  }
}

/** What is wrong with an outcome, or undefined. */
function judge(c: FuzzCase, o: Outcome): string | undefined {
  if (o.hung) return `did not end within ${CASE_BOUND_MS} ms`;
  if (!(o.error instanceof RtmpSessionError)) return `ended with an untyped failure: ${String(o.error)}`;
  const code = o.error.statusCode;
  if (!SESSION_CODES.has(code)) return `status ${code} is not a connection code (3002-3005)`;
  if (c.refused) return code === STATUS.CONNECT_FAILED ? undefined : `refused connection reported as ${code}, expected ${STATUS.CONNECT_FAILED}`;
  const handshook = o.phases.includes('handshake-done');
  if (!handshook) return code === STATUS.HANDSHAKE_FAILED ? undefined : `failure before the handshake completed reported as ${code}, expected ${STATUS.HANDSHAKE_FAILED}`;
  if (code !== STATUS.SERVER_CLOSED && code !== STATUS.READ_WRITE_FAILED) return `failure after the handshake reported as ${code}, expected ${STATUS.SERVER_CLOSED} or ${STATUS.READ_WRITE_FAILED}`;
  if (c.end !== 'silent' && TIMEOUT_MESSAGE.test(o.error.message)) return `the server hung up but the client reported a timeout: ${o.error.message}`;
  if (isClean(c)) {
    // Clean bytes: a FIN (or a silent server's late FIN) is the server closing; a reset is the
    // server closing before the publish started and a read failure after.
    const publishing = o.phases.includes('publishing');
    const expected = c.end === 'rst' && publishing ? STATUS.READ_WRITE_FAILED : STATUS.SERVER_CLOSED;
    if (code !== expected) return `clean bytes ended by ${c.end} (publishing: ${publishing}) reported as ${code}, expected ${expected}`;
  }
  return undefined;
}

describe('RTMP client fuzz (reference-pusher/rtmp-session.ts against a hostile server)', () => {
  const slots: FuzzServerSlot[] = [];
  let deadPort = 0;
  const escaped: unknown[] = [];
  const onEscape = (err: unknown) => escaped.push(err);
  let baseline: Record<string, number>;

  beforeAll(async () => {
    baseline = resourceCounts();
    process.on('unhandledRejection', onEscape);
    process.on('uncaughtException', onEscape);
    for (let i = 0; i < CONCURRENCY; i++) slots.push(await FuzzServerSlot.start());
    deadPort = await refusedPort();
  });
  afterAll(async () => {
    process.off('unhandledRejection', onEscape);
    process.off('uncaughtException', onEscape);
    await Promise.all(slots.map((s) => s.close()));
  });

  it(
    'ends every case within its bound in the status code that means what happened, with nothing escaping or left behind',
    async () => {
      const started = performance.now();
      // The clean script's length: the sweep ends it at every offset up to and including it.
      const probe = slots[0]!;
      const full = await runCase(probe, cleanCase(undefined, 'fin'), deadPort);
      expect(full.published, 'a clean server lets the client publish').toBe(true);
      const scriptLength = probe.record()?.bytesSent ?? 0;
      const cases: FuzzCase[] = [];
      for (let cut = 0; cut <= scriptLength; cut++) {
        cases.push(cleanCase(cut, 'fin'), cleanCase(cut, 'rst'));
        if (cut % SILENT_SWEEP_STRIDE === 0) cases.push(cleanCase(cut, 'silent'));
      }
      const sweepCases = cases.length;
      cases.push(...fc.sample(fuzzCase, { seed: SEED, numRuns: RANDOM_CASES }));

      const problems: string[] = [];
      const codes = new Map<number, number>();
      let published = 0;
      let slowest = 0;
      let next = 0;
      await Promise.all(
        slots.map(async (slot) => {
          for (;;) {
            const i = next++;
            if (i >= cases.length) return;
            if (performance.now() - started > RUN_BOUND_MS) {
              problems.push(`run bound ${RUN_BOUND_MS} ms exceeded at case ${i}`);
              return;
            }
            const c = cases[i]!;
            const o = await runCase(slot, c, deadPort);
            slowest = Math.max(slowest, o.ms);
            if (o.published) published++;
            if (o.error instanceof RtmpSessionError) codes.set(o.error.statusCode, (codes.get(o.error.statusCode) ?? 0) + 1);
            const problem = judge(c, o);
            if (problem) {
              const what = i < sweepCases ? 'sweep' : `seed ${SEED} random #${i - sweepCases}`;
              problems.push(`case ${i} (${what}): ${problem}\n  ${JSON.stringify(c)}\n  ${o.error instanceof Error ? o.error.message : ''}`);
            }
          }
        }),
      );
      const wallMs = performance.now() - started;
      await Promise.all(slots.map((s) => s.reset()));
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const byCode = [...codes].sort(([a], [b]) => a - b).map(([k, v]) => `${k}: ${v}`).join(', ');
      console.log(
        `rtmp client fuzz: ${cases.length} cases (${sweepCases} offset sweep over ${scriptLength} bytes, ${RANDOM_CASES} random, seed ${SEED}) in ${Math.round(wallMs)} ms; ` +
          `published ${published}; codes ${byCode}; slowest case ${Math.round(slowest)} ms`,
      );
      expect(problems.slice(0, MAX_REPORTED), `${problems.length} of ${cases.length} cases went wrong`).toEqual([]);
      expect(escaped.map(String), 'exceptions or rejections escaped').toEqual([]);
      expect(cases.length).toBeGreaterThanOrEqual(10_000);
      const now = resourceCounts();
      for (const kind of RESOURCE_KINDS) {
        if (kind === 'TCPServerWrap') continue; // the slots' listeners are closed in afterAll
        expect(now[kind] ?? 0, `${kind} left behind`).toBeLessThanOrEqual(baseline[kind] ?? 0);
      }
    },
    RUN_BOUND_MS + 30_000,
  );
});
