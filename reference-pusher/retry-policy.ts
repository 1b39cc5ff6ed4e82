// The reconnect policy as a bench extension of `create` (docs/driver-protocol.md "create":
// `params.retry`): how many retries after a lost or failed connection and how far apart, within
// the ranges the spec gives for the vendor setting. Without it the vendor defaults hold.
// Spec: live-pusher.zh.md 状态码 1102 / -1307; context-api.md "Status codes" (3 retries, 3 s apart;
// 1-10 retries, 3-30 s; the web variant 3 retries 1 s apart), spec/live-pusher.json `retry`.
import { retry as retrySpec } from '../spec/index.ts';

export interface RetryPolicy {
  count: number;
  intervalMs: number;
}

const MS_PER_SECOND = 1000;

/** The shortest interval accepted: the web variant's. */
export const MIN_RETRY_INTERVAL_MS = retrySpec.web.intervalSeconds * MS_PER_SECOND;
export const MAX_RETRY_INTERVAL_MS = retrySpec.intervalSeconds.max * MS_PER_SECOND;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  count: retrySpec.count.default,
  intervalMs: retrySpec.intervalSeconds.default * MS_PER_SECOND,
};

/** `create.params.retry` checked: the policy, or what is wrong with it (the key, the value, what is legal). */
export function parseRetryPolicy(value: unknown): { policy: RetryPolicy } | { problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: `"retry" must be an object {count, intervalMs}, got ${JSON.stringify(value)}` };
  }
  const v = value as Record<string, unknown>;
  const unknownKeys = Object.keys(v).filter((k) => k !== 'count' && k !== 'intervalMs');
  if (unknownKeys.length) return { problem: `"retry" has unknown key(s) ${unknownKeys.join(', ')}; legal keys: count, intervalMs` };
  const { min, max } = retrySpec.count;
  const count = v['count'] ?? DEFAULT_RETRY_POLICY.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < min || count > max) {
    return { problem: `"retry.count" ${JSON.stringify(count)} is not legal; expected an integer from ${min} to ${max}` };
  }
  const intervalMs = v['intervalMs'] ?? DEFAULT_RETRY_POLICY.intervalMs;
  if (typeof intervalMs !== 'number' || !Number.isInteger(intervalMs) || intervalMs < MIN_RETRY_INTERVAL_MS || intervalMs > MAX_RETRY_INTERVAL_MS) {
    return { problem: `"retry.intervalMs" ${JSON.stringify(intervalMs)} is not legal; expected an integer from ${MIN_RETRY_INTERVAL_MS} to ${MAX_RETRY_INTERVAL_MS} (ms)` };
  }
  return { policy: { count, intervalMs } };
}
