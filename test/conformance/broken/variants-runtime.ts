// Broken variants for the runtime update checks (see variant-kit.ts): implementations that
// ignore setData while pushing, apply it late, reconnect to apply it, or mishandle an illegal
// value. Some act behind the bench's back: they feed the driver requests of their own (a
// delayed update, a stop) through its stdin, and drop the replies to them, so the bench sees
// only what a real IUT with that fault would show.
import { validateAttributes } from '../../../spec/validate.ts';
import type { BrokenVariant, Json } from './variant-kit.ts';

/** How long the late variant holds each update (the checks allow 1.5 s). */
const LATE_UPDATE_MS = 3000;
/** Ids of the requests the variants make themselves; replies to them never reach the bench. */
const OWN_ID_PREFIX = 'runtime-variant-';
/** Legal stand-ins the clamping variants use for the illegal values the checks send. */
const FPS_MAX = 30;

let ownRequests = 0;

/** Hands the driver a request of the variant's own, as if it came from the bench. */
function inject(method: string, params: Json, delayMs = 0): void {
  const line = `${JSON.stringify({ id: `${OWN_ID_PREFIX}${++ownRequests}`, method, params })}\n`;
  setTimeout(() => process.stdin.emit('data', Buffer.from(line)), delayMs);
}

/** Drops the replies to the variant's own requests. */
function hideOwnReplies(msg: Json): Json | null {
  return typeof msg['id'] === 'string' && msg['id'].startsWith(OWN_ID_PREFIX) ? null : msg;
}

function updateAttrs(req: Json): Json | null {
  if (req['method'] !== 'update') return null;
  const attrs = (req['params'] as Json | undefined)?.['attrs'];
  return attrs && typeof attrs === 'object' ? (attrs as Json) : null;
}

function isLegal(attrs: Json): boolean {
  return validateAttributes(attrs).ok;
}

function withAttrs(req: Json, attrs: Json): Json {
  return { ...req, params: { ...(req['params'] as Json), attrs } };
}

/** An illegal value turned into the nearest legal one. */
function clamp(attrs: Json): Json {
  const out: Json = {};
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'fps' && typeof value === 'number') out[name] = Math.min(FPS_MAX, Math.max(1, Math.round(value)));
    else if (name === 'mode' && !isLegal({ mode: value })) out[name] = 'FHD';
    else if (name === 'remote-mirror' || name === 'mirror') out[name] = Boolean(value);
    else if (name !== 'min-bitrate') out[name] = value;
  }
  return out;
}

/** The url the pusher was created with, remembered by the reconnecting variant. */
let createdUrl = '';
let reconnects = 0;

export const RUNTIME_VARIANTS: BrokenVariant[] = [
  {
    name: 'ignore-runtime-updates',
    what: 'replies update:ok while pushing but drops the attributes',
    request: (req) => (updateAttrs(req) ? withAttrs(req, {}) : req),
    breaks: [
      'attributes/runtime/picture',
      'attributes/runtime/size',
      'attributes/runtime/rate',
      'attributes/runtime/audio',
      'attributes/runtime/waiting-image',
      'attributes/runtime/illegal',
    ],
  },
  {
    name: 'late-runtime-updates',
    what: `replies update:ok at once but applies a legal update only ${LATE_UPDATE_MS} ms later (illegal ones are refused at once)`,
    request: (req) => {
      const attrs = updateAttrs(req);
      if (!attrs || !isLegal(attrs)) return req;
      inject('update', { attrs }, LATE_UPDATE_MS);
      return withAttrs(req, {});
    },
    outgoing: hideOwnReplies,
    breaks: ['attributes/runtime/picture', 'attributes/runtime/size', 'attributes/runtime/rate', 'attributes/runtime/audio', 'attributes/runtime/waiting-image'],
  },
  {
    name: 'reconnect-on-update',
    what: 'applies every runtime update by unpublishing and publishing again (a new url query each time)',
    request: (req) => {
      const params = req['params'] as Json | undefined;
      const attrs = params?.['attrs'] as Json | undefined;
      if (req['method'] === 'create' && typeof attrs?.['url'] === 'string') createdUrl = attrs['url'];
      if (req['method'] !== 'update' || !attrs || !createdUrl) return req;
      const separator = createdUrl.includes('?') ? '&' : '?';
      return withAttrs(req, { ...attrs, url: `${createdUrl}${separator}reconnect=${++reconnects}` });
    },
    breaks: ['attributes/runtime/picture', 'attributes/runtime/size', 'attributes/runtime/rate', 'attributes/runtime/audio', 'attributes/runtime/waiting-image'],
  },
  {
    name: 'clamp-illegal-update',
    what: 'accepts an illegal runtime value and applies the nearest legal one (fps 45 -> 30, an unknown mode -> FHD, "yes" -> true)',
    request: (req) => {
      const attrs = updateAttrs(req);
      return attrs && !isLegal(attrs) ? withAttrs(req, clamp(attrs)) : req;
    },
    breaks: ['attributes/runtime/illegal'],
  },
  {
    name: 'refuse-but-apply-illegal',
    what: 'refuses an illegal runtime value with a proper message, then applies the nearest legal one anyway',
    request: (req) => {
      const attrs = updateAttrs(req);
      if (attrs && !isLegal(attrs)) inject('update', { attrs: clamp(attrs) });
      return req;
    },
    outgoing: hideOwnReplies,
    breaks: ['attributes/runtime/illegal'],
  },
  {
    name: 'stop-on-illegal-update',
    what: 'refuses an illegal runtime value with a proper message, then stops pushing',
    request: (req) => {
      const attrs = updateAttrs(req);
      if (attrs && !isLegal(attrs)) inject('call', { name: 'stop', args: {} });
      return req;
    },
    outgoing: hideOwnReplies,
    breaks: ['attributes/runtime/illegal'],
  },
];
