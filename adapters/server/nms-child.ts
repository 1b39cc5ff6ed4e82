// Child process hosting one node-media-server 4.x instance for the embedded RTMP server
// (embedded.ts). NMS keeps its config and sessions in module-level state (one server per
// process), calls process.exit(1) when its port is taken and logs to stdout with console.log, so
// it lives here, behind IPC (nms-messages.ts):
// - its listen-error handler is replaced before run(), so a taken port is reported, not fatal;
// - its logger is quiet unless verbose, and its output goes to stderr (the parent forwards it
//   only when verbose);
// - the publish grace window (30 s in 4.x, which delays 'donePublish' and shifts the timestamps
//   of a re-publish from the same address) is set to 0 on every publish;
// - it acknowledges what it receives (RTMP spec §5.4.3: after each window of the size the peer
//   set with Window Acknowledgement Size, an Acknowledgement with the bytes received so far),
//   which 4.x leaves out (it stores the window and never acks): a pusher times the round trip of
//   its bytes by these, as it does against other servers;
// - it stops cleanly on SIGTERM (the parent's close()) or when the parent goes away (IPC
//   'disconnect'), and flushes its last reports before it exits.
import { createRequire } from 'node:module';
import { format } from 'node:util';
import { rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { AcknowledgementTracker } from '../../protocol/rtmp/acknowledgement.ts';
import { CHILD_EXIT, type ChildToParent, type NmsChildConfig, type NmsStreamInfo } from './nms-messages.ts';

const require = createRequire(import.meta.url);

/** The parts of node-media-server 4.x's (untyped) internals this child touches. */
interface NmsBroadcast {
  publisher: unknown;
  publishGraceMs: number;
}
interface NmsSession {
  streamApp: string;
  streamName: string;
  streamPath: string;
  broadcast?: NmsBroadcast;
}
interface NmsInstance {
  rtmpServer: {
    tcpServer?: Server;
    handleListenError: (name: string, port: number) => (err: NodeJS.ErrnoException) => void;
  };
  store: { options: { signals: boolean; lock: boolean } };
  on(event: 'postPublish' | 'donePublish', listener: (session: NmsSession) => void): void;
  run(): Promise<void>;
  stop(): Promise<void>;
}
type NmsConstructor = new (config: object, configPath?: string) => NmsInstance;
/** node-media-server 4.x's RTMP protocol object (one per connection). */
interface NmsRtmp {
  /** The window the peer set (Window Acknowledgement Size), 0 until it does. */
  ackSize?: number;
  parserData(buffer: Buffer): string | null;
  sendACK(size: number): void;
}

/** Makes every RTMP connection acknowledge the bytes it receives, per the window its peer set. */
function acknowledgeReceivedBytes(Rtmp: { prototype: NmsRtmp }): void {
  const parse = Rtmp.prototype.parserData;
  const trackers = new WeakMap<NmsRtmp, AcknowledgementTracker>();
  Rtmp.prototype.parserData = function (this: NmsRtmp, buffer: Buffer): string | null {
    const err = parse.call(this, buffer);
    let acks = trackers.get(this);
    if (!acks) trackers.set(this, (acks = new AcknowledgementTracker()));
    acks.setWindowSize(this.ackSize ?? 0);
    const due = acks.received(buffer.length);
    if (!err && due !== undefined) this.sendACK(due);
    return err;
  };
}
interface NmsLogger {
  level: string;
}

/** NMS's levels are trace, debug, info, warn, error; an unknown level would print everything. */
const QUIET_LOG_LEVEL = 'error';
const VERBOSE_LOG_LEVEL = 'info';
/** How long a stop may take before the child exits anyway. */
const STOP_TIMEOUT_MS = 2000;

const pendingSends = new Set<Promise<void>>();

function send(message: ChildToParent): Promise<void> {
  const sent = new Promise<void>((resolve) => {
    if (!process.send || !process.connected) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
  pendingSends.add(sent);
  void sent.then(() => pendingSends.delete(sent));
  return sent;
}

function parseConfig(raw: string | undefined): NmsChildConfig | undefined {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<NmsChildConfig>;
    if (typeof value.host !== 'string' || typeof value.port !== 'number' || typeof value.storeDir !== 'string') {
      return undefined;
    }
    return { host: value.host, port: value.port, storeDir: value.storeDir, verbose: value.verbose === true };
  } catch {
    return undefined;
  }
}

function streamInfo(session: NmsSession): NmsStreamInfo {
  return { app: session.streamApp, stream: session.streamName, streamPath: session.streamPath, at: Date.now() };
}

async function main(): Promise<void> {
  const config = parseConfig(process.argv[2]);
  if (!config) {
    process.stderr.write(`nms-child: expected a JSON config argument, got ${process.argv[2] ?? 'nothing'}\n`);
    process.exit(CHILD_EXIT.badConfig);
  }

  // NMS writes every log line with console.log; stdout is not ours to fill.
  console.log = (...args: unknown[]) => {
    process.stderr.write(format(...args) + '\n');
  };

  const NodeMediaServer = require('node-media-server') as NmsConstructor;
  const logger = require('node-media-server/src/core/logger.js') as NmsLogger;
  acknowledgeReceivedBytes(require('node-media-server/src/protocol/rtmp.js') as { prototype: NmsRtmp });

  // No http/https/rtmps sections: NMS then opens no HTTP listener and no TLS listener.
  const nms = new NodeMediaServer({ bind: config.host, rtmp: { port: config.port }, store: { path: config.storeDir } });
  // The constructor forces the level to 'debug'; set ours after it.
  logger.level = config.verbose ? VERBOSE_LOG_LEVEL : QUIET_LOG_LEVEL;
  // The store would otherwise install SIGINT/SIGTERM handlers that re-kill the process.
  nms.store.options.signals = false;
  nms.store.options.lock = false;

  let stopping = false;
  const shutdown = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(code), STOP_TIMEOUT_MS);
    try {
      await nms.stop();
    } catch (err) {
      process.stderr.write(`nms-child: stop failed: ${(err as Error).message}\n`);
    }
    // Let the publishes closed by stop() report their 'donePublish' (a 0 ms grace timer).
    await new Promise((resolve) => setTimeout(resolve, 0));
    await Promise.all([...pendingSends]);
    // The parent removes the store too; this covers a parent that died first.
    rmSync(config.storeDir, { recursive: true, force: true });
    clearTimeout(timer);
    process.exit(code);
  };

  nms.rtmpServer.handleListenError = (name, port) => (err) => {
    const code = err.code ?? 'ERROR';
    process.stderr.write(`nms-child: ${name} could not listen on ${config.host}:${port}: ${err.message}\n`);
    void send({ type: 'start-error', code, message: err.message }).then(() => shutdown(CHILD_EXIT.listenFailed));
  };

  nms.on('postPublish', (session) => {
    const broadcast = session.broadcast;
    // 4.x emits postPublish before it rejects a second publisher of the same path.
    if (!broadcast || broadcast.publisher !== null) return;
    broadcast.publishGraceMs = 0;
    void send({ type: 'publish', info: streamInfo(session) });
  });
  nms.on('donePublish', (session) => {
    void send({ type: 'unpublish', info: streamInfo(session) });
  });

  process.on('disconnect', () => void shutdown(CHILD_EXIT.stopped));
  process.on('SIGTERM', () => void shutdown(CHILD_EXIT.stopped));
  // A terminal's Ctrl-C reaches the whole process group; the parent decides when we stop.
  process.on('SIGINT', () => undefined);

  const tcpServer = nms.rtmpServer.tcpServer;
  if (!tcpServer) {
    process.stderr.write('nms-child: node-media-server created no RTMP listener\n');
    process.exit(CHILD_EXIT.badConfig);
  }
  tcpServer.once('listening', () => {
    const address = tcpServer.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    void send({ type: 'ready', port });
  });
  await nms.run();
}

await main();
