// Broken variants for the rates checks (see variant-kit.ts): pushers whose frame rate, timestamps
// or bitrate look right to anyone who trusts the stream's own claims, and are wrong on the wall
// clock of the reader (conformance/tests/attributes/rate.check.ts).
import type { OutgoingMedia } from '../../../reference-pusher/live-pusher.ts';
import type { PipelineOptions } from '../../../reference-pusher/media-pipeline.ts';
import type { BrokenVariant } from './variant-kit.ts';

/** Capture runs at the asked frame rate divided by this in the slow-capture variants. */
const SLOW_CAPTURE_DIVISOR = 2;
/** Stream time 25 % fast or slow: a lie the stream-clock checks (± 2 %) must see on a loaded
 *  machine too. At 10 % fast, an encoder that a loaded machine held to ~90 % of real time at
 *  30 fps made the stretched stamps come out right (attributes/fps/30/stream-clock passed). */
const STRETCH = 1.25;
const COMPRESS = 0.75;
/** The overshoot-stretched variant sends this many times max-bitrate, stamped as this much stream time. */
const OVERSHOOT = 1.4;
/** Seconds of max-bitrate each keyframe of the keyframe-burst variant carries on top of its
 *  picture; the rest of the GOP is encoded that much leaner, so the mean stays at max-bitrate. */
const BURST_EXTRA_S = 0.8;
/** H.264 filler data NAL (nal_unit_type 12): decoders skip it, the wire carries it. */
const FILLER_NAL_HEADER = 0x0c;
const FILLER_BYTE = 0xff;
const RBSP_TRAILING = 0x80;
const NAL_LENGTH_BYTES = 4;
const BITS_PER_BYTE = 8;
const BITS_PER_KBIT = 1000;
/** Quality target of the variant that ignores min-bitrate (x264 CRF). */
const IGNORE_MIN_CRF = 28;

const FPS_IDS = 'attributes/fps/(5|15|30)';
const STREAM_CLOCK_IDS = 'attributes/fps/(5|15|30)/stream-clock';

/** Returns args with the value after `flag` replaced (args without the flag unchanged). */
function setArg(args: string[], flag: string, value: (old: string) => string): string[] {
  const i = args.indexOf(flag);
  if (i < 0 || i + 1 >= args.length) return args;
  const out = [...args];
  out[i + 1] = value(out[i + 1]!);
  return out;
}

/** The camera captures at 1/SLOW_CAPTURE_DIVISOR of the asked rate (its -framerate input option). */
function slowCapture(args: string[]): string[] {
  return setArg(args, '-framerate', (fps) => `${fps}/${SLOW_CAPTURE_DIVISOR}`);
}

/** The encoder's output frame rate filter (fps=N after setsar in the picture chain) scaled too. */
function slowOutput(args: string[], options: PipelineOptions): string[] {
  const fps = options.config.fps;
  return setArg(args, '-filter_complex', (graph) => graph.replace(`setsar=1,fps=${fps}`, `setsar=1,fps=${fps}/${SLOW_CAPTURE_DIVISOR}`));
}

/** Every packet's timestamp multiplied by `factor` (stream time runs factor x wall time). */
function scaleTimestamps(factor: number, kinds: OutgoingMedia['kind'][] = ['video', 'audio']): (m: OutgoingMedia) => OutgoingMedia {
  return (m) => (kinds.includes(m.kind) ? { ...m, timestampMs: Math.round(m.timestampMs * factor) } : m);
}

/** The reference's CBR video arguments replaced (the flags it writes after -sc_threshold). */
function replaceRateControl(args: string[], rateControl: (kbps: number) => string[]): string[] {
  const b = args.indexOf('-b:v');
  const params = args.indexOf('-x264-params');
  if (b < 0 || params < b) return args;
  const kbps = parseInt(args[b + 1]!, 10);
  return [...args.slice(0, b), ...rateControl(kbps), ...args.slice(params + 2)];
}

/** A keyframe's FLV video body with a filler NAL of `bytes` appended (length-prefixed). */
function withFiller(body: Uint8Array, bytes: number): Uint8Array {
  const out = new Uint8Array(body.length + NAL_LENGTH_BYTES + bytes);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, bytes);
  const nal = out.subarray(body.length + NAL_LENGTH_BYTES);
  nal.fill(FILLER_BYTE);
  nal[0] = FILLER_NAL_HEADER;
  nal[nal.length - 1] = RBSP_TRAILING;
  return out;
}

/** Mean bitrate at max-bitrate, but every keyframe carries BURST_EXTRA_S s of it at once: the
 *  encoder runs CBR at max * (1 - extra / GOP) and each keyframe gets the difference as filler. */
function keyframeBurst(): BrokenVariant {
  let fillerBytes = 0;
  return {
    name: 'keyframe-burst',
    what: `keeps the mean at max-bitrate but sends ${BURST_EXTRA_S} s of it with every keyframe (filler): with a 2 s GOP a second with a keyframe carries 1.4 x max-bitrate`,
    pusher: {
      encodeConfig: (config) => {
        const gopS = config.gopFrames / config.fps;
        fillerBytes = Math.round((config.targetBitrateKbps * BURST_EXTRA_S * BITS_PER_KBIT) / BITS_PER_BYTE);
        return { ...config, targetBitrateKbps: Math.round(config.targetBitrateKbps * (1 - BURST_EXTRA_S / gopS)) };
      },
      media: (m) => (m.kind === 'video' && m.keyframe && !m.sequenceHeader ? { ...m, body: withFiller(m.body, fillerBytes) } : m),
    },
    breaks: ['attributes/max-bitrate/(300|800|1200)'],
  };
}

export const RATES_VARIANTS: BrokenVariant[] = [
  {
    name: 'duplicate-frames',
    what: 'captures at half the asked frame rate and repeats every picture to reach it (timestamps honest)',
    pusher: { ffmpegArgs: (args) => slowCapture(args) },
    breaks: [FPS_IDS],
  },
  {
    name: 'slow-capture-nominal-stamps',
    what: 'captures and encodes at half the asked frame rate but stamps the frames at the nominal spacing',
    pusher: {
      ffmpegArgs: (args, options) => slowOutput(slowCapture(args), options),
      media: scaleTimestamps(1 / SLOW_CAPTURE_DIVISOR, ['video']),
    },
    breaks: [FPS_IDS, STREAM_CLOCK_IDS],
  },
  {
    name: 'stretched-timestamps',
    what: `stamps every packet ${STRETCH} x its real time (stream time runs ahead of the wall clock)`,
    pusher: { media: scaleTimestamps(STRETCH) },
    breaks: [STREAM_CLOCK_IDS],
  },
  {
    name: 'compressed-timestamps',
    what: `stamps every packet ${COMPRESS} x its real time (stream time falls behind the wall clock)`,
    pusher: { media: scaleTimestamps(COMPRESS) },
    breaks: [STREAM_CLOCK_IDS],
  },
  keyframeBurst(),
  {
    name: 'overshoot-stretched',
    what: `encodes at ${OVERSHOOT} x max-bitrate and stamps every packet ${OVERSHOOT} x its real time, so each wall-clock second carries ${OVERSHOOT} s of stream and every window paced by its stream time looks within max-bitrate`,
    pusher: {
      ffmpegArgs: (args) => replaceRateControl(args, (kbps) => {
        const over = Math.round(kbps * OVERSHOOT);
        return ['-b:v', `${over}k`, '-minrate', `${over}k`, '-maxrate', `${over}k`, '-bufsize', `${Math.round(over / 10)}k`, '-x264-params', 'nal-hrd=cbr'];
      }),
      media: scaleTimestamps(OVERSHOOT),
    },
    breaks: ['attributes/max-bitrate/(300|800|1200)'],
  },
  {
    name: 'ignore-min-bitrate',
    what: `targets quality (x264 CRF ${IGNORE_MIN_CRF}, capped at max-bitrate) and ignores min-bitrate`,
    pusher: {
      ffmpegArgs: (args) => replaceRateControl(args, (kbps) => ['-crf', String(IGNORE_MIN_CRF), '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`]),
    },
    breaks: ['attributes/min-bitrate/600'],
  },
];
