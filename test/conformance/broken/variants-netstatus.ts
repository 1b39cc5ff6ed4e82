// Broken variants for the netstatus checks (see variant-kit.ts): implementations that repeat
// their configuration, lie in ways that average out, report at the wrong cadence, stop
// measuring after the first report, or report a plausible netJitter that never moves.
import type { EncodeConfig } from '../../../reference-pusher/encode-config.ts';
import { mapEvent, type BrokenVariant, type Json } from './variant-kit.ts';

type Info = Record<string, number>;

/** The attribute defaults a lazy implementation would echo (spec: video-width/height, fps,
 *  max-bitrate) and the AAC rates it would claim for audio-quality high / low. */
const ECHO_DEFAULTS = { width: 360, height: 640, fps: 15, maxBitrate: 1000 };
const ECHO_AUDIO_KBPS = { high: 64, low: 32 };
/** What the unhonoured encoder really delivers, as a share of what was configured. */
const UNHONOURED_FPS_SHARE = 2 / 3;
const UNHONOURED_BITRATE_SHARE = 0.6;
/** Alternate reports are multiplied by these: their mean is the true figure. */
const ALTERNATING_FACTORS = [1.6, 0.4];
const ALTERNATED_KEYS = ['videoBitrate', 'audioBitrate', 'videoFPS', 'videoGOP', 'netSpeed', 'videoWidth', 'videoHeight'];
/** The netJitter the constant-jitter variant always reports (ms; plausible for a real link). */
const CONSTANT_JITTER_MS = 20;
/** The extra copy of each report goes out this much later (a 1 s cadence). */
const EXTRA_REPORT_DELAY_MS = 1000;

function withInfo(fn: (info: Info) => Info): (msg: Json) => Json | null {
  return mapEvent('netstatus', (d) => ({ ...d, info: fn(d['info'] as Info) }));
}

/** Reports the create attributes (or their defaults) as if they were measurements. */
function echoAttributes(): BrokenVariant {
  let attrs: Json = {};
  return {
    name: 'netstatus-echo-attributes',
    what: 'reports size, fps and bitrates from the create attributes (defaults where unset) instead of measuring',
    request: (req) => {
      if (req['method'] === 'create') attrs = ((req['params'] as Json | undefined)?.['attrs'] as Json | undefined) ?? {};
      return req;
    },
    outgoing: withInfo((info) => {
      const videoBitrate = Number(attrs['max-bitrate'] ?? ECHO_DEFAULTS.maxBitrate);
      const audioBitrate = attrs['audio-quality'] === 'low' ? ECHO_AUDIO_KBPS.low : ECHO_AUDIO_KBPS.high;
      return {
        ...info,
        videoWidth: Number(attrs['video-width'] ?? ECHO_DEFAULTS.width),
        videoHeight: Number(attrs['video-height'] ?? ECHO_DEFAULTS.height),
        videoFPS: Number(attrs['fps'] ?? ECHO_DEFAULTS.fps),
        videoBitrate,
        audioBitrate,
        netSpeed: videoBitrate + audioBitrate,
      };
    }),
    // HD's preset size and bitrate are not the attribute defaults; the AAC encoder does not fill
    // its nominal rate (about 41 kbps of 64 for the tone, 1.5 kbps for a silent track); the
    // runtime update doubles fps and bitrate after create.
    breaks: [
      'netstatus/(videoWidth|videoHeight|videoBitrate|netSpeed)/hd-20fps-16k',
      'netstatus/audioBitrate/.*',
      'netstatus/(videoFPS|videoBitrate|netSpeed)/hvga-mic-off-10-then-20fps',
    ],
  };
}

/** Reports the resolved encoder settings while the encoder delivers less than them. */
function echoUnhonoured(): BrokenVariant {
  let configured: EncodeConfig | undefined;
  return {
    name: 'netstatus-echo-unhonoured',
    what: `reports the configured fps and bitrate while the encoder delivers ${Math.round(UNHONOURED_FPS_SHARE * 100)} % of the fps and ${UNHONOURED_BITRATE_SHARE * 100} % of the bitrate`,
    pusher: {
      encodeConfig: (cfg) => {
        configured = cfg;
        const bitrate = (kbps: number): number => Math.max(1, Math.round(kbps * UNHONOURED_BITRATE_SHARE));
        return {
          ...cfg,
          fps: Math.max(1, Math.round(cfg.fps * UNHONOURED_FPS_SHARE)),
          minBitrateKbps: bitrate(cfg.minBitrateKbps),
          maxBitrateKbps: bitrate(cfg.maxBitrateKbps),
          targetBitrateKbps: bitrate(cfg.targetBitrateKbps),
        };
      },
    },
    outgoing: withInfo((info) => (configured ? { ...info, videoFPS: configured.fps, videoBitrate: configured.targetBitrateKbps } : info)),
    breaks: ['netstatus/(videoFPS|videoBitrate)/.*'],
  };
}

function alternatingLies(): BrokenVariant {
  let n = 0;
  return {
    name: 'netstatus-alternating-lies',
    what: `multiplies size, fps, GOP and bitrates by ${ALTERNATING_FACTORS.join(' and ')} on alternate reports (the mean is right)`,
    outgoing: withInfo((info) => {
      const factor = ALTERNATING_FACTORS[n++ % ALTERNATING_FACTORS.length]!;
      return { ...info, ...Object.fromEntries(ALTERNATED_KEYS.map((k) => [k, (info[k] ?? 0) * factor])) };
    }),
    breaks: [`netstatus/(${ALTERNATED_KEYS.join('|')})/.*`],
  };
}

function everySecond(): BrokenVariant {
  return {
    name: 'netstatus-every-1s',
    what: `sends each report again ${EXTRA_REPORT_DELAY_MS} ms later (a report every second)`,
    outgoing: (msg) => {
      if (msg['event'] === 'netstatus') {
        setTimeout(() => process.stdout.write(JSON.stringify({ ...msg, ts: Date.now() }) + '\n'), EXTRA_REPORT_DELAY_MS);
      }
      return msg;
    },
    breaks: ['netstatus/interval/.*'],
  };
}

function everyFourSeconds(): BrokenVariant {
  let n = 0;
  return {
    name: 'netstatus-every-4s',
    what: 'drops every other report (a report every 4 s)',
    outgoing: (msg) => (msg['event'] === 'netstatus' && n++ % 2 === 1 ? null : msg),
    breaks: ['netstatus/interval/.*'],
  };
}

function staleReport(): BrokenVariant {
  let first: Info | undefined;
  return {
    name: 'netstatus-stale',
    what: 'stops measuring after the first report and repeats it',
    outgoing: withInfo((info) => (first ??= info)),
    // The push whose fps and bitrate double at runtime; elsewhere the first report may be close
    // enough to the steady state to pass.
    breaks: ['netstatus/(videoFPS|videoBitrate|netSpeed)/hvga-mic-off-10-then-20fps'],
  };
}

function constantJitter(): BrokenVariant {
  return {
    name: 'netstatus-jitter-constant',
    what: `reports netJitter ${CONSTANT_JITTER_MS} in every report, whatever the link does`,
    outgoing: withInfo((info) => ({ ...info, netJitter: CONSTANT_JITTER_MS })),
    breaks: ['^netstatus/impaired/netJitter$'],
  };
}

export const NETSTATUS_VARIANTS: BrokenVariant[] = [echoAttributes(), echoUnhonoured(), alternatingLies(), everySecond(), everyFourSeconds(), staleReport(), constantJitter()];
