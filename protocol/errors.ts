// Typed protocol errors. Every parser in protocol/ throws only ProtocolError (or a subclass):
// the fuzz tests hold them to that, so a session can tell bad bytes from a bug.

export type ProtocolErrorCode =
  | 'amf0'
  | 'flv'
  | 'avc'
  | 'aac'
  | 'rtmp-handshake'
  | 'rtmp-chunk'
  | 'rtmp-message'
  | 'rtmp-command'
  | 'limit';

export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    /** Byte offset in the input where the problem was seen, when known. */
    readonly offset?: number,
  ) {
    super(`${code}: ${message}${offset === undefined ? '' : ` (at byte ${offset})`}`);
    this.name = 'ProtocolError';
  }
}
