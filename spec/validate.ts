// Attribute validation for every implementation and the suite, driven by spec/live-pusher.json
// (live-pusher.zh.md, 通用属性 table and its 合法值说明 rows).
//
// Accepted forms: each attribute takes a value of its spec type. Because the mini-program runtime
// also hands attributes over as strings, boolean attributes accept "true"/"false" and number
// attributes accept numeric strings ("15", "0.5"); both are normalized to boolean / number.
// Nothing else is coerced: no "" or "1" for booleans, no numbers for string attributes.
// url must be empty or an rtmp:// / rtmps:// URL (目前仅支持 rtmp 格式); waiting-image-hash empty or
// 32 hex digits; picture-in-picture-mode "", "push", "pop" or an array of "push"/"pop".
// validateAttributes adds the cross-field checks (min-bitrate <= max-bitrate; custom-effect cannot
// change on update) and warnings (deprecated attributes; skin-* without custom-effect).
import {
  attribute,
  attributeDefaults,
  attributeNames,
  attributes,
  events,
  isAttributeName,
  type AttributeName,
  type AttributeSpec,
  type AttributeValue,
  type LegalValue,
  type NumericRange,
} from './index.ts';

export type AttributeErrorKind = 'unknown-attribute' | 'illegal-value' | 'conflict' | 'immutable';

export interface AttributeError {
  kind: AttributeErrorKind;
  attribute: string;
  value: unknown;
  /** What is legal, in words, e.g. `an integer from 1 to 30`. */
  legal: string;
  /** e.g. `fps: 45 is not legal; expected an integer from 1 to 30`. */
  message: string;
}

export type AttributeWarningKind = 'deprecated' | 'requires';

export interface AttributeWarning {
  kind: AttributeWarningKind;
  attribute: AttributeName;
  message: string;
}

export type AttributeResult =
  | { ok: true; value: AttributeValue }
  | { ok: false; error: AttributeError };

export interface ValidateAttributesOptions {
  /** Attributes already in effect. Passing it marks the call as an update (setData). */
  current?: Readonly<Record<string, unknown>>;
}

export interface AttributesResult {
  ok: boolean;
  /** Normalized values of the attributes that passed every check. */
  values: Partial<Record<AttributeName, AttributeValue>>;
  errors: AttributeError[];
  warnings: AttributeWarning[];
}

const NUMERIC_STRING = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const MD5_HEX = /^[0-9a-fA-F]{32}$/;
const RTMP_PROTOCOLS: readonly string[] = ['rtmp:', 'rtmps:'];
const BOOLEAN_STRINGS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['false', false],
]);
const MAX_SHOWN_VALUE_CHARS = 80;
const MAX_SUGGESTIONS = 3;
const MAX_SUGGESTABLE_NAME_CHARS = 64;
const SUGGESTION_DISTANCE_PER_CHAR = 1 / 4;
const MIN_BITRATE: AttributeName = 'min-bitrate';
const MAX_BITRATE: AttributeName = 'max-bitrate';
const UNKNOWN_LEGAL = 'a live-pusher attribute name';

const FORMAT_LEGAL = {
  'rtmp-url': 'an rtmp:// or rtmps:// URL, or ""',
  md5: 'an MD5 digest (32 hex digits), or ""',
  'image-path': 'a string (image URL or file path), or ""',
} as const;

/** Renders a value for messages: strings and arrays as JSON, other scalars as written. */
export function formatValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'function') text = '[function]';
  else if (typeof value === 'symbol') text = value.toString();
  else if (typeof value === 'object' && value !== null) {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  } else text = String(value);
  return text.length > MAX_SHOWN_VALUE_CHARS ? `${text.slice(0, MAX_SHOWN_VALUE_CHARS)}…` : text;
}

function compareVersions(a: string | null, b: string | null): number {
  const pa = (a ?? '0').split('.').map(Number);
  const pb = (b ?? '0').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Legal values in the order they became available (stable within a version). */
function valuesByVersion(values: readonly LegalValue[]): LegalValue[] {
  return [...values].sort((x, y) => compareVersions(x.minVersion, y.minVersion));
}

function scalarMembers(spec: AttributeSpec): Array<string | number> {
  return valuesByVersion(spec.values ?? [])
    .map((v) => v.value)
    .filter((v): v is string | number => !Array.isArray(v));
}

function rangeText(range: NumericRange): string {
  const kind = range.integer ? 'an integer' : 'a number';
  if (range.max !== null) return `${kind} from ${range.min} to ${range.max}`;
  if (range.integer && range.min === 1) return 'a positive integer';
  return `${kind} of at least ${range.min}`;
}

function oneOf(members: ReadonlyArray<string | number>): string {
  return `one of ${members.map((m) => formatValue(m)).join(', ')}`;
}

/** What is legal for an attribute, in words. Throws for an unknown attribute. */
export function legalText(name: string): string {
  const spec = attribute(name);
  switch (spec.type) {
    case 'boolean':
      return 'true or false';
    case 'number':
      if (spec.values) return oneOf(scalarMembers(spec));
      if (spec.range) return rangeText(spec.range);
      return 'a finite number';
    case 'string':
      if (spec.values) return oneOf(scalarMembers(spec));
      if (spec.format) return FORMAT_LEGAL[spec.format];
      return 'a string';
    case 'string/Array': {
      const members = scalarMembers(spec).map((m) => formatValue(m));
      return `"", ${members.join(', ')}, or an array of ${members.join('/')}`;
    }
  }
}

function normalizeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && NUMERIC_STRING.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function inRange(n: number, range: NumericRange): boolean {
  if (range.integer && !Number.isInteger(n)) return false;
  return n >= range.min && (range.max === null || n <= range.max);
}

function isRtmpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return RTMP_PROTOCOLS.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

function matchesFormat(spec: AttributeSpec, value: string): boolean {
  if (value === '') return true;
  switch (spec.format) {
    case 'rtmp-url':
      return isRtmpUrl(value);
    case 'md5':
      return MD5_HEX.test(value);
    case 'image-path':
    case null:
      return true;
  }
}

/** The normalized value, or undefined when the value is not legal. */
function normalize(spec: AttributeSpec, value: unknown): AttributeValue | undefined {
  switch (spec.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      // A Map, not an object: "toString" and the like are not booleans.
      return typeof value === 'string' ? BOOLEAN_STRINGS.get(value) : undefined;
    case 'number': {
      const n = normalizeNumber(value);
      if (n === undefined) return undefined;
      if (spec.values && !scalarMembers(spec).includes(n)) return undefined;
      if (spec.range && !inRange(n, spec.range)) return undefined;
      return n;
    }
    case 'string':
      if (typeof value !== 'string') return undefined;
      if (spec.values) return scalarMembers(spec).includes(value) ? value : undefined;
      return matchesFormat(spec, value) ? value : undefined;
    case 'string/Array': {
      const members = scalarMembers(spec);
      if (typeof value === 'string') return value === '' || members.includes(value) ? value : undefined;
      if (!Array.isArray(value)) return undefined;
      const list: unknown[] = value;
      return list.every((m): m is string => typeof m === 'string' && members.includes(m)) ? [...list] : undefined;
    }
  }
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

function squash(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * Attribute names close to an unknown name: the same name in another case or separator style
 * (camelCase vs kebab-case) if there is one, else names within a small edit distance.
 */
export function suggestAttributeNames(name: string): AttributeName[] {
  if (name.length > MAX_SUGGESTABLE_NAME_CHARS) return [];
  const wanted = squash(name);
  const limit = Math.max(1, Math.floor(wanted.length * SUGGESTION_DISTANCE_PER_CHAR));
  const close = attributeNames
    .map((candidate) => ({ candidate, distance: editDistance(wanted, squash(candidate)) }))
    .filter((c) => c.distance <= limit)
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate));
  const exact = close.filter((c) => c.distance === 0);
  return (exact.length > 0 ? exact : close).slice(0, MAX_SUGGESTIONS).map((c) => c.candidate);
}

function unknownAttributeError(name: string, value: unknown): AttributeError {
  const asEvent = events.find((e) => e.name === name || e.event === name);
  const suggestions = suggestAttributeNames(name);
  let hint: string;
  if (asEvent) hint = `${formatValue(name)} is the ${asEvent.event} event, not an attribute`;
  else if (suggestions.length > 0) hint = `did you mean ${suggestions.map((s) => formatValue(s)).join(' or ')}?`;
  else hint = `expected ${UNKNOWN_LEGAL}`;
  return { kind: 'unknown-attribute', attribute: name, value, legal: UNKNOWN_LEGAL, message: `${name}: unknown attribute; ${hint}` };
}

function valueError(kind: AttributeErrorKind, name: string, value: unknown, legal: string): AttributeError {
  return { kind, attribute: name, value, legal, message: `${name}: ${formatValue(value)} is not legal; expected ${legal}` };
}

/** Checks one attribute against the spec and returns its normalized value or the error. */
export function validateAttribute(name: string, value: unknown): AttributeResult {
  if (!isAttributeName(name)) return { ok: false, error: unknownAttributeError(name, value) };
  const spec = attribute(name);
  const normalized = normalize(spec, value);
  if (normalized === undefined) return { ok: false, error: valueError('illegal-value', name, value, legalText(name)) };
  return { ok: true, value: normalized };
}

function sameValue(a: AttributeValue | null, b: AttributeValue | null): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** Normalized in-effect values: defaults overlaid with the legal entries of `current`. */
function effectiveBase(current: Readonly<Record<string, unknown>> | undefined): Record<AttributeName, AttributeValue | null> {
  const base = attributeDefaults();
  for (const [name, value] of Object.entries(current ?? {})) {
    const r = validateAttribute(name, value);
    if (r.ok && isAttributeName(name)) base[name] = r.value;
  }
  return base;
}

/**
 * Validates a set of attributes (a create, or with `options.current` an update) and returns every
 * error, the normalized legal values and warnings.
 */
export function validateAttributes(
  attrs: Readonly<Record<string, unknown>>,
  options: ValidateAttributesOptions = {},
): AttributesResult {
  const values: Partial<Record<AttributeName, AttributeValue>> = {};
  const errors: AttributeError[] = [];
  const warnings: AttributeWarning[] = [];
  for (const [name, value] of Object.entries(attrs)) {
    const r = validateAttribute(name, value);
    if (r.ok && isAttributeName(name)) values[name] = r.value;
    else if (!r.ok) errors.push(r.error);
  }

  const base = effectiveBase(options.current);
  if (options.current !== undefined) {
    for (const spec of attributes) {
      const next = values[spec.name];
      if (!spec.immutableAfterCreate || next === undefined || sameValue(next, base[spec.name])) continue;
      const legal = `${formatValue(base[spec.name])} (${spec.name} cannot be changed after it is set)`;
      errors.push(valueError('immutable', spec.name, attrs[spec.name], legal));
      delete values[spec.name];
    }
  }
  const effective = { ...base, ...values };

  const min = effective[MIN_BITRATE];
  const max = effective[MAX_BITRATE];
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    if (values[MIN_BITRATE] !== undefined) {
      errors.push(valueError('conflict', MIN_BITRATE, attrs[MIN_BITRATE], `at most ${MAX_BITRATE} (${max})`));
      delete values[MIN_BITRATE];
    } else if (values[MAX_BITRATE] !== undefined) {
      errors.push(valueError('conflict', MAX_BITRATE, attrs[MAX_BITRATE], `at least ${MIN_BITRATE} (${min})`));
      delete values[MAX_BITRATE];
    }
  }

  for (const spec of attributes) {
    const value = values[spec.name];
    if (value === undefined) continue;
    if (spec.deprecated) {
      const instead = spec.replacedBy ? `; use ${spec.replacedBy} instead` : '';
      warnings.push({ kind: 'deprecated', attribute: spec.name, message: `${spec.name}: deprecated${instead}` });
    }
    const needs = spec.requires;
    if (needs && !sameValue(value, spec.default) && !sameValue(effective[needs.attribute], needs.value)) {
      warnings.push({
        kind: 'requires',
        attribute: spec.name,
        message: `${spec.name}: has no effect unless ${needs.attribute} is ${formatValue(needs.value)}`,
      });
    }
  }
  return { ok: errors.length === 0, values, errors, warnings };
}

/**
 * Reads a value typed on a command line (`--attr fps=15`) as the attribute's spec type, so an
 * error names the value as the person typed it (`fps: 99`, not `fps: "99"`). Numeric text becomes
 * a number for number attributes, `true`/`false` a boolean for boolean ones; anything else stays
 * text and is judged by validateAttribute like any other value.
 */
export function attributeFromText(name: string, text: string): unknown {
  if (!isAttributeName(name)) return text;
  const type = attribute(name).type;
  if (type === 'number' && NUMERIC_STRING.test(text.trim())) return Number(text);
  if (type === 'boolean' && BOOLEAN_STRINGS.has(text)) return BOOLEAN_STRINGS.get(text)!;
  return text;
}
