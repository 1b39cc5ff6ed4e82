// Tests of the fault server's later scripts (adapters/server/fault-script.ts: malformed-chunk,
// bad-amf-reply, busy-name, close-after-bytes, reset-after-bytes) and of their malformed bytes
// (adapters/server/fault-bytes.ts). The bytes are checked against protocol/rtmp's own reader
// (exactly the intended rule broken, nothing before it); each script is then met by the
// reference pusher's RTMP session, which must fail with the status code the script names in
// EXPECTED_STATUS_CODE (live-pusher.zh.md 状态码 3004 服务器主动断开 / 3005 读/写失败).
import { afterEach, describe, expect, it } from 'vitest';
import { FaultServer, EXPECTED_STATUS_CODE, type FaultScript } from '../../../adapters/server/fault-server.ts';
import { validateFaultScript } from '../../../adapters/server/fault-script.ts';
import { AMF_TRUNCATE_BYTES, badAmfMessage, INTERLEAVED_CSID, malformedChunkBytes, ORPHAN_CSID } from '../../../adapters/server/fault-bytes.ts';
import { ChunkReader } from '../../../protocol/rtmp/chunk-reader.ts';
import { ChunkWriter } from '../../../protocol/rtmp/chunk-writer.ts';
import { commandMessage } from '../../../protocol/rtmp/messages.ts';
import { parseCommand, resultCommand, statusInfo } from '../../../protocol/rtmp/commands.ts';
import { ProtocolError } from '../../../protocol/errors.ts';
import { RtmpPublishSession, RtmpSessionError } from '../../../reference-pusher/rtmp-session.ts';
import { STATUS } from '../../../spec/codes.ts';

const APP = 'live';
const STREAM = 'fault-more';
const CHUNK_SIZE = 4096;
/** Guard for waits (infrastructure, not an assertion on speed). */
const WAIT_TIMEOUT_MS = 15_000;
const SEND_INTERVAL_MS = 10;
const VIDEO_BYTES = 1000;
/** Session timeouts short enough that a client that ignores a fault shows as a timeout here. */
const SESSION_OPTIONS = { publishTimeoutMs: 5000, writeStallMs: 3000 };

const servers: FaultServer[] = [];
const sessions: RtmpPublishSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startServer(script: FaultScript): Promise<FaultServer> {
  const server = await FaultServer.start(script);
  servers.push(server);
  return server;
}

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_TIMEOUT_MS} ms waiting for ${what}`)), WAIT_TIMEOUT_MS);
    }),
  ]);
}

/** publish() against the server: the session, or the error it was refused with. */
async function publish(server: FaultServer, stream = STREAM): Promise<RtmpPublishSession | RtmpSessionError> {
  return bounded(
    RtmpPublishSession.publish(server.url(APP, stream), SESSION_OPTIONS).then(
      (session) => {
        sessions.push(session);
        return session;
      },
      (err: unknown) => {
        if (err instanceof RtmpSessionError) return err;
        throw err;
      },
    ),
    'publish() to settle',
  );
}

/** Sends small video frames until the session fails; resolves with its error. */
async function pushUntilFailure(session: RtmpPublishSession): Promise<RtmpSessionError> {
  const body = new Uint8Array(VIDEO_BYTES);
  let ts = 0;
  const sender = setInterval(() => {
    ts += SEND_INTERVAL_MS;
    session.sendVideo(ts, body, false, false);
  }, SEND_INTERVAL_MS);
  try {
    const ended = await bounded(
      new Promise<unknown>((resolve) => {
        session.once('error', resolve);
        session.once('close', () => resolve(new RtmpSessionError('closed', 'the server closed the connection')));
      }),
      'the session to fail',
    );
    if (!(ended instanceof RtmpSessionError)) throw ended;
    return ended;
  } finally {
    clearInterval(sender);
  }
}

describe('fault bytes break exactly the intended rule', () => {
  it('orphan-continuation: a fmt 3 chunk on a chunk stream never opened', () => {
    const bytes = malformedChunkBytes('orphan-continuation', new ChunkWriter(CHUNK_SIZE), 1);
    expect(() => new ChunkReader().feed(bytes)).toThrow(new RegExp(`fmt 3 chunk on chunk stream ${ORPHAN_CSID} with no previous header`));
  });

  it('interleaved-header: a new header while the chunk stream has an incomplete message', () => {
    const bytes = malformedChunkBytes('interleaved-header', new ChunkWriter(CHUNK_SIZE), 1);
    const reader = new ChunkReader({ chunkSize: CHUNK_SIZE });
    const headerAndFirstChunk = 12 + CHUNK_SIZE;
    expect(reader.feed(bytes.subarray(0, headerAndFirstChunk))).toEqual([]); // legal so far
    expect(() => reader.feed(bytes.subarray(headerAndFirstChunk))).toThrow(/new message header on chunk stream 61 while a message is incomplete/);
    expect(INTERLEAVED_CSID).toBe(61);
  });

  it('bad-chunk-size: a well-framed Set Chunk Size message whose value (0) the reader refuses', () => {
    const bytes = malformedChunkBytes('bad-chunk-size', new ChunkWriter(CHUNK_SIZE), 1);
    let error: unknown;
    try {
      new ChunkReader().feed(bytes);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toMatch(/rtmp-message: Set Chunk Size 0 outside/);
  });

  it('bad AMF replies: truncated in the last value, or an unknown type marker; framing intact', () => {
    const info = statusInfo('status', 'NetConnection.Connect.Success', 'ok');
    const reply = commandMessage(resultCommand(1, { fmsVer: 'x' }, info));
    expect(parseCommand(reply.payload).name).toBe('_result');
    const truncated = badAmfMessage('truncated', reply);
    expect(truncated.payload.length).toBe(reply.payload.length - AMF_TRUNCATE_BYTES);
    expect(() => parseCommand(truncated.payload)).toThrow(/truncated/);
    const marker = badAmfMessage('unknown-marker', reply);
    expect(() => parseCommand(marker.payload)).toThrow(/unknown type marker 0x7f/);
    // both still travel as one well-formed message
    for (const bad of [truncated, marker]) expect(new ChunkReader().feed(new ChunkWriter().write(bad))[0].payload).toEqual(bad.payload);
  });
});

describe('the reference RTMP session fails each script with the code the script names', () => {
  it.each(['orphan-continuation', 'interleaved-header', 'bad-chunk-size'] as const)('malformed-chunk %s after media flowed: the session fails with 3005', async (variant) => {
    const script: FaultScript = { kind: 'malformed-chunk', variant, afterMs: 300 };
    const server = await startServer(script);
    const session = await publish(server);
    expect(session).toBeInstanceOf(RtmpPublishSession);
    const err = await pushUntilFailure(session as RtmpPublishSession);
    expect(err.message).toMatch(/bad (data|message) from the server/);
    expect(err.statusCode).toBe(EXPECTED_STATUS_CODE['malformed-chunk']);
    expect(err.statusCode).toBe(STATUS.READ_WRITE_FAILED);
    expect(server.stats.mediaBytes).toBeGreaterThan(0);
  });

  it.each([
    ['connect', 'truncated'],
    ['createStream', 'unknown-marker'],
    ['publish', 'truncated'],
  ] as const)('bad-amf-reply to %s (%s): publish() fails', async (command, variant) => {
    const server = await startServer({ kind: 'bad-amf-reply', command, variant });
    const err = await publish(server);
    expect(err).toBeInstanceOf(RtmpSessionError);
    expect((err as RtmpSessionError).message).toMatch(/bad message from the server/);
    expect((err as RtmpSessionError).statusCode).toBe(EXPECTED_STATUS_CODE['bad-amf-reply']);
    expect(server.stats.faultsInjected).toBe(1);
  });

  it('busy-name: a second publish of a name being published gets NetStream.Publish.BadName; other names and later ones pass', async () => {
    const server = await startServer({ kind: 'busy-name', holdMs: 400 });
    const first = await publish(server);
    expect(first).toBeInstanceOf(RtmpPublishSession);
    const second = await publish(server);
    expect(second).toBeInstanceOf(RtmpSessionError);
    expect((second as RtmpSessionError).message).toMatch(/NetStream\.Publish\.BadName/);
    expect((second as RtmpSessionError).statusCode).toBe(EXPECTED_STATUS_CODE['busy-name']);
    expect(await publish(server, 'another-name')).toBeInstanceOf(RtmpPublishSession);
    // the holder leaves: refused for holdMs more, then accepted
    await (first as RtmpPublishSession).close();
    await bounded(
      (async () => {
        while (server.attempts()[0].closedAt === undefined) await new Promise((r) => setTimeout(r, 10));
      })(),
      'the first connection to close',
    );
    expect(await publish(server)).toBeInstanceOf(RtmpSessionError);
    const waitMs = server.attempts()[0].closedAt! + 400 - Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, waitMs) + 50));
    expect(await publish(server)).toBeInstanceOf(RtmpPublishSession);
  });

  it.each([
    ['close-after-bytes', STATUS.SERVER_CLOSED],
    ['reset-after-bytes', STATUS.READ_WRITE_FAILED],
  ] as const)('%s: media flows until the byte count, then the session fails with %s', async (kind, code) => {
    const BYTES = 20_000;
    const server = await startServer({ kind, bytes: BYTES });
    const session = await publish(server);
    expect(session).toBeInstanceOf(RtmpPublishSession);
    const err = await pushUntilFailure(session as RtmpPublishSession);
    expect(err.statusCode).toBe(EXPECTED_STATUS_CODE[kind]);
    expect(err.statusCode).toBe(code);
    // counted per read: at least BYTES arrived, and not a whole read (64 KiB) more
    expect(server.stats.mediaBytes).toBeGreaterThanOrEqual(BYTES - 2000);
    expect(server.stats.mediaBytes).toBeLessThan(BYTES + 64 * 1024);
    expect(server.stats.faultsInjected).toBe(1);
  });

  it('validation names the key, the value and what is legal', () => {
    expect(() => validateFaultScript({ kind: 'malformed-chunk', variant: 'weird' as never })).toThrow('malformed-chunk: variant "weird" is not legal; expected one of orphan-continuation, interleaved-header, bad-chunk-size');
    expect(() => validateFaultScript({ kind: 'bad-amf-reply', command: 'play' as never })).toThrow(/command "play" is not legal; expected one of connect, createStream, publish/);
    expect(() => validateFaultScript({ kind: 'close-after-bytes', bytes: 0 })).toThrow('close-after-bytes: bytes must be an integer >= 1, got 0');
    expect(() => validateFaultScript({ kind: 'busy-name', holdMs: -1 })).toThrow('busy-name: holdMs must be a finite number >= 0, got -1');
    expect(() => validateFaultScript({ kind: 'malformed-chunk', afterMs: Number.NaN })).toThrow(/afterMs must be a finite number/);
  });
});
