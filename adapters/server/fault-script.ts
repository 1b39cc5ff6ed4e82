// The fault scripts of the scriptable RTMP fault server (docs/architecture.md "How to add a fault": a server
// that breaks the handshake, rejects or drops the publish, resets and stalls mid-stream). Each
// script names the status code it is built to provoke in the pusher under test
// (live-pusher.zh.md 状态码 3003 握手失败, 3004 服务器主动断开, 3005 读/写失败; context-api.md
// "Status codes": 3004 is "often a bad signature or the stream name already in use"). Scripts are
// data; fault-connection.ts acts on them, fault-bytes.ts makes their malformed bytes.
import { STATUS } from '../../spec/codes.ts';

/** How `malformed-chunk` breaks the chunk layer. */
export const MALFORMED_CHUNK_VARIANTS = ['orphan-continuation', 'interleaved-header', 'bad-chunk-size'] as const;
export type MalformedChunkVariant = (typeof MALFORMED_CHUNK_VARIANTS)[number];
/** How `bad-amf-reply` breaks a reply's AMF0 body. */
export const BAD_AMF_VARIANTS = ['truncated', 'unknown-marker'] as const;
export type BadAmfVariant = (typeof BAD_AMF_VARIANTS)[number];
/** Which command `bad-amf-reply` answers badly. */
export const BAD_AMF_COMMANDS = ['connect', 'createStream', 'publish'] as const;
export type BadAmfCommand = (typeof BAD_AMF_COMMANDS)[number];

export type FaultScript =
  /** Answers C0 with an S0 of a wrong version (6, RTMPE) and S1, then closes: handshake failure (3003). */
  | { kind: 'bad-handshake' }
  /** Reads `afterBytes` of the handshake (default C0+C1, 1537), then closes the socket without
   *  answering (3003). */
  | { kind: 'close-in-handshake'; afterBytes?: number }
  /** Full handshake, then connect -> _error NetConnection.Connect.Rejected (3004). */
  | { kind: 'reject-connect' }
  /** Full handshake, connect and createStream results, then publish -> onStatus level 'error'
   *  with `code` (default NetStream.Publish.BadName) (3004). */
  | { kind: 'reject-publish'; code?: string }
  /** Publish -> a _error reply (level 'error', NetStream.Publish.BadName) instead of onStatus (3004). */
  | { kind: 'error-publish' }
  /** Like node-media-server refusing a publish: closes the socket (FIN) when publish arrives (3004). */
  | { kind: 'close-on-publish' }
  /** Accepts the publish (NetStream.Publish.Start), reads media, ends the socket cleanly (FIN)
   *  `afterMs` after the publish (3004). */
  | { kind: 'accept-then-close'; afterMs: number }
  /** Same, then destroys the socket with a TCP RST `afterMs` after the publish (3005). */
  | { kind: 'accept-then-reset'; afterMs: number }
  /** Same, then stops reading `afterMs` after the publish, so the client's writes back up (3005/1101). */
  | { kind: 'accept-then-stall'; afterMs: number }
  /** Accepts the publish, then `afterMs` later (default 0) sends bytes that break the chunk layer
   *  (3005): 'orphan-continuation' (default; a fmt 3 chunk on a chunk stream never opened),
   *  'interleaved-header' (a new message header on a chunk stream whose message is incomplete),
   *  'bad-chunk-size' (Set Chunk Size 0). The socket stays open: the client must notice. */
  | { kind: 'malformed-chunk'; variant?: MalformedChunkVariant; afterMs?: number }
  /** Answers `command` (default connect) with a reply whose AMF0 body is malformed (3005):
   *  'truncated' (default; the body cut short) or 'unknown-marker' (a value of type marker 0x7f).
   *  The chunk framing is correct; only the AMF0 inside is not. */
  | { kind: 'bad-amf-reply'; variant?: BadAmfVariant; command?: BadAmfCommand }
  /** The stream name already in use (nginx-rtmp's "already publishing"): a publish of a name that
   *  another connection publishes, or published less than `holdMs` ago (default 0: until that
   *  connection closes), is refused with onStatus NetStream.Publish.BadName (3004); otherwise
   *  the publish is accepted. */
  | { kind: 'busy-name'; holdMs?: number }
  /** Accepts the publish, then ends the socket (FIN) once `bytes` bytes arrived after the publish
   *  command (3004). */
  | { kind: 'close-after-bytes'; bytes: number }
  /** Same, with a TCP RST (3005). */
  | { kind: 'reset-after-bytes'; bytes: number }
  /** A well-behaved minimal publish server. */
  | { kind: 'accept' };

export type FaultKind = FaultScript['kind'];

/** The status code (live-pusher.zh.md 状态码) each script is meant to provoke; `accept` provokes none. */
export const EXPECTED_STATUS_CODE: Readonly<Record<FaultKind, number | undefined>> = {
  'bad-handshake': STATUS.HANDSHAKE_FAILED,
  'close-in-handshake': STATUS.HANDSHAKE_FAILED,
  'reject-connect': STATUS.SERVER_CLOSED,
  'reject-publish': STATUS.SERVER_CLOSED,
  'error-publish': STATUS.SERVER_CLOSED,
  'close-on-publish': STATUS.SERVER_CLOSED,
  'accept-then-close': STATUS.SERVER_CLOSED,
  'accept-then-reset': STATUS.READ_WRITE_FAILED,
  'accept-then-stall': STATUS.READ_WRITE_FAILED,
  'malformed-chunk': STATUS.READ_WRITE_FAILED,
  'bad-amf-reply': STATUS.READ_WRITE_FAILED,
  'busy-name': STATUS.SERVER_CLOSED,
  'close-after-bytes': STATUS.SERVER_CLOSED,
  'reset-after-bytes': STATUS.READ_WRITE_FAILED,
  accept: undefined,
};

/** Throws a RangeError for an unknown kind, or a delay or byte count out of range. */
export function validateFaultScript(script: FaultScript): void {
  if (!(script.kind in EXPECTED_STATUS_CODE)) throw new RangeError(`unknown fault script kind ${String(script.kind)}`);
  if ('afterMs' in script && script.afterMs !== undefined && !(Number.isFinite(script.afterMs) && script.afterMs >= 0)) {
    throw new RangeError(`${script.kind}: afterMs must be a finite number >= 0, got ${script.afterMs}`);
  }
  if ('afterBytes' in script && script.afterBytes !== undefined && !(Number.isInteger(script.afterBytes) && script.afterBytes >= 1)) {
    throw new RangeError(`${script.kind}: afterBytes must be an integer >= 1, got ${script.afterBytes}`);
  }
  if ('holdMs' in script && script.holdMs !== undefined && !(Number.isFinite(script.holdMs) && script.holdMs >= 0)) {
    throw new RangeError(`${script.kind}: holdMs must be a finite number >= 0, got ${script.holdMs}`);
  }
  if ('bytes' in script && !(Number.isInteger(script.bytes) && script.bytes >= 1)) {
    throw new RangeError(`${script.kind}: bytes must be an integer >= 1, got ${script.bytes}`);
  }
  if (script.kind === 'malformed-chunk') oneOf(script.kind, 'variant', script.variant, MALFORMED_CHUNK_VARIANTS);
  if (script.kind === 'bad-amf-reply') {
    oneOf(script.kind, 'variant', script.variant, BAD_AMF_VARIANTS);
    oneOf(script.kind, 'command', script.command, BAD_AMF_COMMANDS);
  }
}

function oneOf(kind: string, key: string, value: unknown, legal: readonly string[]): void {
  if (value !== undefined && !legal.includes(value as string)) {
    throw new RangeError(`${kind}: ${key} ${JSON.stringify(value)} is not legal; expected one of ${legal.join(', ')}`);
  }
}
