// The driver protocol's version, apart from the schema (schema.ts) so that a driver that only
// states its version (reference-pusher/driver.ts) does not load TypeBox: half a second of every
// driver start, and a conformance run starts a driver per check.

/** The protocol version this bench speaks (hello.result.protocolVersion). */
export const PROTOCOL_VERSION = 1;
