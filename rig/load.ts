// Loads and validates a rig file (YAML). Every error names the bad key and the legal values.
// Without a file, the embedded default rig (rig/default.yaml) is used. Asset paths are
// resolved against the rig file's folder. What it returns is also checked against the driver
// protocol's Rig schema (driver-protocol/schema.ts), the shape every driver reads.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { SchemaViolation, validateRig as validateRigSchema } from '../driver-protocol/validate.ts';
import {
  CAMERA_KINDS,
  MICROPHONE_KINDS,
  PERMISSION_ANSWERS,
  SERVER_KINDS,
  type CameraSource,
  type MicrophoneSource,
  type PermissionAnswer,
  type Rig,
  type ServerConfig,
} from './types.ts';

export const DEFAULT_RIG_FILE = fileURLToPath(new URL('./default.yaml', import.meta.url));

const TOP_KEYS = ['camera', 'microphone', 'permissions', 'server', 'assets', 'network'] as const;
const CAMERA_POSITIONS = ['front', 'back'] as const;
const PERMISSION_SCOPES = ['camera', 'record'] as const;
const ASSET_KEYS = ['bgm', 'waitingImage'] as const;
const EXTERNAL_URL = /^rtmps?:\/\/[^/\s]+(\/[^\s]*)?$/;

export class RigError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    problem: string,
  ) {
    super(`rig ${file}: ${key}: ${problem}`);
    this.name = 'RigError';
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Validator {
  constructor(readonly file: string) {}

  fail(key: string, problem: string): never {
    throw new RigError(this.file, key, problem);
  }

  obj(v: unknown, key: string): Obj {
    if (v === undefined || v === null) return {};
    if (!isObj(v)) this.fail(key, `must be a mapping, got ${JSON.stringify(v)}`);
    return v;
  }

  onlyKeys(o: Obj, key: string, legal: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!legal.includes(k)) this.fail(key ? `${key}.${k}` : k, `unknown key; legal keys: ${legal.join(', ')}`);
    }
  }

  oneOf<T extends string>(v: unknown, key: string, legal: readonly T[], fallback?: T): T {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || !(legal as readonly string[]).includes(v)) {
      this.fail(key, `${JSON.stringify(v)} is not legal; legal values: ${legal.join(', ')}`);
    }
    return v as T;
  }

  str(v: unknown, key: string): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(key, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  }

  path(v: unknown, key: string): string {
    const p = this.str(v, key);
    return isAbsolute(p) ? p : resolve(dirname(this.file), p);
  }
}

function camera(val: Validator, raw: unknown, key: string): CameraSource {
  const o = val.obj(raw, key);
  const kind = val.oneOf(o.kind, `${key}.kind`, CAMERA_KINDS, 'synthetic');
  switch (kind) {
    case 'synthetic':
      val.onlyKeys(o, key, ['kind']);
      return { kind };
    case 'v4l2':
      val.onlyKeys(o, key, ['kind', 'device']);
      return { kind, device: val.str(o.device, `${key}.device`) };
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
    case 'file':
      val.onlyKeys(o, key, ['kind', 'path']);
      return { kind, path: val.path(o.path, `${key}.path`) };
  }
}

function server(val: Validator, raw: unknown): ServerConfig {
  const o = val.obj(raw, 'server');
  const kind = val.oneOf(o.kind, 'server.kind', SERVER_KINDS, 'embedded');
  if (kind === 'embedded') {
    val.onlyKeys(o, 'server', ['kind']);
    return { kind };
  }
  val.onlyKeys(o, 'server', ['kind', 'url']);
  const url = val.str(o.url, 'server.url');
  if (!EXTERNAL_URL.test(url)) val.fail('server.url', `${JSON.stringify(url)} is not an rtmp://host:port/app url`);
  return { kind, url: url.replace(/\/+$/, '') };
}

/** Validates parsed rig data; `file` names the source in errors and anchors relative paths. */
export function validateRig(data: unknown, file: string): Rig {
  const val = new Validator(file);
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
    camera: { front: camera(val, cam.front, 'camera.front'), back: camera(val, cam.back, 'camera.back') },
    microphone: microphone(val, top.microphone),
    permissions: { camera: permission('camera'), record: permission('record') },
    server: server(val, top.server),
    assets,
    network: val.obj(top.network, 'network'),
  };
  try {
    validateRigSchema(rig);
  } catch (err) {
    if (err instanceof SchemaViolation) val.fail('(top level)', `does not match the driver protocol's Rig schema: ${err.message}`);
    throw err;
  }
  return rig;
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
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new RigError(path, '(file)', `is not valid YAML: ${(err as Error).message}`);
  }
  return validateRig(data, path);
}

/** The RTMP url for a stream on an external server: the rig's app url with the stream appended. */
export function externalStreamUrl(server: Extract<ServerConfig, { kind: 'external' }>, stream: string): string {
  return `${server.url}/${encodeURIComponent(stream)}`;
}
