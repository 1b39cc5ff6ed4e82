// From the component's attributes to what the media pipeline does: encoded size, fps, GOP,
// bitrate bounds, audio rate, which sources are open and the stream-side transforms.
// Spec: live-pusher.zh.md 通用属性 (mode, aspect, orientation, video-width/height, fps,
// min/max-bitrate, audio-quality, enable-camera, enable-mic, muted, mirror, remote-mirror,
// device-position) and context-api.md "Presets behind mode".
import { preset } from '../spec/index.ts';
import { effectsFromAttributes, type VideoEffects } from './video-effects.ts';
import { audioEffectsFromAttributes, type AudioEffects } from './audio-effects.ts';

export type Mode = 'QVGA' | 'HVGA' | 'SD' | 'HD' | 'FHD' | 'RTC';

export interface ModePreset {
  /** Portrait encoded size (width < height), as the component's vertical default 360x640. */
  width: number;
  height: number;
  minBitrate: number;
  maxBitrate: number;
  why: string;
}

/**
 * The numbers behind `mode`. SD/HD/FHD/RTC come from context-api.md's vendor table (spec/
 * presets): the size is the table's "fixed" resolution, or for RTC, which has none, the top of
 * its adaptive range; the bitrate range is the table's adaptive range. QVGA/HVGA (3.5.0) have no
 * published numbers: quarter VGA is 320x240 and half-size VGA 480x320 by definition, held
 * portrait like every other preset, with bitrate ranges scaled from SD (360x640 at 300-800 kbps)
 * by pixel count.
 */
const UNPUBLISHED_PRESETS: Record<'QVGA' | 'HVGA', ModePreset> = {
  QVGA: { width: 240, height: 320, minBitrate: 100, maxBitrate: 300, why: 'quarter VGA (320x240), portrait; bitrate scaled from SD' },
  HVGA: { width: 320, height: 480, minBitrate: 200, maxBitrate: 500, why: 'half-size VGA (480x320), portrait; bitrate scaled from SD' },
};

function publishedPreset(mode: 'SD' | 'HD' | 'FHD' | 'RTC'): ModePreset {
  const row = preset(mode);
  const size = row.fixed ?? row.adaptiveResolution?.max;
  const range = row.adaptiveBitrateKbps;
  if (!size || !range) throw new Error(`spec preset ${mode} lacks a size or a bitrate range`);
  return {
    width: Math.min(size.width, size.height),
    height: Math.max(size.width, size.height),
    minBitrate: range.min,
    maxBitrate: range.max,
    why: `vendor table: ${range.min}-${range.max} kbps, ${row.fixed ? 'fixed' : 'adaptive up to'} ${size.width}x${size.height}`,
  };
}

export const MODE_PRESETS: Record<Mode, ModePreset> = {
  ...UNPUBLISHED_PRESETS,
  SD: publishedPreset('SD'),
  HD: publishedPreset('HD'),
  FHD: publishedPreset('FHD'),
  RTC: publishedPreset('RTC'),
};

/** Keyframe interval in seconds: one keyframe per netstatus window (see netstatus.ts). */
export const GOP_SECONDS = 2;

/** audio-quality: 高音质(48KHz) 或 低音质(16KHz). */
export const AUDIO_QUALITY: Record<'high' | 'low', { sampleRate: number; bitrateKbps: number }> = {
  high: { sampleRate: 48_000, bitrateKbps: 64 },
  low: { sampleRate: 16_000, bitrateKbps: 32 },
};

/** Image processing (zoom, beauty, whiteness, filter): see video-effects.ts. Microphone processing (MIC volume, AGC, ANS, reverb, voice changer): see audio-effects.ts. */
export interface EncodeConfig extends VideoEffects, AudioEffects {
  width: number;
  height: number;
  fps: number;
  gopFrames: number;
  minBitrateKbps: number;
  maxBitrateKbps: number;
  /** What the encoder is asked for now: max-bitrate while the uplink keeps up (the vendor SDK
   *  starts at its top bitrate and adapts down within [min, max]). */
  targetBitrateKbps: number;
  audioSampleRate: number;
  audioBitrateKbps: number;
  cameraEnabled: boolean;
  /** The microphone is opened only when enable-mic is true; muted keeps it closed as well
   *  (muted is the deprecated spelling of the same switch). */
  micEnabled: boolean;
  /** The stream is mirrored: remote-mirror, or its deprecated alias mirror. */
  streamMirror: boolean;
  /** The local preview is mirrored (local-mirror auto: front camera only). */
  previewMirror: boolean;
  orientation: 'vertical' | 'horizontal';
  position: 'front' | 'back';
  /** enableVideoCustomRender: the pushed picture is the page's canvas (custom-render.ts). */
  customRender: boolean;
}

/** Rounds down to an even number of pixels (H.264 4:2:0 needs even sizes). */
function even(n: number): number {
  return Math.max(2, Math.floor(n / 2) * 2);
}

/**
 * Resolves the encode configuration. `attrs` holds every attribute (defaults filled in) and
 * `explicit` the names the user set. Precedence, where the spec is silent:
 * - video-width/video-height, when set, win over mode and aspect (they are the newer, exact
 *   attributes, 2.10.0);
 * - else a mode the user set gives its preset size, else the attribute defaults do (360x640);
 *   `aspect` 3:4 then turns that 9:16 frame into a 3:4 one of the same width;
 * - orientation horizontal swaps width and height (the picture turns landscape);
 * - min-bitrate/max-bitrate, when set, win; else a mode the user set gives its range; else the
 *   attribute defaults (200/1000 kbps) hold.
 */
export function resolveEncodeConfig(attrs: Record<string, unknown>, explicit: ReadonlySet<string>): EncodeConfig {
  const mode = (attrs['mode'] as Mode | undefined) ?? 'RTC';
  const preset = explicit.has('mode') ? MODE_PRESETS[mode] : undefined;
  const num = (name: string) => Number(attrs[name]);
  let width: number;
  let height: number;
  if (explicit.has('video-width') || explicit.has('video-height')) {
    width = num('video-width');
    height = num('video-height');
  } else {
    width = preset?.width ?? num('video-width');
    height = attrs['aspect'] === '3:4' ? Math.round((width * 4) / 3) : (preset?.height ?? num('video-height'));
  }
  if (attrs['orientation'] === 'horizontal' && width < height) [width, height] = [height, width];
  width = even(width);
  height = even(height);

  const minBitrate = explicit.has('min-bitrate') || !preset ? num('min-bitrate') : preset.minBitrate;
  const maxBitrate = explicit.has('max-bitrate') || !preset ? num('max-bitrate') : preset.maxBitrate;
  const fps = Number(attrs['fps'] ?? 15);
  const quality = AUDIO_QUALITY[(attrs['audio-quality'] as 'high' | 'low') ?? 'high'];
  const position = (attrs['device-position'] as 'front' | 'back') ?? 'front';
  const localMirror = (attrs['local-mirror'] as string) ?? 'auto';

  return {
    width,
    height,
    fps,
    gopFrames: Math.max(1, Math.round(fps * GOP_SECONDS)),
    minBitrateKbps: Math.min(minBitrate, maxBitrate),
    maxBitrateKbps: maxBitrate,
    targetBitrateKbps: maxBitrate,
    audioSampleRate: quality.sampleRate,
    audioBitrateKbps: quality.bitrateKbps,
    cameraEnabled: attrs['enable-camera'] !== false,
    micEnabled: attrs['enable-mic'] !== false && attrs['muted'] !== true,
    streamMirror: attrs['remote-mirror'] === true || attrs['mirror'] === true,
    previewMirror: localMirror === 'enable' || (localMirror === 'auto' && position === 'front'),
    orientation: attrs['orientation'] === 'horizontal' ? 'horizontal' : 'vertical',
    position,
    customRender: attrs['enableVideoCustomRender'] === true,
    ...effectsFromAttributes(attrs),
    ...audioEffectsFromAttributes(attrs),
  };
}

/** True when switching from `a` to `b` needs the encoder rebuilt. */
export function encoderChanged(a: EncodeConfig, b: EncodeConfig): boolean {
  return (Object.keys(a) as (keyof EncodeConfig)[]).some((k) => k !== 'previewMirror' && a[k] !== b[k]);
}
