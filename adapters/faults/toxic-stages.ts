// What each toxic of toxics.ts does to one direction of one proxied connection
// (impairment-proxy.ts): a stage per toxic, in the order the toxics were added, each chunk passed
// through them one after another (order kept, as Toxiproxy does). A stage is attached when its
// toxic is set (or when a connection opens under it) and detached when the toxic is removed or
// replaced: a detached stage lets everything through at once. Faults for live-pusher.zh.md
// 状态码 1101 / 3004 / 3005 and 网络状态数据（info）.
import { performance } from 'node:perf_hooks';
import { BANDWIDTH_CATCH_UP_MS, bytesPerSecond, DEFAULT_BURST_MS, MIN_BURST_BYTES, type Toxic } from './toxics.ts';

/** A piece of the byte stream and when the proxy read it (performance.now() ms). */
export interface Chunk {
  data: Buffer;
  arrivedAt: number;
}

/** What a stage may do to its connection. */
export interface LinkControl {
  /** Closes both sockets of the connection (FIN to both peers, pending writes flushed). */
  close(reason: string): void;
  /** Resets both sockets of the connection (TCP RST to both peers). */
  reset(reason: string): void;
  /** Aborted when the connection is gone. */
  readonly signal: AbortSignal;
}

export type Next = (chunk: Chunk) => Promise<void>;

export interface ToxicStage {
  readonly toxic: Toxic;
  /** Passes the chunk (or pieces of it) on through `next`, or drops it. */
  onChunk(chunk: Chunk, next: Next): Promise<void>;
  /** The source closed its side; resolves when the close may go on to the other peer. */
  onEnd(): Promise<void>;
  /** How long this stage holds data on purpose (latency + jitter): such bytes are "in flight",
   *  not a backlog, when the proxy decides whether to stop reading the source. */
  readonly holdMs: number;
  detach(): void;
}

/** Resolves after `ms`, or at once when any signal aborts (never rejects). */
export function sleep(ms: number, ...signals: AbortSignal[]): Promise<void> {
  if (signals.some((s) => s.aborted)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    for (const s of signals) s.addEventListener('abort', done, { once: true });
  });
}

/** Resolves once performance.now() >= t (timers may fire up to a millisecond early: it waits
 *  again), or at once when any signal aborts (never rejects). */
export async function sleepUntil(t: number, ...signals: AbortSignal[]): Promise<void> {
  while (!signals.some((s) => s.aborted)) {
    const left = t - performance.now();
    if (left <= 0) return;
    await sleep(Math.max(1, Math.ceil(left)), ...signals);
  }
}

/** Builds the stage of `toxic` on one direction of one connection. */
export function attachToxic(toxic: Toxic, link: LinkControl, random: () => number = Math.random): ToxicStage {
  const detached = new AbortController();
  const stopped = (): boolean => detached.signal.aborted || link.signal.aborted;
  const wait = (ms: number): Promise<void> => sleepUntil(performance.now() + ms, detached.signal, link.signal);
  const untilDetached = (): Promise<void> => sleep(2 ** 31 - 1, detached.signal, link.signal);
  const base = {
    toxic,
    holdMs: 0,
    onEnd: async (): Promise<void> => {},
    detach: (): void => detached.abort(),
  };
  const active = toxic.toxicity === undefined || random() < toxic.toxicity;
  if (!active) return { ...base, onChunk: (chunk, next) => next(chunk) };

  switch (toxic.type) {
    case 'latency': {
      const jitter = toxic.jitterMs ?? 0;
      return {
        ...base,
        holdMs: toxic.latencyMs + jitter,
        async onChunk(chunk, next) {
          if (!stopped()) {
            const delay = toxic.latencyMs + (jitter > 0 ? (random() * 2 - 1) * jitter : 0);
            await sleepUntil(chunk.arrivedAt + delay, detached.signal, link.signal);
          }
          await next(chunk);
        },
      };
    }
    case 'bandwidth': {
      const rate = bytesPerSecond(toxic.kbps);
      const burst = toxic.burstBytes ?? Math.max(MIN_BURST_BYTES, Math.round((rate * DEFAULT_BURST_MS) / 1000));
      const catchUp = burst + (rate * BANDWIDTH_CATCH_UP_MS) / 1000;
      let tokens = burst;
      let last = performance.now();
      // While the link is idle the bucket fills to `burst` at most; while data is waiting (a
      // chunk is in this stage), time the proxy's own process lost (a stall of the event
      // loop) is credited up to BANDWIDTH_CATCH_UP_MS, so a hiccup of the proxy does not lower
      // the cap the link was set to.
      const refill = (waitingSince: number): void => {
        const now = performance.now();
        const idleUntil = Math.min(now, Math.max(last, waitingSince));
        tokens = Math.min(burst, tokens + ((idleUntil - last) / 1000) * rate);
        tokens = Math.min(catchUp, tokens + ((now - idleUntil) / 1000) * rate);
        last = now;
      };
      return {
        ...base,
        async onChunk(chunk, next) {
          const entered = performance.now();
          let offset = 0;
          while (offset < chunk.data.length) {
            if (stopped()) return next({ ...chunk, data: chunk.data.subarray(offset) });
            const size = Math.min(burst, chunk.data.length - offset);
            refill(entered);
            if (tokens < size) {
              await wait(((size - tokens) / rate) * 1000);
              refill(entered);
              if (stopped()) continue;
            }
            tokens -= size;
            await next({ ...chunk, data: chunk.data.subarray(offset, offset + size) });
            offset += size;
          }
        },
      };
    }
    case 'timeout': {
      if (toxic.timeoutMs > 0) {
        void wait(toxic.timeoutMs).then(() => {
          if (!stopped()) link.close(`timeout toxic: ${toxic.timeoutMs} ms elapsed`);
        });
      }
      return {
        ...base,
        async onChunk(chunk, next) {
          if (toxic.timeoutMs > 0 && !stopped()) return; // the black hole eats it
          await untilDetached();
          await next(chunk);
        },
        async onEnd() {
          if (toxic.timeoutMs === 0) await untilDetached();
        },
      };
    }
    case 'reset_peer': {
      let fired = false;
      return {
        ...base,
        async onChunk(chunk, next) {
          if (stopped() || fired) return next(chunk);
          fired = true;
          await wait(toxic.timeoutMs);
          if (!stopped()) link.reset(`reset_peer toxic: ${toxic.timeoutMs} ms after data`);
        },
      };
    }
    case 'slicer': {
      const variation = toxic.sizeVariation ?? 0;
      const delayMs = (toxic.delayUs ?? 0) / 1000;
      return {
        ...base,
        async onChunk(chunk, next) {
          let offset = 0;
          while (offset < chunk.data.length) {
            if (stopped()) return next({ ...chunk, data: chunk.data.subarray(offset) });
            const size = Math.max(1, toxic.averageSize + Math.round((random() * 2 - 1) * variation));
            const end = Math.min(chunk.data.length, offset + size);
            await next({ ...chunk, data: chunk.data.subarray(offset, end) });
            offset = end;
            if (offset < chunk.data.length && delayMs > 0) await wait(delayMs);
          }
        },
      };
    }
    case 'limit_data': {
      let passed = 0;
      return {
        ...base,
        async onChunk(chunk, next) {
          if (stopped()) return next(chunk);
          const room = toxic.bytes - passed;
          const data = chunk.data.length > room ? chunk.data.subarray(0, Math.max(0, room)) : chunk.data;
          if (data.length > 0) {
            passed += data.length;
            await next({ ...chunk, data });
          }
          if (passed >= toxic.bytes) link.close(`limit_data toxic: ${toxic.bytes} bytes passed`);
        },
      };
    }
    case 'slow_close':
      return {
        ...base,
        onChunk: (chunk, next) => next(chunk),
        async onEnd() {
          await wait(toxic.delayMs);
        },
      };
  }
}
