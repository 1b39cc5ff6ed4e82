// The toxics of the TCP impairment proxy (impairment-proxy.ts), as data: Toxiproxy's toxics and
// their semantics, one direction each (upstream = client -> server, the pusher's uplink;
// downstream = server -> client). They provoke what live-pusher.zh.md 状态码 names for a bad link:
// 1101 (上行带宽太小，上传数据受阻), 3002 (连接失败), 3004/3005 (断开, 读/写失败) and the
// netstatus figures of 网络状态数据（info） (netSpeed, videoCache, netJitter ...).
// validateToxic() names the toxic, the key, the value and what is legal.

export type ToxicStream = 'upstream' | 'downstream';
export const TOXIC_STREAMS: readonly ToxicStream[] = ['upstream', 'downstream'];

interface ToxicBase {
  /** Which direction the toxic acts on (required: there is no default direction). */
  stream: ToxicStream;
  /** Probability in [0, 1] that a connection gets this toxic (decided per connection when the
   *  toxic is attached to it; default 1). */
  toxicity?: number;
}

/** Each chunk is held until `latencyMs` ± `jitterMs` (uniform) after it arrived; order is kept. */
export interface LatencyToxic extends ToxicBase { type: 'latency'; latencyMs: number; jitterMs?: number }
/** A token bucket: at most `kbps` kilobits (1000 bits) per second pass, bursts of at most
 *  `burstBytes` after idle time (default: 100 ms worth, at least 1 KiB); time the proxy's own
 *  process stalled while data waited is made up (up to BANDWIDTH_CATCH_UP_MS). */
export interface BandwidthToxic extends ToxicBase { type: 'bandwidth'; kbps: number; burstBytes?: number }
/** Black hole. `timeoutMs` 0: no data passes (the source is not read further, so its writes back
 *  up) until the toxic is removed, then it flows again. `timeoutMs` > 0: data is dropped and the
 *  connection is closed `timeoutMs` after the toxic attached to it. */
export interface TimeoutToxic extends ToxicBase { type: 'timeout'; timeoutMs: number }
/** The first chunk after the toxic attached is dropped, and `timeoutMs` later both sockets of the
 *  connection are reset (TCP RST): ECONNRESET at both peers. */
export interface ResetPeerToxic extends ToxicBase { type: 'reset_peer'; timeoutMs: number }
/** Chunks are cut into pieces of `averageSize` ± `sizeVariation` bytes with `delayUs`
 *  microseconds between pieces. */
export interface SlicerToxic extends ToxicBase { type: 'slicer'; averageSize: number; sizeVariation?: number; delayUs?: number }
/** The connection is closed once `bytes` have passed in this direction (the chunk that crosses
 *  the limit is cut at it). */
export interface LimitDataToxic extends ToxicBase { type: 'limit_data'; bytes: number }
/** When the source closes its side, the close reaches the other peer `delayMs` later. */
export interface SlowCloseToxic extends ToxicBase { type: 'slow_close'; delayMs: number }

export type Toxic = LatencyToxic | BandwidthToxic | TimeoutToxic | ResetPeerToxic | SlicerToxic | LimitDataToxic | SlowCloseToxic;
export type ToxicType = Toxic['type'];

/** Each type's keys, besides `type`, `stream` and `toxicity`: required and optional. */
const KEYS: Readonly<Record<ToxicType, { required: readonly string[]; optional: readonly string[] }>> = {
  latency: { required: ['latencyMs'], optional: ['jitterMs'] },
  bandwidth: { required: ['kbps'], optional: ['burstBytes'] },
  timeout: { required: ['timeoutMs'], optional: [] },
  reset_peer: { required: ['timeoutMs'], optional: [] },
  slicer: { required: ['averageSize'], optional: ['sizeVariation', 'delayUs'] },
  limit_data: { required: ['bytes'], optional: [] },
  slow_close: { required: ['delayMs'], optional: [] },
};
export const TOXIC_TYPES = Object.keys(KEYS) as ToxicType[];

/** Largest delay any toxic accepts (10 minutes): larger is a typo, not a test. */
export const MAX_TOXIC_DELAY_MS = 600_000;
/** Bandwidth range: 1 kbps to 10 Gbps. */
export const MIN_KBPS = 1;
export const MAX_KBPS = 10_000_000;
/** Smallest burst a bandwidth toxic allows, and the default burst's duration. */
export const MIN_BURST_BYTES = 1024;
export const DEFAULT_BURST_MS = 100;
/** While data waits, time the proxy's process lost is credited to the bucket up to this long. */
export const BANDWIDTH_CATCH_UP_MS = 1000;

/** Throws a RangeError naming the toxic, the key, the value and what is legal. */
export function validateToxic(name: string, toxic: Toxic): void {
  const where = `toxic "${name}"`;
  if (typeof name !== 'string' || name.trim() === '') throw new RangeError(`toxic name must be a non-empty string, got ${JSON.stringify(name)}`);
  if (toxic === null || typeof toxic !== 'object') throw new RangeError(`${where}: must be an object, got ${JSON.stringify(toxic)}`);
  const keys = KEYS[toxic.type as ToxicType];
  if (!keys) throw new RangeError(`${where}: type ${JSON.stringify(toxic.type)} is not legal; expected one of ${TOXIC_TYPES.join(', ')}`);
  if (!TOXIC_STREAMS.includes(toxic.stream)) {
    throw new RangeError(`${where}: stream ${JSON.stringify(toxic.stream)} is not legal; expected upstream (client -> server) or downstream`);
  }
  const known = new Set(['type', 'stream', 'toxicity', ...keys.required, ...keys.optional]);
  for (const key of Object.keys(toxic)) {
    if (!known.has(key)) throw new RangeError(`${where}: unknown key ${JSON.stringify(key)} for type ${toxic.type}; legal keys: ${[...known].join(', ')}`);
  }
  const record = toxic as unknown as Record<string, unknown>;
  for (const key of keys.required) if (record[key] === undefined) throw new RangeError(`${where}: ${toxic.type} needs ${key}`);
  if (toxic.toxicity !== undefined) range(where, 'toxicity', toxic.toxicity, 0, 1, false);
  switch (toxic.type) {
    case 'latency':
      range(where, 'latencyMs', toxic.latencyMs, 0, MAX_TOXIC_DELAY_MS, false);
      if (toxic.jitterMs !== undefined) range(where, 'jitterMs', toxic.jitterMs, 0, toxic.latencyMs, false);
      break;
    case 'bandwidth':
      range(where, 'kbps', toxic.kbps, MIN_KBPS, MAX_KBPS, false);
      if (toxic.burstBytes !== undefined) range(where, 'burstBytes', toxic.burstBytes, MIN_BURST_BYTES, 64 * 1024 * 1024, true);
      break;
    case 'timeout':
    case 'reset_peer':
      range(where, 'timeoutMs', toxic.timeoutMs, 0, MAX_TOXIC_DELAY_MS, false);
      break;
    case 'slicer':
      range(where, 'averageSize', toxic.averageSize, 1, 1024 * 1024, true);
      if (toxic.sizeVariation !== undefined) range(where, 'sizeVariation', toxic.sizeVariation, 0, toxic.averageSize - 1, true);
      if (toxic.delayUs !== undefined) range(where, 'delayUs', toxic.delayUs, 0, MAX_TOXIC_DELAY_MS * 1000, false);
      break;
    case 'limit_data':
      range(where, 'bytes', toxic.bytes, 0, Number.MAX_SAFE_INTEGER, true);
      break;
    case 'slow_close':
      range(where, 'delayMs', toxic.delayMs, 0, MAX_TOXIC_DELAY_MS, false);
      break;
  }
}

function range(where: string, key: string, value: unknown, min: number, max: number, integer: boolean): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
  if (!ok) throw new RangeError(`${where}: ${key} ${JSON.stringify(value)} is not legal; expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
}

/** Bytes per second of a bandwidth toxic. */
export function bytesPerSecond(kbps: number): number {
  return (kbps * 1000) / 8;
}
