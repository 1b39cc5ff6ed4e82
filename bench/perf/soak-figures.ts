// The soak benchmark's judgements as pure functions (soak.ts gathers the data): whether an
// outage's status codes form the whole sequence of live-pusher.zh.md 状态码 and context-api.md
// "Status codes" for how long the server was away — shorter than the retries (3 × 3 s): a
// connection failure 3002-3005, 1102 retrying, 1001 connected, 1002 pushing again, never -1307,
// and the server saw the stream published again; longer: the failure, 1102 and -1307 once the
// retries are spent; near the edge either — and memory over time as figures relative to a
// baseline measured in the same run (the median of the first minute after warm-up), with the
// least-squares slope.
import { STATUS } from '../../spec/codes.ts';

const CONNECTION_FAILURES = new Set<number>([STATUS.CONNECT_FAILED, STATUS.HANDSHAKE_FAILED, STATUS.SERVER_CLOSED, STATUS.READ_WRITE_FAILED]);
const MS_PER_MINUTE = 60_000;
const MB = 1024 * 1024;

export interface CodeAt {
  code: number;
  at: number;
}

/** What a server downtime should lead to, against the retry window (count × interval). */
export type OutageExpectation = 'reconnect' | 'give-up' | 'either';

/** Downtimes within `marginMs` of the retry window may go either way (the last retry races the restart). */
export function expectationFor(downtimeMs: number, retryWindowMs: number, marginMs: number): OutageExpectation {
  if (downtimeMs < retryWindowMs - marginMs) return 'reconnect';
  if (downtimeMs > retryWindowMs + marginMs) return 'give-up';
  return 'either';
}

export interface OutageVerdict {
  complete: boolean;
  expected: OutageExpectation;
  /** The codes from the outage's start to the first 1002 after it (or to the end). */
  codes: number[];
  /** What is missing or wrong, in words (empty when complete). */
  problems: string[];
}

/** Judges the codes received from `start` on (before `end`) against what the downtime should
 *  lead to, and whether the server saw a publish after the outage. */
export function judgeOutage(codes: readonly CodeAt[], start: number, end: number, republishedAtServer: boolean, expected: OutageExpectation = 'reconnect'): OutageVerdict {
  const seen: number[] = [];
  for (const c of codes) {
    if (c.at < start || c.at >= end) continue;
    seen.push(c.code);
    if (c.code === STATUS.PUSH_BEGIN && seen.includes(STATUS.CONNECTED)) break;
    if (c.code === STATUS.RECONNECT_EXHAUSTED) break;
  }
  const gaveUp = judgeGiveUp(seen);
  const reconnected = judgeReconnect(seen, republishedAtServer);
  const problems = expected === 'give-up' ? gaveUp : expected === 'reconnect' ? reconnected : gaveUp.length === 0 ? gaveUp : reconnected;
  return { complete: problems.length === 0, expected, codes: seen, problems };
}

/** The retries spent: a connection failure, 1102, then -1307 (and no 1001 between). */
function judgeGiveUp(seen: number[]): string[] {
  const failureAt = seen.findIndex((c) => CONNECTION_FAILURES.has(c));
  const retryAt = seen.findIndex((c, i) => i > failureAt && c === STATUS.RECONNECTING);
  const gaveUpAt = seen.findIndex((c, i) => i > retryAt && c === STATUS.RECONNECT_EXHAUSTED);
  if (failureAt < 0) return [`no connection failure code (${[...CONNECTION_FAILURES].join('/')})`];
  if (retryAt < 0) return [`no ${STATUS.RECONNECTING} after the failure`];
  if (gaveUpAt < 0) return [`no ${STATUS.RECONNECT_EXHAUSTED} though the server was away longer than the retries`];
  if (seen.includes(STATUS.CONNECTED)) return [`${STATUS.CONNECTED} though the server was away longer than the retries`];
  return [];
}

function judgeReconnect(seen: number[], republishedAtServer: boolean): string[] {
  const problems: string[] = [];
  const failureAt = seen.findIndex((c) => CONNECTION_FAILURES.has(c));
  const retryAt = seen.findIndex((c, i) => i > failureAt && c === STATUS.RECONNECTING);
  const connectedAt = seen.findIndex((c, i) => i > retryAt && c === STATUS.CONNECTED);
  const pushingAt = seen.findIndex((c, i) => i > connectedAt && c === STATUS.PUSH_BEGIN);
  if (failureAt < 0) problems.push(`no connection failure code (${[...CONNECTION_FAILURES].join('/')})`);
  else if (retryAt < 0) problems.push(`no ${STATUS.RECONNECTING} after the failure`);
  else if (connectedAt < 0) problems.push(`no ${STATUS.CONNECTED} after ${STATUS.RECONNECTING}`);
  else if (pushingAt < 0) problems.push(`no ${STATUS.PUSH_BEGIN} after ${STATUS.CONNECTED}`);
  if (seen.includes(STATUS.RECONNECT_EXHAUSTED)) problems.push(`${STATUS.RECONNECT_EXHAUSTED}: the pusher gave up`);
  if (!republishedAtServer) problems.push('the server never saw the stream published again');
  return problems;
}

export interface MemorySample {
  /** ms since the push started */
  at: number;
  bytes: number;
}

export interface MemoryFigures {
  baselineMb: number;
  lastMb: number;
  /** lastMb / baselineMb */
  growthRatio: number;
  /** Least-squares slope of every sample after the warm-up, MB per minute. */
  slopeMbPerMinute: number;
  samples: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Baseline: median of the samples in [warmupMs, baselineEndMs); last: median of the samples in the final lastWindowMs. */
export function memoryFigures(samples: readonly MemorySample[], warmupMs: number, baselineEndMs: number, lastWindowMs: number): MemoryFigures {
  const base = samples.filter((s) => s.at >= warmupMs && s.at < baselineEndMs).map((s) => s.bytes);
  const endAt = samples.length ? samples[samples.length - 1]!.at : 0;
  const last = samples.filter((s) => s.at > endAt - lastWindowMs).map((s) => s.bytes);
  const after = samples.filter((s) => s.at >= warmupMs);
  const baselineMb = median(base) / MB;
  const lastMb = median(last) / MB;
  return { baselineMb, lastMb, growthRatio: lastMb / baselineMb, slopeMbPerMinute: slope(after) * (MS_PER_MINUTE / MB), samples: samples.length };
}

/** Least-squares slope in bytes per ms (0 for fewer than two samples). */
export function slope(samples: readonly MemorySample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((a, s) => a + s.at, 0) / n;
  const my = samples.reduce((a, s) => a + s.bytes, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.at - mx) * (s.bytes - my);
    den += (s.at - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
