// The fault scripts of the scriptable RTMP fault server (docs/architecture.md "How to add a fault": a server
// that breaks the handshake, rejects or drops the publish, resets and stalls mid-stream). Each
// script names the status code it is built to provoke in the pusher under test
// (live-pusher.zh.md 状态码 3003 握手失败, 3004 服务器主动断开, 3005 读/写失败; context-api.md
// "Status codes"). Scripts are data; fault-connection.ts acts on them.

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
  /** A well-behaved minimal publish server. */
  | { kind: 'accept' };

export type FaultKind = FaultScript['kind'];

/** The status code (live-pusher.zh.md 状态码) each script is meant to provoke; `accept` provokes none. */
export const EXPECTED_STATUS_CODE: Readonly<Record<FaultKind, number | undefined>> = {
  'bad-handshake': 3003,
  'close-in-handshake': 3003,
  'reject-connect': 3004,
  'reject-publish': 3004,
  'error-publish': 3004,
  'close-on-publish': 3004,
  'accept-then-close': 3004,
  'accept-then-reset': 3005,
  'accept-then-stall': 3005,
  accept: undefined,
};

/** Throws a RangeError for an unknown kind, or a delay or byte count out of range. */
export function validateFaultScript(script: FaultScript): void {
  if (!(script.kind in EXPECTED_STATUS_CODE)) throw new RangeError(`unknown fault script kind ${String(script.kind)}`);
  if ('afterMs' in script && !(Number.isFinite(script.afterMs) && script.afterMs >= 0)) {
    throw new RangeError(`${script.kind}: afterMs must be a finite number >= 0, got ${script.afterMs}`);
  }
  if ('afterBytes' in script && script.afterBytes !== undefined && !(Number.isInteger(script.afterBytes) && script.afterBytes >= 1)) {
    throw new RangeError(`${script.kind}: afterBytes must be an integer >= 1, got ${script.afterBytes}`);
  }
}
