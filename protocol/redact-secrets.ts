// Redaction of the secrets a push URL carries, applied wherever text leaves for people (logs,
// console output, evidence, summary.json, reports): the stream key (the last path segment of an
// rtmp:// URL, live-pusher.zh.md attribute `url`), signature and token query parameters
// (txSecret / txTime of the vendor's push URLs, and any parameter whose name says secret, sign,
// token, key, password or auth) and user:password credentials. Pure text in, text out: every
// layer may use it (docs/architecture.md "Layers"). Secrets the bench knows (the push URL it
// handed out) are also remembered and redacted wherever they appear verbatim, URL or not.
export const REDACTED = '***';

/** Query parameter names whose values are secrets: signatures, tokens, keys, passwords. */
const SECRET_PARAM = /secret|sign|token|key|pass|auth|credential|^txTime$/i;
/** URL schemes whose last path segment is the stream key (rtmp://host/app[/instance]/key). */
const STREAM_KEY_SCHEMES = /^rtmp[a-z]*$/i;
/** A URL with a scheme, up to whitespace, quotes, angle brackets, backslashes or backticks. */
const URL_PATTERN = /\b([a-z][a-z0-9+.-]*):\/\/([^\s"'<>\\`]+)/gi;
/** A query parameter anywhere in text (a URL without scheme, a logged stream name?query). */
const PARAM_PATTERN = /([?&])([A-Za-z0-9_.~-]+)=([^&\s"'<>\\`#]*)/g;
/** Punctuation that ends a sentence after a URL rather than belonging to it. */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;
/** Remembered secrets shorter than this are redacted only where the patterns find them. */
export const MIN_REMEMBERED_SECRET = 4;
/** Bound on remembered secrets (the oldest are forgotten first). */
const MAX_REMEMBERED = 10_000;

const remembered = new Set<string>();
/** One pattern of every remembered secret, longest first (a secret inside a longer one must not
 *  split it); rebuilt on change. One pass over the text, not one per secret. */
let rememberedPattern: RegExp | null | undefined;
const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/** Redacts every secret the patterns find and every remembered secret. */
export function redactSecrets(text: string): string {
  let out = text.replace(URL_PATTERN, (match: string, scheme: string) => redactUrl(match, scheme));
  out = out.replace(PARAM_PATTERN, (match: string, sep: string, name: string, value: string) =>
    SECRET_PARAM.test(name) && value !== REDACTED && value !== '' ? `${sep}${name}=${REDACTED}` : match,
  );
  if (rememberedPattern === undefined) {
    const alternatives = [...remembered].sort((a, b) => b.length - a.length).map((v) => v.replace(REGEXP_SPECIAL, '\\$&'));
    rememberedPattern = alternatives.length ? new RegExp(alternatives.join('|'), 'g') : null;
  }
  if (rememberedPattern) out = out.replace(rememberedPattern, REDACTED);
  return out;
}

/** Redacts a Buffer holding UTF-8 text; a Buffer that is not valid UTF-8 is returned as it is. */
export function redactSecretsInBytes(bytes: Uint8Array): Uint8Array {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes;
  }
  const redacted = redactSecrets(text);
  return redacted === text ? bytes : new TextEncoder().encode(redacted);
}

function redactUrl(match: string, scheme: string): string {
  const trailing = TRAILING_PUNCTUATION.exec(match)?.[0] ?? '';
  const url = trailing ? match.slice(0, -trailing.length) : match;
  const rest = url.slice(scheme.length + '://'.length);
  const authorityEnd = firstIndexOf(rest, ['/', '?', '#']);
  let authority = rest.slice(0, authorityEnd);
  let tail = rest.slice(authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = `${REDACTED}@${authority.slice(at + 1)}`;
  if (STREAM_KEY_SCHEMES.test(scheme)) tail = redactStreamKey(tail);
  return `${scheme}://${authority}${tail}${trailing}`;
}

/** `/app/instance/key?query#frag` → `/app/instance/***?query#frag` (an app alone is kept). */
function redactStreamKey(tail: string): string {
  const pathEnd = firstIndexOf(tail, ['?', '#']);
  const path = tail.slice(0, pathEnd);
  const segments = path.split('/');
  const named = segments.filter((s) => s !== '').length;
  if (named < 2) return tail;
  let last = segments.length - 1;
  while (last > 0 && segments[last] === '') last -= 1;
  segments[last] = REDACTED;
  return segments.join('/') + tail.slice(pathEnd);
}

function firstIndexOf(s: string, chars: string[]): number {
  let best = s.length;
  for (const c of chars) {
    const i = s.indexOf(c);
    if (i >= 0 && i < best) best = i;
  }
  return best;
}

/** The secrets of a push URL: user and password, the stream key, secret query values (each as
 *  written and percent-decoded). */
export function secretsOfUrl(url: string): string[] {
  const found = new Set<string>();
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  const add = (raw: string) => {
    for (const v of [raw, safeDecode(raw)]) if (v.length >= MIN_REMEMBERED_SECRET && v !== REDACTED) found.add(v);
  };
  add(u.username);
  add(u.password);
  if (STREAM_KEY_SCHEMES.test(u.protocol.replace(/:$/, ''))) {
    const segments = u.pathname.split('/').filter(Boolean);
    if (segments.length >= 2) add(segments[segments.length - 1]!);
  }
  for (const [name, value] of u.searchParams) if (SECRET_PARAM.test(name)) add(value);
  return [...found];
}

/** Remembers secrets to redact wherever they appear verbatim (shorter ones are ignored). */
export function rememberSecrets(values: Iterable<string>): void {
  for (const v of values) {
    if (v.length < MIN_REMEMBERED_SECRET || v === REDACTED) continue;
    remembered.delete(v);
    remembered.add(v);
    rememberedPattern = undefined;
    if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.values().next().value as string);
  }
}

/** Remembers the secrets of a push URL (secretsOfUrl). */
export function rememberUrlSecrets(url: string): void {
  rememberSecrets(secretsOfUrl(url));
}

/** Forgets every remembered secret (tests). */
export function forgetSecrets(): void {
  remembered.clear();
  rememberedPattern = undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Redacts an error's message, stack and assertion values in place (what a test runner shows of it). */
export function redactError(err: unknown): void {
  if (typeof err !== 'object' || err === null) return;
  const e = err as Record<string, unknown>;
  for (const field of ['message', 'stack', 'actual', 'expected', 'reason']) {
    const v = e[field];
    if (typeof v !== 'string') continue;
    try {
      e[field] = redactSecrets(v);
    } catch {
      // a read-only field stays as it is
    }
  }
}
