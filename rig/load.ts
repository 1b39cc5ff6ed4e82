// Loads and validates a rig file (YAML). Every error names the file (and the line:column of the
// offending value when the YAML has one), the key path, the value found and what is legal.
// Without a file, the embedded default rig (rig/default.yaml) is used. Asset and file paths are
// resolved against the rig file's folder. What it returns is also checked against the driver
// protocol's Rig schema (driver-protocol/schema.ts), the shape every driver reads
// (docs/driver-protocol.md "create").
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { SchemaViolation, validateRig as validateRigSchema } from '../driver-protocol/validate.ts';
import {
  CAMERA_KINDS,
  DEFAULT_SERIAL_BAUD,
  DEFAULT_VIRTUAL_SINK,
  MICROPHONE_KINDS,
  PERMISSION_ANSWERS,
  SERIAL_GEAR,
  SERVER_KINDS,
  SIMULATED_SERIAL_PORT,
  SPEAKER_KINDS,
  V4L2_STABLE_ID,
  type CameraSource,
  type MicrophoneSource,
  type PermissionAnswer,
  type Rig,
  type SerialPortConfig,
  type ServerConfig,
  type Speaker,
} from './types.ts';
import { splitFault, withFault } from './device-fault.ts';

export const DEFAULT_RIG_FILE = fileURLToPath(new URL('./default.yaml', import.meta.url));

const TOP_KEYS = ['camera', 'microphone', 'speaker', 'permissions', 'server', 'assets', 'network', 'serial', 'hardwareEncoder'] as const;
const CAMERA_POSITIONS = ['front', 'back'] as const;
const PERMISSION_SCOPES = ['camera', 'record'] as const;
const ASSET_KEYS = ['bgm', 'waitingImage'] as const;
const SERIAL_KEYS = ['port', 'baudRate'] as const;
const EXTERNAL_URL = /^rtmps?:\/\/[^/\s]+(\/[^\s]*)?$/;
const PUSH_QUERY = /^[^?#\s]+$/;
const PUSH_CREDENTIALS = /^[^:@/\s]+:[^@/\s]*$/;
const PUSH_AUTH_KEYS = ['query', 'credentials'];
const SERIAL_BAUD_RANGE = { min: 1200, max: 921600 } as const;
const SERIAL_PORT = new RegExp(`^(/\\S+|${SIMULATED_SERIAL_PORT})$`);
/** The PulseAudio names pactl accepts for a sink we create: letters, digits, _ . - */
const SINK_NAME = /^[A-Za-z0-9_.-]+$/;
/** Longest value quoted in an error. */
const QUOTE_MAX_CHARS = 80;

function quote(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > QUOTE_MAX_CHARS ? `${s.slice(0, QUOTE_MAX_CHARS)}...` : s;
}

export class RigError extends Error {
  constructor(
    /** The rig file (absolute path), or the name given to validateRig(). */
    readonly file: string,
    /** The dotted key path of the offending value ("camera.front.kind"), or "(file)" / "(top level)". */
    readonly key: string,
    /** What is wrong, with what is legal. */
    readonly problem: string,
    /** The value found (undefined when the key is missing). */
    readonly value?: unknown,
    /** 1-based line:column of the value in the YAML, when known. */
    readonly position?: { line: number; col: number },
  ) {
    super(`rig ${file}${position ? `:${position.line}:${position.col}` : ''}: ${key}: ${problem}`);
    this.name = 'RigError';
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Where a key path sits in the YAML source, so errors can give line:column. */
interface SourceMap {
  doc: Document;
  lines: LineCounter;
}

class Validator {
  constructor(
    readonly file: string,
    private readonly source?: SourceMap,
  ) {}

  private position(key: string): { line: number; col: number } | undefined {
    if (!this.source || key.startsWith('(')) return undefined;
    const path = key.split('.');
    let node: unknown = this.source.doc.getIn(path, true);
    if (!isNode(node)) {
      // A key that is missing or unknown: point at the key itself, else at its parent mapping.
      const parent = this.source.doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isNode(p.key) && String((p.key as { value?: unknown }).value) === path[path.length - 1]);
        node = pair && isNode(pair.key) ? pair.key : parent;
      } else node = parent;
    }
    if (!isNode(node) || !node.range) return undefined;
    return this.source.lines.linePos(node.range[0]);
  }

  fail(key: string, problem: string, value?: unknown): never {
    throw new RigError(this.file, key, problem, value, this.position(key));
  }

  obj(v: unknown, key: string): Obj {
    if (v === undefined || v === null) return {};
    if (!isObj(v)) this.fail(key, `${quote(v)} is not legal; must be a mapping`, v);
    return v;
  }

  onlyKeys(o: Obj, key: string, legal: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!legal.includes(k)) this.fail(key ? `${key}.${k}` : k, `unknown key; legal keys: ${legal.join(', ')}`, o[k]);
    }
  }

  oneOf<T extends string>(v: unknown, key: string, legal: readonly T[], fallback?: T): T {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || !(legal as readonly string[]).includes(v)) {
      this.fail(key, `${quote(v)} is not legal; legal values: ${legal.join(', ')}`, v);
    }
    return v as T;
  }

  str(v: unknown, key: string): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(key, `${quote(v)} is not legal; must be a non-empty string`, v);
    return v;
  }

  matching(v: unknown, key: string, pattern: RegExp, legal: string): string {
    if (typeof v !== 'string' || !pattern.test(v)) this.fail(key, `${quote(v)} is not legal; must be ${legal}`, v);
    return v;
  }

  int(v: unknown, key: string, range: { min: number; max: number }, fallback: number): number {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) {
      this.fail(key, `${quote(v)} is not legal; must be an integer from ${range.min} to ${range.max}`, v);
    }
    return v;
  }

  path(v: unknown, key: string): string {
    const p = this.str(v, key);
    return isAbsolute(p) ? p : resolve(dirname(this.file), p);
  }
}

const DEVICE_PATH = /^\/dev\/\S+$/;

function camera(val: Validator, raw: unknown, key: string): CameraSource {
  const o = val.obj(raw, key);
  const kind = val.oneOf(o.kind, `${key}.kind`, CAMERA_KINDS, 'synthetic');
  switch (kind) {
    case 'synthetic':
      val.onlyKeys(o, key, ['kind']);
      return { kind };
    case 'v4l2':
      val.onlyKeys(o, key, ['kind', 'device', 'id']);
      if (o.device !== undefined && o.id !== undefined) val.fail(`${key}.id`, 'give device or id, not both', o.id);
      if (o.id !== undefined) {
        return { kind, id: val.matching(o.id, `${key}.id`, V4L2_STABLE_ID, 'path:<udev ID_PATH> or serial:<udev ID_SERIAL> (see `udevadm info /dev/videoN`)') };
      }
      return { kind, device: val.matching(o.device, `${key}.device`, DEVICE_PATH, 'a device path like /dev/video0 (or give id: path:<ID_PATH> | serial:<ID_SERIAL>)') };
    case 'v4l2loopback':
      val.onlyKeys(o, key, ['kind', 'device']);
      return { kind, device: val.matching(o.device, `${key}.device`, DEVICE_PATH, 'the v4l2loopback device path like /dev/video10') };
    case 'file':
      val.onlyKeys(o, key, ['kind', 'path']);
      return { kind, path: val.path(o.path, `${key}.path`) };
  }
}

function microphone(val: Validator, raw: unknown): MicrophoneSource {
  const key = 'microphone';
  const o = val.obj(raw, key);
  const kind = val.oneOf(o.kind, `${key}.kind`, MICROPHONE_KINDS, 'synthetic');
  switch (kind) {
    case 'synthetic':
      val.onlyKeys(o, key, ['kind']);
      return { kind };
    case 'pulse':
      val.onlyKeys(o, key, ['kind', 'source']);
      return { kind, source: val.str(o.source, `${key}.source`) };
    case 'pulse-virtual':
      val.onlyKeys(o, key, ['kind', 'sink']);
      return { kind, sink: o.sink === undefined ? DEFAULT_VIRTUAL_SINK : val.matching(o.sink, `${key}.sink`, SINK_NAME, 'a PulseAudio sink name of letters, digits, _ . -') };
    case 'alsa':
      val.onlyKeys(o, key, ['kind', 'device']);
      return { kind, device: val.str(o.device, `${key}.device`) };
    case 'file':
      val.onlyKeys(o, key, ['kind', 'path']);
      return { kind, path: val.path(o.path, `${key}.path`) };
  }
}

/** A camera entry with its optional `fault` and `maxResolution` (rig/device-fault.ts). */
function faultyCamera(val: Validator, raw: unknown, key: string): CameraSource {
  const { entry, fault, limits } = splitFault(raw, key, 'camera', (k, problem, v) => val.fail(k, problem, v));
  return withFault(camera(val, entry, key), fault, limits);
}

/** The microphone entry with its optional `fault` and `sampleRates` (rig/device-fault.ts). */
function faultyMicrophone(val: Validator, raw: unknown): MicrophoneSource {
  const { entry, fault, limits } = splitFault(raw, 'microphone', 'microphone', (k, problem, v) => val.fail(k, problem, v));
  return withFault(microphone(val, entry), fault, limits);
}

function server(val: Validator, raw: unknown): ServerConfig {
  const o = val.obj(raw, 'server');
  const kind = val.oneOf(o.kind, 'server.kind', SERVER_KINDS, 'embedded');
  const auth = {
    ...(o.query === undefined ? {} : { query: val.matching(o.query, 'server.query', PUSH_QUERY, 'a query string without ?, e.g. txSecret=…&txTime=…') }),
    ...(o.credentials === undefined ? {} : { credentials: val.matching(o.credentials, 'server.credentials', PUSH_CREDENTIALS, 'user:password') }),
  };
  if (kind === 'embedded') {
    val.onlyKeys(o, 'server', ['kind', ...PUSH_AUTH_KEYS]);
    return { kind, ...auth };
  }
  val.onlyKeys(o, 'server', ['kind', 'url', ...PUSH_AUTH_KEYS]);
  const url = val.matching(o.url, 'server.url', EXTERNAL_URL, 'an rtmp://host:port/app url');
  return { kind, url: url.replace(/\/+$/, ''), ...auth };
}

/** A push url with the server's publish authentication (query, credentials) applied. */
export function withPushAuth(url: string, auth: { query?: string; credentials?: string }): string {
  let out = url;
  if (auth.credentials) out = out.replace(/^(rtmps?:\/\/)/, `$1${auth.credentials}@`);
  if (auth.query) out += `${out.includes('?') ? '&' : '?'}${auth.query}`;
  return out;
}

function serial(val: Validator, raw: unknown): Rig['serial'] {
  if (raw === undefined || raw === null) return undefined;
  const o = val.obj(raw, 'serial');
  val.onlyKeys(o, 'serial', SERIAL_GEAR);
  const out: NonNullable<Rig['serial']> = {};
  for (const gear of SERIAL_GEAR) {
    if (o[gear] === undefined) continue;
    const key = `serial.${gear}`;
    const g = val.obj(o[gear], key);
    val.onlyKeys(g, key, SERIAL_KEYS);
    const port: SerialPortConfig = {
      port: val.matching(g.port, `${key}.port`, SERIAL_PORT, `an absolute serial device path like /dev/ttyUSB0, or ${SIMULATED_SERIAL_PORT} (a simulated device on a socat pty pair)`),
      baudRate: val.int(g.baudRate, `${key}.baudRate`, SERIAL_BAUD_RANGE, DEFAULT_SERIAL_BAUD),
    };
    out[gear] = port;
  }
  return out;
}

/** The speaker the bench plays the tone on (adapters/microphone/speaker.ts), or undefined. */
function speaker(val: Validator, raw: unknown): Speaker | undefined {
  if (raw === undefined || raw === null) return undefined;
  const key = 'speaker';
  const o = val.obj(raw, key);
  const kind = val.oneOf(o.kind, `${key}.kind`, SPEAKER_KINDS, undefined);
  if (kind === 'pulse') {
    val.onlyKeys(o, key, ['kind', 'sink']);
    return { kind, sink: val.matching(o.sink, `${key}.sink`, SINK_NAME, 'a PulseAudio sink name of letters, digits, _ . - (pactl list short sinks)') };
  }
  val.onlyKeys(o, key, ['kind', 'device']);
  return { kind, device: val.str(o.device, `${key}.device`) };
}

function validate(val: Validator, data: unknown): Rig {
  const top = val.obj(data, '(top level)');
  val.onlyKeys(top, '', TOP_KEYS);

  const cam = val.obj(top.camera, 'camera');
  val.onlyKeys(cam, 'camera', CAMERA_POSITIONS);
  const perms = val.obj(top.permissions, 'permissions');
  val.onlyKeys(perms, 'permissions', PERMISSION_SCOPES);
  const permission = (scope: (typeof PERMISSION_SCOPES)[number]): PermissionAnswer =>
    val.oneOf(perms[scope], `permissions.${scope}`, PERMISSION_ANSWERS, 'granted');
  const assetsRaw = val.obj(top.assets, 'assets');
  val.onlyKeys(assetsRaw, 'assets', ASSET_KEYS);
  const assets: Rig['assets'] = {};
  if (assetsRaw.bgm !== undefined) assets.bgm = val.path(assetsRaw.bgm, 'assets.bgm');
  if (assetsRaw.waitingImage !== undefined) assets.waitingImage = val.path(assetsRaw.waitingImage, 'assets.waitingImage');

  const rig: Rig = {
    camera: { front: faultyCamera(val, cam.front, 'camera.front'), back: faultyCamera(val, cam.back, 'camera.back') },
    microphone: faultyMicrophone(val, top.microphone),
    permissions: { camera: permission('camera'), record: permission('record') },
    server: server(val, top.server),
    assets,
    network: val.obj(top.network, 'network'),
  };
  const gear = serial(val, top.serial);
  if (gear) rig.serial = gear;
  const playsOn = speaker(val, top.speaker);
  if (playsOn) rig.speaker = playsOn;
  if (top.hardwareEncoder !== undefined && top.hardwareEncoder !== null) {
    const hw = val.obj(top.hardwareEncoder, 'hardwareEncoder');
    val.onlyKeys(hw, 'hardwareEncoder', ['device']);
    rig.hardwareEncoder = { device: val.matching(hw.device, 'hardwareEncoder.device', DEVICE_PATH, 'a device path like /dev/dri/renderD128') };
  }
  try {
    validateRigSchema(rig);
  } catch (err) {
    if (err instanceof SchemaViolation) val.fail('(top level)', `does not match the driver protocol's Rig schema: ${err.message}`);
    throw err;
  }
  return rig;
}

/** Validates parsed rig data; `file` names the source in errors and anchors relative paths. */
export function validateRig(data: unknown, file: string): Rig {
  return validate(new Validator(file), data);
}

/** Reads a rig file (default: rig/default.yaml). Throws RigError on any bad key or value. */
export function loadRig(file?: string): Rig {
  const path = resolve(file ?? DEFAULT_RIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RigError(path, '(file)', `cannot be read: ${(err as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new RigError(path, '(file)', `is not valid YAML: ${first.message}`, undefined, lines.linePos(first.pos[0]));
  }
  return validate(new Validator(path, { doc, lines }), doc.toJS());
}

/** The RTMP url for a stream on an external server: the rig's app url with the stream appended. */
export function externalStreamUrl(server: Extract<ServerConfig, { kind: 'external' }>, stream: string): string {
  return `${server.url}/${encodeURIComponent(stream)}`;
}
