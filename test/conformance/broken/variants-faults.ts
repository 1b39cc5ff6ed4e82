// Broken variants for the fault checks (conformance/tests/faults/, see variant-kit.ts): pushers
// that adapt below min-bitrate, never adapt, adapt silently, never say 1101, keep a constant
// netstatus whatever the uplink does, retry too often or too fast, never say 1102, or restart
// their timestamps at 0 after a reconnect.
import type { OutgoingMedia } from '../../../reference-pusher/live-pusher.ts';
import { STATUS } from '../../../spec/codes.ts';
import { mapEvent, type BrokenVariant, type Json } from './variant-kit.ts';

/** Once adapting, the min-bitrate-ignoring variant encodes at this share of min-bitrate. */
const BELOW_MIN_SHARE = 0.5;
/** Retries of the too-often variant (the vendor default is 3) and the interval of the too-fast one (3 s). */
const TOO_MANY_RETRIES = 6;
const TOO_FAST_INTERVAL_MS = 1000;

function dropStatus(code: number): (msg: Json) => Json | null {
  return mapEvent('statechange', (d) => (d['code'] === code ? null : d));
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
  {
    name: 'faults-never-adapts',
    what: 'reports 1006 but keeps encoding at max-bitrate whatever the uplink carries',
    pusher: { encodeConfig: (c) => ({ ...c, targetBitrateKbps: c.maxBitrateKbps }) },
    breaks: ['^status-codes/1006/capped-uplink$'],
  },
  {
    name: 'faults-silent-adaptation',
    what: 'adapts its bitrate but never reports 1006',
    outgoing: dropStatus(STATUS.BITRATE_CHANGED),
    breaks: ['^status-codes/1006/capped-uplink$', '^status-codes/1006/cap-lifted$'],
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
];
