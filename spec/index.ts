// The live-pusher contract as typed data: loads spec/live-pusher.json (built by hand from
// live-pusher.zh.md 通用属性 / 错误码 / 状态码 / 网络状态数据 tables and context-api.md) and
// exposes typed accessors. The JSON is the single source of truth; test/spec/seed.test.ts
// keeps it equal to the markdown tables.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type AttributeType = 'string' | 'number' | 'boolean' | 'string/Array';
/** A normalized attribute value as the component sees it. */
export type AttributeValue = string | number | boolean | string[];
/** A legal enum value: string, number, or (picture-in-picture-mode) the empty array. */
export type EnumValue = string | number | string[];
export type LegalValueSource = 'legal-values-row' | 'description';
export type AttributeFormat = 'rtmp-url' | 'md5' | 'image-path';

/** Attribute names in table order; checked against the JSON when this module loads. */
export const ATTRIBUTE_NAMES = [
  'url', 'mode', 'autopush', 'enableVideoCustomRender', 'muted', 'enable-camera', 'auto-focus',
  'orientation', 'beauty', 'whiteness', 'aspect', 'min-bitrate', 'max-bitrate', 'audio-quality',
  'waiting-image', 'waiting-image-hash', 'zoom', 'device-position', 'background-mute', 'mirror',
  'remote-mirror', 'local-mirror', 'audio-reverb-type', 'enable-mic', 'enable-agc', 'enable-ans',
  'audio-volume-type', 'video-width', 'video-height', 'beauty-style', 'filter',
  'picture-in-picture-mode', 'voice-changer-type', 'custom-effect', 'skin-whiteness',
  'skin-smoothness', 'face-thinness', 'eye-bigness', 'fps',
] as const;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

export interface LegalValue {
  value: EnumValue;
  /** zh description from the 合法值说明 row (or the 说明 text); null when the source gives none. */
  description: string | null;
  summary: string;
  minVersion: string | null;
  source: LegalValueSource;
}

export interface NumericRange {
  min: number;
  /** null: no upper bound. */
  max: number | null;
  integer: boolean;
}

export interface AttributeRequirement {
  attribute: AttributeName;
  value: AttributeValue;
}

export interface AttributeSpec {
  name: AttributeName;
  type: AttributeType;
  /** Typed default; null when the table leaves it empty. */
  default: AttributeValue | null;
  required: boolean;
  values: LegalValue[] | null;
  range: NumericRange | null;
  unit: string | null;
  deprecated: boolean;
  replacedBy: AttributeName | null;
  /** Another attribute that must hold a value for this one to have effect. */
  requires: AttributeRequirement | null;
  immutableAfterCreate: boolean;
  unsupportedPlatforms: string[];
  format: AttributeFormat | null;
  minVersion: string;
  summary: string;
  /** The 说明 cell exactly as in the table. */
  original: string;
}

/** Protocol event names in table order; checked against the JSON when this module loads. */
export const EVENT_TYPES = [
  'statechange', 'netstatus', 'error', 'bgmstart', 'bgmprogress', 'bgmcomplete',
  'audiovolumenotify', 'enterpictureinpicture', 'leavepictureinpicture',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventDetailField {
  name: string;
  type: string;
  /** 'table': named in the component table; 'protocol': added by the driver protocol (docs/driver-protocol.md). */
  source: 'table' | 'protocol';
}

export interface EventSpec {
  /** Attribute name as written in the table, e.g. bindstatechange. */
  name: string;
  /** Protocol event name, e.g. statechange. */
  event: EventType;
  /** Type column as written (eventhandle / eventhandler). */
  type: string;
  detail: EventDetailField[];
  minVersion: string;
  summary: string;
  original: string;
}

export type StatusCategory = 'push' | 'room' | 'warning' | 'error' | 'platform-specific' | 'none';

export interface StatusCodeSpec {
  code: number;
  meaning: string;
  original: string;
  category: StatusCategory;
  /** The pusher retries (reconnects) after this code. */
  retried: boolean;
  platform: 'ios' | null;
}

export interface ErrorCodeSpec {
  code: number;
  meaning: string;
  original: string;
}

/** netstatus info keys in table order; checked against the JSON when this module loads. */
export const NETSTATUS_KEYS = [
  'videoBitrate', 'audioBitrate', 'videoFPS', 'videoGOP', 'netSpeed', 'netJitter',
  'netQualityLevel', 'videoWidth', 'videoHeight', 'videoCache', 'audioCache',
] as const;
export type NetstatusKey = (typeof NETSTATUS_KEYS)[number];

export interface NetstatusValue {
  value: number;
  meaning: string;
  original: string;
}

export interface NetstatusKeySpec {
  key: NetstatusKey;
  type: 'number';
  unit: string | null;
  meaning: string;
  original: string;
  values: NetstatusValue[] | null;
}

export type NetstatusInfo = Record<NetstatusKey, number>;

/** LivePusherContext method names; checked against the JSON when this module loads. */
export const METHOD_NAMES = [
  'start', 'stop', 'pause', 'resume', 'startPreview', 'stopPreview', 'switchCamera',
  'toggleTorch', 'snapshot', 'setZoom', 'getMaxZoom', 'playBGM', 'stopBGM', 'pauseBGM',
  'resumeBGM', 'setBGMVolume', 'setMICVolume', 'sendMessage', 'applyFilter', 'clearFilters',
  'applySticker', 'clearStickers', 'applyLipStickMakeup', 'applyEyeShadowMakeup',
  'applyBlusherStickMakeup', 'applyFaceContourMakeup', 'applyEyeBrowMakeup', 'clearMakeups',
  'exitPictureInPicture', 'onCustomRendererEvent', 'createOffscreenCanvas',
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export interface MethodRange extends NumericRange {
  /** Decimal places honoured; null when unspecified. */
  decimals: number | null;
}

export interface MethodParam {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'array' | 'object' | 'function';
  required: boolean;
  values: string[] | null;
  range: MethodRange | null;
  minVersion: string | null;
  note: string | null;
}

export interface MethodResultField {
  name: string;
  type: string;
  note: string | null;
}

export interface MethodSpec {
  name: MethodName;
  /** The method cell of the context-api.md row this method comes from. */
  listedAs: string;
  minVersion: string;
  params: MethodParam[];
  result: MethodResultField[];
  events: EventType[];
  errorCodes: number[];
  summary: string;
  notes: string[];
  source: string;
}

export interface Resolution {
  width: number;
  height: number;
}

export interface ModePreset {
  mode: string;
  adaptiveBitrateKbps: { min: number; max: number } | null;
  adaptiveResolution: { min: Resolution; max: Resolution } | null;
  fixed: ({ bitrateKbps: number } & Resolution) | null;
  note: string | null;
}

export interface BoundedDefault {
  default: number;
  min: number;
  max: number;
}

export interface RetrySpec {
  count: BoundedDefault;
  intervalSeconds: BoundedDefault;
  web: { count: number; intervalSeconds: number };
  retriedCodes: number[];
  giveUpCode: number;
  note: string;
}

export interface SpecMeta {
  component: string;
  baseVersion: string;
  sources: string[];
  compatibilityUrl: string;
  permissions: string[];
  callbackStyle: string;
  netstatusIntervalMs: { candidates: number[]; note: string };
}

export interface LivePusherSpec {
  meta: SpecMeta;
  attributes: AttributeSpec[];
  events: EventSpec[];
  statusCodes: StatusCodeSpec[];
  errorCodes: ErrorCodeSpec[];
  netstatus: NetstatusKeySpec[];
  methods: MethodSpec[];
  presets: ModePreset[];
  retry: RetrySpec;
}

const SPEC_URL = new URL('./live-pusher.json', import.meta.url);

/** Absolute path of the JSON file (for tools that want the raw data). */
export const specPath: string = fileURLToPath(SPEC_URL);

export const spec: LivePusherSpec = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as LivePusherSpec;

function assertSameList(what: string, fromJson: readonly string[], declared: readonly string[]): void {
  if (fromJson.join('\n') !== declared.join('\n')) {
    throw new Error(`${specPath}: ${what} differ from the names declared in spec/index.ts`);
  }
}
assertSameList('attribute names', spec.attributes.map((a) => a.name), ATTRIBUTE_NAMES);
assertSameList('event types', spec.events.map((e) => e.event), EVENT_TYPES);
assertSameList('netstatus keys', spec.netstatus.map((k) => k.key), NETSTATUS_KEYS);
assertSameList('method names', spec.methods.map((m) => m.name), METHOD_NAMES);

export const attributes: readonly AttributeSpec[] = spec.attributes;
export const attributeNames: readonly AttributeName[] = ATTRIBUTE_NAMES;
export const events: readonly EventSpec[] = spec.events;
export const statusCodes: readonly StatusCodeSpec[] = spec.statusCodes;
export const errorCodes: readonly ErrorCodeSpec[] = spec.errorCodes;
export const netstatus: readonly NetstatusKeySpec[] = spec.netstatus;
export const netstatusKeys: readonly NetstatusKey[] = NETSTATUS_KEYS;
export const methods: readonly MethodSpec[] = spec.methods;
export const presets: readonly ModePreset[] = spec.presets;
export const retry: RetrySpec = spec.retry;

const attributeIndex = new Map<string, AttributeSpec>(attributes.map((a) => [a.name, a]));
const eventIndex = new Map<string, EventSpec>(events.flatMap((e) => [[e.name, e], [e.event, e]] as const));
const statusIndex = new Map<number, StatusCodeSpec>(statusCodes.map((s) => [s.code, s]));
const errorIndex = new Map<number, ErrorCodeSpec>(errorCodes.map((e) => [e.code, e]));
const methodIndex = new Map<string, MethodSpec>(methods.map((m) => [m.name, m]));
const presetIndex = new Map<string, ModePreset>(presets.map((p) => [p.mode, p]));

/** Thrown by the accessors for a name or code the spec does not define. */
export class UnknownSpecEntryError extends Error {
  constructor(
    readonly kind: 'attribute' | 'event' | 'status code' | 'error code' | 'method' | 'mode preset',
    readonly key: string | number,
  ) {
    super(`unknown live-pusher ${kind}: ${JSON.stringify(key)}`);
    this.name = 'UnknownSpecEntryError';
  }
}

export function isAttributeName(name: string): name is AttributeName {
  return attributeIndex.has(name);
}

/** The attribute spec; throws UnknownSpecEntryError for a name not in the table. */
export function attribute(name: string): AttributeSpec {
  const found = attributeIndex.get(name);
  if (!found) throw new UnknownSpecEntryError('attribute', name);
  return found;
}

/** Typed defaults of every attribute (null where the table leaves the default empty). */
export function attributeDefaults(): Record<AttributeName, AttributeValue | null> {
  return Object.fromEntries(
    attributes.map((a) => [a.name, Array.isArray(a.default) ? [...a.default] : a.default]),
  ) as Record<AttributeName, AttributeValue | null>;
}

/** An event by its table name (bindstatechange) or protocol name (statechange). */
export function eventByName(name: string): EventSpec {
  const found = eventIndex.get(name);
  if (!found) throw new UnknownSpecEntryError('event', name);
  return found;
}

/** A status code row; throws for codes the table does not define (see findStatusCode). */
export function statusCode(code: number): StatusCodeSpec {
  const found = statusIndex.get(code);
  if (!found) throw new UnknownSpecEntryError('status code', code);
  return found;
}

/** A status code row, or undefined for an undocumented code. */
export function findStatusCode(code: number): StatusCodeSpec | undefined {
  return statusIndex.get(code);
}

export function errorCode(code: number): ErrorCodeSpec {
  const found = errorIndex.get(code);
  if (!found) throw new UnknownSpecEntryError('error code', code);
  return found;
}

export function method(name: string): MethodSpec {
  const found = methodIndex.get(name);
  if (!found) throw new UnknownSpecEntryError('method', name);
  return found;
}

export function preset(mode: string): ModePreset {
  const found = presetIndex.get(mode);
  if (!found) throw new UnknownSpecEntryError('mode preset', mode);
  return found;
}
