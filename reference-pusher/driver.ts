// The IUT driver protocol (docs/driver-protocol.md), served for the reference
// pusher: newline-delimited JSON requests in, replies and events out. No stdio here: the
// caller feeds lines and writes what `send` is given (bench/commands/driver.ts does the I/O).
import { readFileSync } from 'node:fs';
import { PROTOCOL_VERSION } from '../driver-protocol/version.ts';
import type { ErrorPayload, EventMessage, HelloResult, Reply } from '../driver-protocol/types.ts';
import { LivePusher, PusherCallError, type LivePusherOptions } from './live-pusher.ts';
import type { PusherRig } from './rig-sources.ts';
import { parseRetryPolicy } from './retry-policy.ts';
import { toggleCodes } from './platform-codes.ts';
import { BENCH_HOLDS, type BenchHold } from './interruption.ts';
import { attributeDefaults } from '../spec/index.ts';
import { SIDE_CHANNEL_EVENTS } from '../driver-protocol/schema.ts';

export const DRIVER_NAME = 'reference';

/** What the reference pusher really applies and is judged on (hello.capabilities). */
export const CAPABILITIES = {
  attributes: [
    'url', 'mode', 'autopush', 'muted', 'enable-camera', 'orientation', 'aspect', 'min-bitrate', 'max-bitrate',
    'audio-quality', 'waiting-image', 'waiting-image-hash', 'device-position', 'mirror', 'remote-mirror',
    'local-mirror', 'enable-mic', 'video-width', 'video-height', 'fps',
    'zoom', 'beauty', 'beauty-style', 'whiteness', 'filter', 'custom-effect', 'skin-whiteness', 'skin-smoothness',
    'auto-focus',
    'enable-agc', 'enable-ans', 'audio-reverb-type', 'voice-changer-type', 'background-mute',
    'enableVideoCustomRender',
  ],
  methods: ['start', 'stop', 'pause', 'resume', 'startPreview', 'stopPreview', 'snapshot', 'switchCamera', 'setZoom', 'getMaxZoom', 'sendMessage', 'applyFilter', 'clearFilters',
    'applySticker', 'clearStickers', 'toggleTorch',
    'setMICVolume', 'playBGM', 'pauseBGM', 'resumeBGM', 'stopBGM', 'setBGMVolume',
    'onCustomRendererEvent', 'createOffscreenCanvas'],
  events: ['statechange', 'netstatus', 'error', 'bgmstart', 'bgmprogress', 'bgmcomplete', 'audiovolumenotify'],
} as const;

/** The component's events and custom rendering's side channel (docs/driver-protocol.md). */
const PUSHER_EVENTS = [...CAPABILITIES.events, ...SIDE_CHANNEL_EVENTS];

/** A reply, an event (docs/driver-protocol.md), or the answer to a line that was no request (id null). */
export type Outgoing = Reply | EventMessage | { id: number | string | null; error: ErrorPayload };

interface Request {
  id: number | string;
  method: string;
  params?: Record<string, unknown>;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type CallArgs = Record<string, unknown>;
const CALLS: Record<(typeof CAPABILITIES.methods)[number], (p: LivePusher, args: CallArgs) => Promise<unknown>> = {
  start: (p) => p.start(),
  stop: (p) => p.stop(),
  pause: (p) => p.pause(),
  resume: (p) => p.resume(),
  startPreview: (p) => p.startPreview(),
  stopPreview: (p) => p.stopPreview(),
  snapshot: (p, a) => p.snapshot(a),
  switchCamera: (p) => p.switchCamera(),
  setZoom: (p, a) => p.setZoom(a),
  getMaxZoom: (p) => p.getMaxZoom(),
  sendMessage: (p, a) => p.sendMessage(a),
  applyFilter: (p, a) => p.applyFilter(a),
  clearFilters: (p) => p.clearFilters(),
  applySticker: (p, a) => p.applySticker(a),
  clearStickers: (p) => p.clearStickers(),
  toggleTorch: (p) => p.toggleTorch(),
  setMICVolume: (p, a) => p.setMICVolume(a),
  playBGM: (p, a) => p.playBGM(a),
  pauseBGM: (p) => p.pauseBGM(),
  resumeBGM: (p) => p.resumeBGM(),
  stopBGM: (p) => p.stopBGM(),
  setBGMVolume: (p, a) => p.setBGMVolume(a),
  onCustomRendererEvent: (p, a) => p.onCustomRendererEvent(a),
  createOffscreenCanvas: (p, a) => p.createOffscreenCanvas(a),
};

export class DriverSession {
  private pusher: LivePusher | undefined;
  private disposed = false;

  constructor(
    private readonly send: (msg: Outgoing) => void,
    private readonly onDisposed: () => void = () => undefined,
    /** Options for the pusher beyond the rig (the rig comes with `create`). */
    private readonly pusherOptions: Omit<LivePusherOptions, 'rig'> = {},
    /** The platform the driver says it is (hello.platform) and whose platform-specific codes
     *  it emits (platform-codes.ts); default: this machine's (no such codes). */
    private readonly platform?: string,
  ) {}

  /** The attributes as last set (defaults filled in), for the platform-specific toggle codes. */
  private attrs: Record<string, unknown> = {};

  /** Handles one input line; replies through `send`. Never throws. */
  async handleLine(line: string): Promise<void> {
    if (!line.trim()) return;
    let req: unknown;
    try {
      req = JSON.parse(line);
    } catch (err) {
      this.send({ id: null, error: { errMsg: `malformed JSON line: ${(err as Error).message}`, errCode: -1 } });
      return;
    }
    if (!isRecord(req) || (typeof req['id'] !== 'number' && typeof req['id'] !== 'string') || typeof req['method'] !== 'string') {
      const id = isRecord(req) && (typeof req['id'] === 'number' || typeof req['id'] === 'string') ? req['id'] : null;
      this.send({ id, error: { errMsg: 'a request needs a numeric or string "id" and a string "method"', errCode: -1 } });
      return;
    }
    if (req['params'] !== undefined && !isRecord(req['params'])) {
      this.send({ id: req['id'], error: { errMsg: '"params" must be an object', errCode: -1 } });
      return;
    }
    const request = req as unknown as Request;
    try {
      const result = await this.dispatch(request);
      this.send({ id: request.id, result });
    } catch (err) {
      const e = err instanceof PusherCallError ? err : new PusherCallError(`${request.method}:fail ${(err as Error).message}`);
      this.send({ id: request.id, error: { errMsg: e.errMsg, errCode: e.errCode } });
    }
    if (request.method === 'dispose') this.onDisposed();
  }

  private async dispatch(req: Request): Promise<unknown> {
    const params = req.params ?? {};
    switch (req.method) {
      case 'hello':
        return {
          name: DRIVER_NAME,
          version: packageVersion(),
          platform: this.platform ?? process.platform,
          protocolVersion: PROTOCOL_VERSION,
          capabilities: { attributes: [...CAPABILITIES.attributes], methods: [...CAPABILITIES.methods], events: [...CAPABILITIES.events] },
        } satisfies HelloResult;
      case 'create': {
        if (this.pusher) throw new PusherCallError('create:fail this driver already hosts a pusher (one process, one pusher)');
        const attrs = params['attrs'] ?? {};
        if (!isRecord(attrs)) throw new PusherCallError('create:fail "attrs" must be an object');
        const rig = params['rig'];
        if (rig !== undefined && !isRecord(rig)) throw new PusherCallError('create:fail "rig" must be an object');
        // Bench extension (docs/driver-protocol.md "create"): the reconnect policy.
        const retry = params['retry'] === undefined ? undefined : parseRetryPolicy(params['retry']);
        if (retry && 'problem' in retry) throw new PusherCallError(`create:fail ${retry.problem}`);
        const pusher = new LivePusher({ ...this.pusherOptions, ...(retry ? { retry: retry.policy } : {}), rig: rig as PusherRig | undefined });
        for (const name of PUSHER_EVENTS) pusher.on(name, (detail: unknown) => this.send({ event: name, detail, ts: Date.now() }));
        try {
          await pusher.create(attrs);
        } catch (err) {
          await pusher.dispose();
          throw err;
        }
        this.pusher = pusher;
        this.attrs = { ...attributeDefaults(), ...attrs };
        return { errMsg: 'create:ok' };
      }
      case 'update': {
        const attrs = params['attrs'];
        if (!isRecord(attrs)) throw new PusherCallError('update:fail "attrs" must be an object');
        await this.requirePusher('update').update(attrs);
        const before = this.attrs;
        this.attrs = { ...before, ...attrs };
        for (const { code, message } of toggleCodes(this.platform ?? '', before, attrs)) {
          this.send({ event: 'statechange', detail: { code, message }, ts: Date.now() });
        }
        return { errMsg: 'update:ok' };
      }
      case 'call': {
        const name = params['name'];
        const args = params['args'] ?? {};
        if (typeof name !== 'string') throw new PusherCallError('call:fail "name" must be the name of a LivePusherContext method');
        if (!isRecord(args)) throw new PusherCallError(`${name}:fail "args" must be an object`);
        // Own methods only: "toString" and the like are not LivePusherContext methods.
        const fn = Object.hasOwn(CALLS, name) ? (CALLS as Record<string, (p: LivePusher, a: CallArgs) => Promise<unknown>>)[name] : undefined;
        if (!fn) throw new PusherCallError(`${name}:fail not supported by the ${DRIVER_NAME} pusher; supported: ${CAPABILITIES.methods.join(', ')}`);
        return fn(this.requirePusher(name), args);
      }
      case 'bench': {
        const event = params['event'];
        const phase = params['phase'];
        if (!BENCH_HOLDS.includes(event as BenchHold)) throw new PusherCallError(`bench:fail event ${JSON.stringify(event)} is not known; expected ${BENCH_HOLDS.map((e) => `"${e}"`).join(' or ')}`);
        if (phase !== 'begin' && phase !== 'end') throw new PusherCallError(`bench:fail phase ${JSON.stringify(phase)} is not legal; expected "begin" or "end"`);
        return this.requirePusher('bench').benchEvent(event as BenchHold, phase);
      }
      case 'dispose':
        await this.dispose();
        return { errMsg: 'dispose:ok' };
      default:
        throw new PusherCallError(`unknown method "${req.method}"; expected hello, create, update, call, bench or dispose`);
    }
  }

  private requirePusher(op: string): LivePusher {
    if (this.disposed) throw new PusherCallError(`${op}:fail the driver was disposed`);
    if (!this.pusher) throw new PusherCallError(`${op}:fail no pusher yet: send "create" first`);
    return this.pusher;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.pusher?.dispose();
  }
}
