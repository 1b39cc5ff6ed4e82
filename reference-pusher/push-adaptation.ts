// Bitrate adaptation during a push: samples the publisher every ADAPT_TICK_MS, feeds the pure
// controller (bitrate-adapter.ts), and tells the pusher what changed: a new video bitrate (1006),
// a mode preset's resolution stepped (1005), an uplink below min-bitrate (1101). The pusher then
// restarts the encoder with the adapted EncodeConfig: ffmpeg's libx264 takes no new bitrate while
// running, so a change is a new encoder generation, and the stream clock (stream-clock.ts) keeps
// the pushed timestamps continuous across it, as for any other restart.
// Spec: live-pusher.zh.md 通用属性 min-bitrate / max-bitrate / mode; 状态码 1005, 1006, 1101;
// context-api.md "Presets behind mode" (adaptive bitrate and resolution ranges).
import { preset as presetRow } from '../spec/index.ts';
import { STATUS } from '../spec/codes.ts';
import { ADAPT_TICK_MS, BitrateAdapter, resolutionAt, type AdaptiveResolution } from './bitrate-adapter.ts';
import type { EncodeConfig } from './encode-config.ts';
import type { SenderSnapshot } from './netstatus.ts';

export interface AdaptationReport {
  code: typeof STATUS.BITRATE_CHANGED | typeof STATUS.RESOLUTION_CHANGED | typeof STATUS.NET_BUSY;
  message: string;
  /** The encoder must be restarted with the newly adapted configuration. */
  restart: boolean;
}

const ADAPTIVE_MODES = new Set(['SD', 'HD', 'FHD', 'RTC']);

/** The adaptive resolution range of the mode the user set, when its preset has one and the
 *  encoded size is still the preset's own (video-width/height and aspect override it). */
export function adaptiveRange(config: EncodeConfig, attrs: Readonly<Record<string, unknown>>, explicit: ReadonlySet<string>): AdaptiveResolution | undefined {
  const mode = attrs['mode'];
  if (!explicit.has('mode') || typeof mode !== 'string' || !ADAPTIVE_MODES.has(mode)) return undefined;
  if (explicit.has('video-width') || explicit.has('video-height')) return undefined;
  const row = presetRow(mode);
  const res = row.adaptiveResolution;
  if (!res) return undefined;
  const portrait = (s: { width: number; height: number }) => ({ width: Math.min(s.width, s.height), height: Math.max(s.width, s.height) });
  const high = portrait(res.max);
  const low = portrait(res.min);
  const landscape = config.width > config.height;
  const turn = (s: { width: number; height: number }) => (landscape ? { width: s.height, height: s.width } : s);
  if (config.width !== turn(high).width || config.height !== turn(high).height) return undefined;
  return { high: turn(high), low: turn(low), minKbps: config.minBitrateKbps, maxKbps: config.maxBitrateKbps };
}

export class PushAdaptation {
  private adapter: BitrateAdapter | undefined;
  private timer: NodeJS.Timeout | undefined;
  private size: { width: number; height: number } | undefined;
  private range: AdaptiveResolution | undefined;

  /** The configuration the encoder runs at now: the resolved one with the adapted bitrate (and size). */
  apply(config: EncodeConfig, attrs: Readonly<Record<string, unknown>>, explicit: ReadonlySet<string>): EncodeConfig {
    const bounds = { minKbps: config.minBitrateKbps, maxKbps: config.maxBitrateKbps, audioKbps: config.audioBitrateKbps };
    if (!this.adapter) this.adapter = new BitrateAdapter(bounds);
    else this.adapter.setBounds(bounds);
    const targetBitrateKbps = this.adapter.targetKbps;
    const range = adaptiveRange(config, attrs, explicit);
    this.range = range;
    this.size = range ? resolutionAt(range, targetBitrateKbps) : undefined;
    return { ...config, targetBitrateKbps, ...(this.size ?? {}) };
  }

  /** Samples `stats` every ADAPT_TICK_MS until stop(); `onReport` gets each change. */
  start(stats: () => SenderSnapshot | undefined, onReport: (r: AdaptationReport) => void): void {
    this.stop();
    this.timer = setInterval(() => {
      const s = stats();
      const adapter = this.adapter;
      if (!s || !adapter) return;
      const sample = { now: Date.now(), bytesSent: s.bytesSent, queuedBytes: s.queuedBytes, connected: s.connected, droppedFrames: s.droppedFrames };
      for (const d of adapter.tick(s.bytesAcked !== undefined ? { ...sample, bytesDelivered: s.bytesAcked } : sample)) {
        if (d.kind === 'busy') {
          onReport({ code: STATUS.NET_BUSY, message: `网络状况不佳：${d.why}`, restart: false });
          continue;
        }
        onReport({ code: STATUS.BITRATE_CHANGED, message: `编码器码率改变: ${d.fromKbps} -> ${d.toKbps} kbps (${d.why})`, restart: true });
        const size = this.range ? resolutionAt(this.range, d.toKbps) : undefined;
        const was = this.size;
        if (size && was && (size.width !== was.width || size.height !== was.height)) {
          this.size = size;
          onReport({ code: STATUS.RESOLUTION_CHANGED, message: `编码器分辨率改变: ${was.width}x${was.height} -> ${size.width}x${size.height} at ${d.toKbps} kbps`, restart: true });
        }
      }
    }, ADAPT_TICK_MS);
  }

  /** A new push starts at max-bitrate. */
  reset(): void {
    this.stop();
    this.adapter = undefined;
    this.size = undefined;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
