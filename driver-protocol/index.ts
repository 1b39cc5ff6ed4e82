// The IUT driver protocol as a published contract (docs/driver-protocol.md): the one schema,
// the types derived from it, and the validators the bench applies to every driver line.
export * from './schema.ts';
export type * from './types.ts';
export * from './validate.ts';
