// The toolkit of the deliberately broken IUTs (variants*.ts): what a variant is, and helpers
// that rewrite requests and events on their way through the broken driver.
import type { PusherHooks } from '../../../reference-pusher/live-pusher.ts';

export type Json = Record<string, unknown>;
export interface BrokenVariant {
  name: string;
  what: string;
  /** Rewrites an incoming request; return it unchanged to pass it through. */
  request?: (req: Json) => Json;
  /** Rewrites an outgoing message (reply or event); null drops it, a list sends several. */
  outgoing?: (msg: Json) => Json | Json[] | null;
  /** Turns selected calls into a success reply without doing anything. */
  fakeCalls?: string[];
  /** Accept every attribute value silently (drop the illegal ones instead of failing). */
  acceptIllegal?: boolean;
  /** Alters the reference pusher itself (its ffmpeg, its encoded packets, its encode config). */
  pusher?: PusherHooks;
  /** The pusher's reconnect policy instead of the vendor default. */
  retry?: { count: number; intervalMs: number };
  /** The platform the driver emulates (hello.platform and its platform-specific codes; LPB_DRIVER_PLATFORM). */
  platform?: string;
  /** After a request was handled, requests the driver sends itself later (their replies are dropped). */
  later?: (req: Json) => { afterMs: number; request: Json }[];
  /** Check ids this variant must fail (anchored regular expressions). */
  breaks: string[];
}

export function dropAttrs(names: string[]): (req: Json) => Json {
  return rewriteAttrs((attrs) => without(attrs, names));
}

/** Rewrites the attrs of create (and, unless createOnly, update) requests. */
export function rewriteAttrs(fn: (attrs: Json) => Json, createOnly = false): (req: Json) => Json {
  return (req) => {
    const params = req['params'] as Json | undefined;
    const attrs = params?.['attrs'] as Json | undefined;
    if (!attrs || (createOnly && req['method'] !== 'create')) return req;
    return { ...req, params: { ...params, attrs: fn(attrs) } };
  };
}

export function without(attrs: Json, names: string[]): Json {
  return Object.fromEntries(Object.entries(attrs).filter(([k]) => !names.includes(k)));
}

export function mapEvent(name: string, fn: (detail: Json) => Json | null): (msg: Json) => Json | null {
  return (msg) => {
    if (msg['event'] !== name) return msg;
    const detail = fn(msg['detail'] as Json);
    return detail === null ? null : { ...msg, detail };
  };
}

