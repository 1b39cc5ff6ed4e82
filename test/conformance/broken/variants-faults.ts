// Broken variants for the fault checks (conformance/tests/faults/, see variant-kit.ts): pushers
// that adapt below min-bitrate, never adapt (bitrate nor size) while saying they do, adapt
// silently (no 1006, no 1005), never say 1101, keep a constant
// netstatus whatever the uplink does, retry too often or too fast, never say 1102, restart
// their timestamps at 0 after a reconnect, or get the iOS-only 4998 / 4999 wrong for their
// platform (emitted elsewhere, missing on iOS).
import type { OutgoingMedia } from '../../../reference-pusher/live-pusher.ts';
import { STATUS } from '../../../spec/codes.ts';
import { toggleCodes } from '../../../reference-pusher/platform-codes.ts';
import { mapEvent, type BrokenVariant, type Json } from './variant-kit.ts';

/** Once adapting, the min-bitrate-ignoring variant encodes at this share of min-bitrate. */
const BELOW_MIN_SHARE = 0.5;
/** Retries of the too-often variant (the vendor default is 3) and the interval of the too-fast one (3 s). */
const TOO_MANY_RETRIES = 6;
const TOO_FAST_INTERVAL_MS = 1000;

function dropStatus(code: number): (msg: Json) => Json | null {
  return dropStatuses([code]);
}

function dropStatuses(codes: number[]): (msg: Json) => Json | null {
  return mapEvent('statechange', (d) => (codes.includes(Number(d['code'])) ? null : d));
}

/** Freezes every netstatus report at the first one. */
function constantNetstatus(): BrokenVariant {
  let first: Json | undefined;
  return {
    name: 'faults-constant-netstatus',
    what: 'repeats its first netstatus report for the rest of the push, whatever the uplink does',
    outgoing: mapEvent('netstatus', (d) => {
      first ??= d;
      return first;
    }),
    breaks: ['^netstatus/impaired/cache-and-quality$', '^netstatus/impaired/netSpeed$'],
  };
}

/** Reports 1006 and 1005 as the reference does, but its encoder keeps the first configuration's
 *  bitrate (max-bitrate) and size whatever the uplink carries. */
function neverAdapts(): BrokenVariant {
  let first: { width: number; height: number } | undefined;
  return {
    name: 'faults-never-adapts',
    what: 'reports 1006 and 1005 but keeps encoding at max-bitrate and its first size whatever the uplink carries',
    pusher: {
      encodeConfig: (c) => {
        first ??= { width: c.width, height: c.height };
        return { ...c, ...first, targetBitrateKbps: c.maxBitrateKbps };
      },
    },
    breaks: ['^status-codes/1006/capped-uplink$', '^status-codes/1005/capped-uplink$'],
  };
}

/** Emits the iOS-only codes after each update that toggles enable-mic or muted, while its hello
 *  says this machine's platform. */
function iosCodesElsewhere(): BrokenVariant {
  const due = new Map<unknown, number[]>();
  let attrs: Json = { 'enable-mic': true, muted: false };
  return {
    name: 'platform-ios-codes-elsewhere',
    what: 'emits the iOS-only 4998 / 4999 when enable-mic / muted toggle, while its hello says another platform',
    request: (req) => {
      const update = (req['params'] as Json | undefined)?.['attrs'] as Json | undefined;
      if (req['method'] === 'update' && update) {
        const codes = toggleCodes('ios', attrs, update).map((c) => c.code);
        attrs = { ...attrs, ...update };
        if (codes.length) due.set(req['id'], codes);
      }
      return req;
    },
    outgoing: (msg) => {
      const codes = 'result' in msg ? due.get(msg['id']) : undefined;
      if (!codes) return msg;
      due.delete(msg['id']);
      return [msg, ...codes.map((code) => ({ event: 'statechange', detail: { code, message: `code ${code}` }, ts: Date.now() }))];
    },
    breaks: ['^status-codes/4998-4999/platform$'],
  };
}

/** After each 1102, media timestamps start again from 0. */
function timestampsRestart(): BrokenVariant {
  let last = 0;
  let offset = 0;
  let rebase = false;
  return {
    name: 'faults-timestamps-restart',
    what: 'starts its timestamps again at 0 after every reconnect (1102)',
    outgoing: (msg) => {
      if (msg['event'] === 'statechange' && (msg['detail'] as Json | undefined)?.['code'] === STATUS.RECONNECTING) rebase = true;
      return msg;
    },
    pusher: {
      media: (m: OutgoingMedia) => {
        if (rebase) {
          offset = last;
          rebase = false;
        }
        last = m.timestampMs;
        return { ...m, timestampMs: Math.max(0, m.timestampMs - offset) };
      },
    },
    breaks: ['^status-codes/1102/outage-mid-push$'],
  };
}

export const FAULTS_VARIANTS: BrokenVariant[] = [
  {
    name: 'faults-ignores-min-bitrate',
    what: 'once it adapts, goes down to half of min-bitrate',
    pusher: {
      encodeConfig: (c) => (c.targetBitrateKbps < c.maxBitrateKbps ? { ...c, targetBitrateKbps: Math.round(c.minBitrateKbps * BELOW_MIN_SHARE) } : c),
    },
    breaks: ['^status-codes/1006/capped-uplink$'],
  },
  neverAdapts(),
  {
    name: 'faults-silent-adaptation',
    what: 'adapts its bitrate and its resolution but never reports 1006 nor 1005',
    outgoing: dropStatuses([STATUS.BITRATE_CHANGED, STATUS.RESOLUTION_CHANGED]),
    breaks: ['^status-codes/1006/capped-uplink$', '^status-codes/1006/cap-lifted$', '^status-codes/1005/capped-uplink$'],
  },
  {
    name: 'faults-no-net-busy',
    what: 'never reports 1101 when the uplink cannot carry even min-bitrate',
    outgoing: dropStatus(STATUS.NET_BUSY),
    breaks: ['^status-codes/1101/below-min-bitrate$'],
  },
  constantNetstatus(),
  {
    name: 'faults-retries-too-often',
    what: `retries ${TOO_MANY_RETRIES} times before giving up instead of 3`,
    retry: { count: TOO_MANY_RETRIES, intervalMs: 3000 },
    breaks: ['^status-codes/-1307/outage-for-good$'],
  },
  {
    name: 'faults-retries-too-fast',
    what: `retries ${TOO_FAST_INTERVAL_MS} ms apart instead of 3 s`,
    retry: { count: 3, intervalMs: TOO_FAST_INTERVAL_MS },
    breaks: ['^status-codes/-1307/outage-for-good$'],
  },
  {
    name: 'faults-no-1102',
    what: 'reconnects but never reports 1102',
    outgoing: dropStatus(STATUS.RECONNECTING),
    breaks: ['^status-codes/1102/outage-mid-push$', '^status-codes/-1307/outage-for-good$'],
  },
  timestampsRestart(),
  iosCodesElsewhere(),
  {
    name: 'platform-ios-silent-toggles',
    what: 'says it is iOS but never reports 4998 / 4999 when enable-mic / muted toggle',
    platform: 'ios',
    outgoing: dropStatuses([STATUS.MIC_STATE_SWITCHED, STATUS.MUTE_STATE_SWITCHED]),
    breaks: ['^status-codes/4998-4999/platform$'],
  },
];
