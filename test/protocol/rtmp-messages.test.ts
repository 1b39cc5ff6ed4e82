// RTMP protocol control, user control, media/data/command messages and the acknowledgement
// tracker (protocol/rtmp/control.ts, messages.ts, commands.ts, acknowledgement.ts): golden bytes
// (Adobe RTMP spec §5.3 chunks, §5.4 control, §6.2 user control, §7.2 commands), round trips
// through decodeMessage and through ChunkWriter -> ChunkReader fed one byte at a time.
import { describe, expect, it } from 'vitest';
import {
  decodeSetPeerBandwidth,
  decodeUserControl,
  encodeAbort,
  encodeAcknowledgement,
  encodeSetChunkSize,
  encodeSetPeerBandwidth,
  encodeUserControl,
  encodeWindowAckSize,
} from '../../protocol/rtmp/control.ts';
import type { UserControlEvent } from '../../protocol/rtmp/control.ts';
import { audioMessage, commandMessage, dataMessage, decodeMessage, videoMessage } from '../../protocol/rtmp/messages.ts';
import {
  commandStatusInfo,
  connectCommand,
  createStreamCommand,
  deleteStreamCommand,
  encodeCommand,
  errorCommand,
  fcPublishCommand,
  fcUnpublishCommand,
  onStatusCommand,
  parseCommand,
  publishCommand,
  releaseStreamCommand,
  resultCommand,
  StatusCode,
  statusInfo,
} from '../../protocol/rtmp/commands.ts';
import type { RtmpCommand } from '../../protocol/rtmp/commands.ts';
import { AcknowledgementTracker } from '../../protocol/rtmp/acknowledgement.ts';
import { Amf0EcmaArray, encodeAmf0 } from '../../protocol/amf0.ts';
import { ProtocolError } from '../../protocol/errors.ts';
import { ChunkReader } from '../../protocol/rtmp/chunk-reader.ts';
import { ChunkWriter } from '../../protocol/rtmp/chunk-writer.ts';
import type { RtmpMessage } from '../../protocol/rtmp/message.ts';
import { caught } from './bytes-helpers.ts';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('protocol control messages', () => {
  it('encode on chunk stream 2, message stream 0, with big-endian payloads', () => {
    const scs = encodeSetChunkSize(4096);
    expect([scs.chunkStreamId, scs.streamId, scs.typeId, toHex(scs.payload)]).toEqual([2, 0, 1, '00001000']);
    expect(toHex(encodeAcknowledgement(0x01020304).payload)).toBe('01020304');
    expect(encodeAcknowledgement(1).typeId).toBe(3);
    expect([encodeWindowAckSize(2_500_000).typeId, toHex(encodeWindowAckSize(2_500_000).payload)]).toEqual([5, '002625a0']);
    expect(toHex(encodeSetPeerBandwidth(2_500_000, 'dynamic').payload)).toBe('002625a002');
  });

  it.each(['hard', 'soft', 'dynamic'] as const)('set peer bandwidth limit %s round-trips', (limit) => {
    expect(decodeSetPeerBandwidth(encodeSetPeerBandwidth(123456, limit).payload)).toEqual({ size: 123456, limit });
  });

  it('refuses an unknown peer bandwidth limit type and short payloads', () => {
    expect(() => decodeSetPeerBandwidth(Uint8Array.of(0, 0, 1, 0, 3))).toThrow(ProtocolError);
    expect(() => decodeMessage({ chunkStreamId: 2, timestamp: 0, typeId: 5, streamId: 0, payload: Uint8Array.of(1, 2) })).toThrow(/needs 4/);
  });

  const events: UserControlEvent[] = [
    { event: 'stream-begin', streamId: 1 },
    { event: 'stream-eof', streamId: 2 },
    { event: 'stream-dry', streamId: 3 },
    { event: 'set-buffer-length', streamId: 1, bufferLengthMs: 3000 },
    { event: 'stream-is-recorded', streamId: 4 },
    { event: 'ping-request', timestamp: 0xdeadbeef },
    { event: 'ping-response', timestamp: 7 },
  ];
  it.each(events)('user control $event round-trips', (ev) => {
    const msg = encodeUserControl(ev);
    expect(msg.typeId).toBe(4);
    expect(decodeMessage(msg)).toEqual({ kind: 'user-control', event: ev });
  });

  it('user control golden bytes: event type (16 bits) then data', () => {
    expect(toHex(encodeUserControl({ event: 'stream-begin', streamId: 1 }).payload)).toBe('000000000001');
    expect(toHex(encodeUserControl({ event: 'set-buffer-length', streamId: 1, bufferLengthMs: 3000 }).payload)).toBe('00030000000100000bb8');
    expect(toHex(encodeUserControl({ event: 'ping-response', timestamp: 7 }).payload)).toBe('000700000007');
    expect(decodeUserControl(Uint8Array.of(0, 99, 1))).toEqual({ event: 'unknown', eventType: 99, data: Uint8Array.of(1) });
    expect(() => decodeUserControl(Uint8Array.of(0, 6, 1))).toThrow(ProtocolError);
  });
});

describe('media, data and command messages', () => {
  it('audio on chunk stream 4, video on 6, data AMF0 type 18', () => {
    const body = Uint8Array.of(0xaf, 1, 2);
    expect(audioMessage(40, body, 1)).toEqual({ chunkStreamId: 4, timestamp: 40, typeId: 8, streamId: 1, payload: body });
    expect(videoMessage(66, body, 1)).toMatchObject({ chunkStreamId: 6, timestamp: 66, typeId: 9, streamId: 1 });
    const meta = dataMessage(['@setDataFrame', 'onMetaData', new Amf0EcmaArray({ width: 360 })], { streamId: 1 });
    const decoded = decodeMessage(meta);
    expect(decoded.kind).toBe('data');
    expect(decoded.kind === 'data' && decoded.values.slice(0, 2)).toEqual(['@setDataFrame', 'onMetaData']);
  });

  it('unknown types pass through as other', () => {
    const msg = { chunkStreamId: 3, timestamp: 0, typeId: 22, streamId: 1, payload: Uint8Array.of(1) };
    expect(decodeMessage(msg)).toEqual({ kind: 'other', typeId: 22, message: msg });
  });

  it('AMF3 command messages skip the format selector byte', () => {
    const payload = Buffer.concat([Uint8Array.of(0), encodeAmf0('onStatus', 0, null, { level: 'status', code: 'x' })]);
    const d = decodeMessage({ chunkStreamId: 3, timestamp: 0, typeId: 17, streamId: 1, payload });
    expect(d.kind === 'command' && d.command.name).toBe('onStatus');
  });
});

describe('commands', () => {
  it('connect: transaction id 1 and the command object FMLE sends', () => {
    const cmd = connectCommand({ app: 'live', tcUrl: 'rtmp://h/live', flashVer: 'FMLE/3.0' });
    const parsed = parseCommand(encodeCommand(cmd));
    expect(parsed).toEqual({
      name: 'connect',
      transactionId: 1,
      commandObject: { app: 'live', type: 'nonprivate', flashVer: 'FMLE/3.0', tcUrl: 'rtmp://h/live', objectEncoding: 0 },
      args: [],
    });
    const msg = commandMessage(cmd);
    expect([msg.chunkStreamId, msg.typeId, msg.streamId]).toEqual([3, 20, 0]);
  });

  const cases: [RtmpCommand, string, unknown[]][] = [
    [releaseStreamCommand(2, 's'), 'releaseStream', ['s']],
    [fcPublishCommand(3, 's'), 'FCPublish', ['s']],
    [createStreamCommand(4), 'createStream', []],
    [publishCommand(5, 's'), 'publish', ['s', 'live']],
    [fcUnpublishCommand(6, 's'), 'FCUnpublish', ['s']],
    [deleteStreamCommand(7, 1), 'deleteStream', [1]],
    [resultCommand(4, null, 1), '_result', [1]],
  ];
  it.each(cases)('%# builds and parses %s', (cmd, name, args) => {
    const parsed = parseCommand(encodeCommand(cmd));
    expect(parsed.name).toBe(name);
    expect(parsed.transactionId).toBe(cmd.transactionId);
    expect(parsed.commandObject).toBeNull();
    expect(parsed.args).toEqual(args);
  });

  it('onStatus / _error info objects', () => {
    const start = parseCommand(encodeCommand(onStatusCommand(statusInfo('status', StatusCode.PublishStart, 'go'))));
    expect(start.transactionId).toBe(0);
    expect(commandStatusInfo(start)).toEqual({ level: 'status', code: 'NetStream.Publish.Start', description: 'go' });
    const bad = parseCommand(encodeCommand(onStatusCommand(statusInfo('error', StatusCode.PublishBadName, 'taken'))));
    expect(commandStatusInfo(bad)?.level).toBe('error');
    const err = parseCommand(encodeCommand(errorCommand(1, null, { level: 'error', code: StatusCode.ConnectRejected, description: 'no' })));
    expect(commandStatusInfo(err)?.code).toBe('NetConnection.Connect.Rejected');
    expect(commandStatusInfo(parseCommand(encodeCommand(resultCommand(4, null, 1))))).toBeUndefined();
  });

  it('refuses payloads that are not commands with ProtocolError(rtmp-command)', () => {
    for (const payload of [encodeAmf0(1, 2), encodeAmf0('x'), encodeAmf0('x', 'y')]) {
      let err: unknown;
      try {
        parseCommand(payload);
      } catch (e) {
        err = e;
      }
      expect((err as ProtocolError).code).toBe('rtmp-command');
    }
    expect(() => parseCommand(Uint8Array.of(0x02, 0xff))).toThrow(ProtocolError);
  });
});

describe('acknowledgement tracker', () => {
  it('no acks before a window is set', () => {
    const t = new AcknowledgementTracker();
    expect(t.received(10_000_000)).toBeUndefined();
  });

  it('acks each time a window of bytes arrived, with the running total', () => {
    const t = new AcknowledgementTracker();
    t.setWindowSize(1000);
    expect(t.received(999)).toBeUndefined();
    expect(t.received(1)).toBe(1000);
    expect(t.received(500)).toBeUndefined();
    expect(t.received(700)).toBe(2200);
    expect(t.received(999)).toBeUndefined();
    expect(t.bytesReceived).toBe(3199);
  });

  it('sequence numbers wrap at 2^32', () => {
    const t = new AcknowledgementTracker();
    t.setWindowSize(2 ** 31);
    expect(t.received(2 ** 31)).toBe(2 ** 31);
    expect(t.received(2 ** 31 + 5)).toBe(5);
  });
});

// ---------------------------------------------------------------------------------------------
// Golden bytes written independently of the encoders: chunk headers per §5.3.1, control payloads
// per §5.4, user control events per §6.2 / §7.1.7, AMF0 per the AMF0 spec (§2.2 number, §2.4
// string, §2.5 object, §2.7 null) and the command layouts of §7.2.

/** AMF0 pieces for golden command bytes. */
const amf0 = {
  str: (s: string) => `02${Buffer.from([s.length >> 8, s.length & 0xff]).toString('hex')}${Buffer.from(s, 'utf8').toString('hex')}`,
  num: (n: number) => {
    const b = Buffer.alloc(9);
    b[0] = 0x00;
    b.writeDoubleBE(n, 1);
    return b.toString('hex');
  },
  null: '05',
  key: (s: string) => `${Buffer.from([s.length >> 8, s.length & 0xff]).toString('hex')}${Buffer.from(s, 'utf8').toString('hex')}`,
  object: (entries: [string, string][]) => `03${entries.map(([k, v]) => amf0.key(k) + v).join('')}000009`,
};

/** One fmt 0 chunk on a 1-byte chunk stream id: §5.3.1.1 basic header + §5.3.1.2.1 type 0 message header. */
function fmt0Chunk(csid: number, typeId: number, streamId: number, payloadHex: string): string {
  const len = payloadHex.length / 2;
  const sid = Buffer.alloc(4);
  sid.writeUInt32LE(streamId);
  return Buffer.from([csid, 0, 0, 0, len >> 16, (len >> 8) & 0xff, len & 0xff, typeId]).toString('hex') + sid.toString('hex') + payloadHex;
}

function feedBytewise(reader: ChunkReader, bytes: Uint8Array): RtmpMessage[] {
  const out: RtmpMessage[] = [];
  for (const b of bytes) out.push(...reader.feed(Uint8Array.of(b)));
  return out;
}

describe('control messages: golden bytes through the chunk writer, and back through the reader', () => {
  const cases: [string, RtmpMessage, string][] = [
    ['set chunk size 4096', encodeSetChunkSize(4096), fmt0Chunk(2, 1, 0, '00001000')],
    ['abort chunk stream 6', encodeAbort(6), fmt0Chunk(2, 2, 0, '00000006')],
    ['acknowledgement 0xdeadbeef', encodeAcknowledgement(0xdeadbeef), fmt0Chunk(2, 3, 0, 'deadbeef')],
    ['window ack size 5,000,000', encodeWindowAckSize(5_000_000), fmt0Chunk(2, 5, 0, '004c4b40')],
    ['set peer bandwidth hard', encodeSetPeerBandwidth(5_000_000, 'hard'), fmt0Chunk(2, 6, 0, '004c4b4000')],
    ['set peer bandwidth soft', encodeSetPeerBandwidth(5_000_000, 'soft'), fmt0Chunk(2, 6, 0, '004c4b4001')],
    ['set peer bandwidth dynamic', encodeSetPeerBandwidth(5_000_000, 'dynamic'), fmt0Chunk(2, 6, 0, '004c4b4002')],
    ['stream begin 1', encodeUserControl({ event: 'stream-begin', streamId: 1 }), fmt0Chunk(2, 4, 0, '0000' + '00000001')],
    ['stream eof 1', encodeUserControl({ event: 'stream-eof', streamId: 1 }), fmt0Chunk(2, 4, 0, '0001' + '00000001')],
    ['stream dry 1', encodeUserControl({ event: 'stream-dry', streamId: 1 }), fmt0Chunk(2, 4, 0, '0002' + '00000001')],
    [
      'set buffer length 1, 3000 ms',
      encodeUserControl({ event: 'set-buffer-length', streamId: 1, bufferLengthMs: 3000 }),
      fmt0Chunk(2, 4, 0, '0003' + '00000001' + '00000bb8'),
    ],
    ['stream is recorded 1', encodeUserControl({ event: 'stream-is-recorded', streamId: 1 }), fmt0Chunk(2, 4, 0, '0004' + '00000001')],
    ['ping request 0x01020304', encodeUserControl({ event: 'ping-request', timestamp: 0x01020304 }), fmt0Chunk(2, 4, 0, '0006' + '01020304')],
    ['ping response 0x01020304', encodeUserControl({ event: 'ping-response', timestamp: 0x01020304 }), fmt0Chunk(2, 4, 0, '0007' + '01020304')],
  ];

  it.each(cases)('%s', (_name, msg, golden) => {
    expect(toHex(new ChunkWriter().write(msg))).toBe(golden);
    // Read back one byte at a time (on a fresh reader, so a Set Chunk Size only changes its own state).
    const got = feedBytewise(new ChunkReader(), Buffer.from(golden, 'hex'));
    expect(got).toHaveLength(1);
    expect(got[0]).toEqual(msg);
    const decoded = decodeMessage(got[0]!);
    const expected: Record<number, unknown> = {
      1: { kind: 'set-chunk-size', chunkSize: 4096 },
      2: { kind: 'abort', chunkStreamId: 6 },
      3: { kind: 'acknowledgement', sequenceNumber: 0xdeadbeef },
      5: { kind: 'window-ack-size', size: 5_000_000 },
    };
    if (msg.typeId in expected) expect(decoded).toEqual(expected[msg.typeId]);
    if (msg.typeId === 6) expect(decoded).toEqual({ kind: 'set-peer-bandwidth', size: 5_000_000, limit: _name.split(' ').at(-1) });
    if (msg.typeId === 4) expect(decoded).toEqual({ kind: 'user-control', event: decodeUserControl(msg.payload) });
  });

  it('refuses truncated payloads of every control type with ProtocolError(rtmp-message)', () => {
    for (const [typeId, length] of [
      [1, 3],
      [2, 3],
      [3, 3],
      [5, 3],
      [6, 4],
      [4, 1],
    ] as const) {
      const e = caught(() => decodeMessage({ chunkStreamId: 2, timestamp: 0, typeId, streamId: 0, payload: new Uint8Array(length) }));
      expect(e).toBeInstanceOf(ProtocolError);
      expect((e as ProtocolError).code).toBe('rtmp-message');
    }
    for (const event of [0, 1, 2, 4, 6, 7]) {
      expect(() => decodeUserControl(Uint8Array.of(0, event, 0, 0, 0))).toThrow(ProtocolError);
    }
    expect(() => decodeUserControl(Uint8Array.of(0, 3, 0, 0, 0, 1, 0, 0, 0))).toThrow(ProtocolError);
  });
});

describe('commands: golden AMF0, commandMessage -> decodeMessage, writer -> reader byte by byte', () => {
  const S = 'cam1';
  const cases: [string, RtmpCommand, number, string][] = [
    [
      'connect',
      connectCommand({ app: 'live', tcUrl: 'rtmp://127.0.0.1/live', flashVer: 'FMLE/3.0' }),
      0,
      amf0.str('connect') +
        amf0.num(1) +
        amf0.object([
          ['app', amf0.str('live')],
          ['type', amf0.str('nonprivate')],
          ['flashVer', amf0.str('FMLE/3.0')],
          ['tcUrl', amf0.str('rtmp://127.0.0.1/live')],
          ['objectEncoding', amf0.num(0)],
        ]),
    ],
    ['releaseStream', releaseStreamCommand(2, S), 0, amf0.str('releaseStream') + amf0.num(2) + amf0.null + amf0.str(S)],
    ['FCPublish', fcPublishCommand(3, S), 0, amf0.str('FCPublish') + amf0.num(3) + amf0.null + amf0.str(S)],
    ['createStream', createStreamCommand(4), 0, amf0.str('createStream') + amf0.num(4) + amf0.null],
    ['publish', publishCommand(5, S), 1, amf0.str('publish') + amf0.num(5) + amf0.null + amf0.str(S) + amf0.str('live')],
    ['FCUnpublish', fcUnpublishCommand(6, S), 0, amf0.str('FCUnpublish') + amf0.num(6) + amf0.null + amf0.str(S)],
    ['deleteStream', deleteStreamCommand(7, 1), 0, amf0.str('deleteStream') + amf0.num(7) + amf0.null + amf0.num(1)],
    ['_result (createStream)', resultCommand(4, null, 1), 0, amf0.str('_result') + amf0.num(4) + amf0.null + amf0.num(1)],
    [
      '_result (connect)',
      resultCommand(1, { fmsVer: 'FMS/3,0,1,123' }, statusInfo('status', StatusCode.ConnectSuccess, 'ok')),
      0,
      amf0.str('_result') +
        amf0.num(1) +
        amf0.object([['fmsVer', amf0.str('FMS/3,0,1,123')]]) +
        amf0.object([
          ['level', amf0.str('status')],
          ['code', amf0.str('NetConnection.Connect.Success')],
          ['description', amf0.str('ok')],
        ]),
    ],
    [
      '_error',
      errorCommand(1, null, statusInfo('error', StatusCode.ConnectRejected, 'no')),
      0,
      amf0.str('_error') +
        amf0.num(1) +
        amf0.null +
        amf0.object([
          ['level', amf0.str('error')],
          ['code', amf0.str('NetConnection.Connect.Rejected')],
          ['description', amf0.str('no')],
        ]),
    ],
    [
      'onStatus',
      onStatusCommand(statusInfo('status', StatusCode.PublishStart, 'go')),
      1,
      amf0.str('onStatus') +
        amf0.num(0) +
        amf0.null +
        amf0.object([
          ['level', amf0.str('status')],
          ['code', amf0.str('NetStream.Publish.Start')],
          ['description', amf0.str('go')],
        ]),
    ],
  ];

  it.each(cases)('%s: golden payload and chunk', (_name, cmd, streamId, payloadHex) => {
    expect(toHex(encodeCommand(cmd))).toBe(payloadHex);
    const msg = commandMessage(cmd, { streamId });
    // §7.1.1 command AMF0 = 20; NetConnection commands on chunk stream 3, NetStream ones on 8 by convention.
    expect([msg.typeId, msg.streamId, msg.chunkStreamId, msg.timestamp]).toEqual([20, streamId, streamId === 0 ? 3 : 8, 0]);
    const golden = fmt0Chunk(msg.chunkStreamId, 20, streamId, payloadHex);
    expect(toHex(new ChunkWriter(0x7fffffff).write(msg))).toBe(golden);
  });

  it.each(cases)('%s: decodeMessage gives the command back', (_name, cmd, streamId) => {
    expect(decodeMessage(commandMessage(cmd, { streamId }))).toEqual({ kind: 'command', streamId, command: cmd });
  });

  it('the whole publish conversation survives ChunkWriter -> ChunkReader one byte at a time, at a small chunk size', () => {
    const writer = new ChunkWriter(16);
    const reader = new ChunkReader({ chunkSize: 16 });
    const sent = cases.map(([, cmd, streamId]) => commandMessage(cmd, { streamId }));
    const got = feedBytewise(reader, Buffer.concat(sent.map((m) => writer.write(m))));
    expect(got).toEqual(sent);
    expect(got.map((m) => decodeMessage(m))).toEqual(cases.map(([, command, streamId]) => ({ kind: 'command', streamId, command })));
  });
});

describe('acknowledgement tracker: exact windows and wrap-around', () => {
  it('is due exactly when each window completes, byte by byte', () => {
    const t = new AcknowledgementTracker();
    t.setWindowSize(100);
    const dueAt: number[] = [];
    for (let i = 1; i <= 1000; i++) {
      const seq = t.received(1);
      if (seq !== undefined) {
        expect(seq).toBe(i);
        dueAt.push(i);
      }
    }
    expect(dueAt).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(t.windowSize).toBe(100);
  });

  it('a read spanning several windows is acknowledged once, and the next window counts from it', () => {
    const t = new AcknowledgementTracker();
    t.setWindowSize(100);
    expect(t.received(99)).toBeUndefined();
    expect(t.received(350)).toBe(449);
    expect(t.received(99)).toBeUndefined();
    expect(t.received(1)).toBe(549);
  });

  it('sequence numbers wrap at 2^32 while windows stay exact across the wrap', () => {
    const t = new AcknowledgementTracker();
    t.setWindowSize(1000);
    expect(t.received(2 ** 32 - 500)).toBe(2 ** 32 - 500);
    expect(t.received(999)).toBeUndefined();
    expect(t.received(1)).toBe(500);
    expect(t.received(1000)).toBe(1500);
    expect(t.bytesReceived).toBe(2 ** 32 + 1500);
  });
});
