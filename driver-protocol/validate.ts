// Validation of what a driver writes against the one schema (schema.ts; docs/driver-protocol.md
// "Validation"). Every stdout line is parsed and checked as a reply or an event envelope; a
// hello result is checked against HelloResult. A violation names the schema part ($defs name),
// the JSON pointer of the offending value inside the message, and what was expected.
import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import {
  ASSUMED_PROTOCOL_VERSION,
  ErrorReplySchema,
  EVENT_DETAIL_SCHEMAS,
  EventMessageSchema,
  HelloResultSchema,
  METHOD_RESULT_SCHEMAS,
  PROTOCOL_VERSION,
  RequestSchema,
  ResultReplySchema,
  RigSchema,
  SIDE_CHANNEL_EVENT_SCHEMAS,
} from './schema.ts';
import type { ErrorReply, EventMessage, HelloResult, ResultReply } from './types.ts';

/** Longest value quoted in a violation. */
const QUOTE_MAX_CHARS = 120;
/** Most distinct problems listed in one violation. */
const PROBLEMS_LISTED = 5;

export interface SchemaProblem {
  /** JSON pointer inside the validated value ('' = the value itself). */
  path: string;
  /** What the value fails to be, in words: "is not an array: \"x\"", "is missing: expected a string". */
  message: string;
  value: unknown;
}

/** A value that does not match its part of the schema. */
export class SchemaViolation extends Error {
  constructor(
    /** The $defs name of the schema part (e.g. "ErrorReply"). */
    readonly schemaRef: string,
    readonly problems: SchemaProblem[],
    /** Where the value sits in its message, prefixed to each problem path (e.g. "/result"). */
    readonly at = '',
    /** What the value is, in words, for a problem with the value itself. */
    readonly subject = 'the line',
  ) {
    super(
      problems
        .slice(0, PROBLEMS_LISTED)
        .map((p) => `${dotted(p.path) || subject} ${p.message} (schema #/$defs/${schemaRef} at ${at}${p.path || (at ? '' : '/')})`)
        .join('; ') + (problems.length > PROBLEMS_LISTED ? `; and ${problems.length - PROBLEMS_LISTED} more` : ''),
    );
    this.name = 'SchemaViolation';
  }
}

/** "/capabilities/events/1" -> "capabilities.events[1]". */
function dotted(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function quoteValue(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > QUOTE_MAX_CHARS ? `${s.slice(0, QUOTE_MAX_CHARS)}...` : s;
}

/** What a schema asks for, as a noun phrase. */
function expected(schema: Record<string, unknown>): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Record<string, unknown>[]).map(expected).join(' or ');
  switch (schema.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return typeof schema.minLength === 'number' && schema.minLength > 0 ? 'a non-empty string' : 'a string';
    case 'integer':
      return typeof schema.minimum === 'number' ? `an integer >= ${schema.minimum}` : 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'a value';
  }
}

/** The problems of `value` against `schema`, the first per path (none when it is valid). */
export function schemaProblems(schema: TSchema, value: unknown): SchemaProblem[] {
  if (Value.Check(schema, value)) return [];
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of Value.Errors(schema, value)) {
    if (seen.has(e.path)) continue;
    seen.add(e.path);
    const noun = expected(e.schema as Record<string, unknown>);
    const message = e.type === ValueErrorType.ObjectRequiredProperty || e.value === undefined ? `is missing: expected ${noun}` : `is not ${noun}: ${quoteValue(e.value)}`;
    out.push({ path: e.path, message, value: e.value });
  }
  return out;
}

function check<T>(schema: TSchema, ref: string, value: unknown, at = '', subject?: string): T {
  const problems = schemaProblems(schema, value);
  if (problems.length) throw new SchemaViolation(ref, problems, at, subject);
  return value as T;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type IncomingMessage = { kind: 'event'; message: EventMessage } | { kind: 'reply'; message: ResultReply } | { kind: 'error'; message: ErrorReply };

/**
 * Classifies a parsed stdout line and validates it: a line with `event` is an EventMessage, one
 * with `error` an ErrorReply, any other a ResultReply. Throws SchemaViolation.
 */
export function validateIncoming(msg: unknown): IncomingMessage {
  if (!isObject(msg)) throw new SchemaViolation('Incoming', [{ path: '', message: `is not a JSON object (a reply or an event): ${quoteValue(msg)}`, value: msg }]);
  if ('event' in msg) return { kind: 'event', message: check<EventMessage>(EventMessageSchema, 'EventMessage', msg, '', 'the event') };
  if (!('id' in msg)) {
    throw new SchemaViolation('Incoming', [{ path: '', message: 'is neither a reply (with "id") nor an event (with "event")', value: msg }]);
  }
  if ('error' in msg) return { kind: 'error', message: check<ErrorReply>(ErrorReplySchema, 'ErrorReply', msg, '', 'the reply') };
  return { kind: 'reply', message: check<ResultReply>(ResultReplySchema, 'ResultReply', msg, '', 'the reply') };
}

export interface ValidHello {
  hello: HelloResult;
  /** The version spoken: hello.protocolVersion, or ASSUMED_PROTOCOL_VERSION when absent. */
  protocolVersion: number;
  /** Said once to the user (e.g. no protocolVersion). */
  warnings: string[];
}

/** A driver speaks a protocol version this bench does not. */
export class UnsupportedProtocolVersion extends Error {
  constructor(readonly version: number) {
    super(`hello.protocolVersion ${version} is not supported: this bench speaks driver protocol version ${PROTOCOL_VERSION} (docs/driver-protocol.md "Versioning")`);
    this.name = 'UnsupportedProtocolVersion';
  }
}

/** Validates a hello result (at "/result" of its reply); throws SchemaViolation or UnsupportedProtocolVersion. */
export function validateHelloResult(result: unknown): ValidHello {
  const hello = check<HelloResult>(HelloResultSchema, 'HelloResult', result, '/result', 'hello result');
  const warnings: string[] = [];
  if (hello.protocolVersion === undefined) {
    warnings.push(
      `the driver's hello has no protocolVersion: read as driver protocol version ${ASSUMED_PROTOCOL_VERSION}; ` +
        `add "protocolVersion": ${PROTOCOL_VERSION} to the hello result (docs/driver-protocol.md "Versioning")`,
    );
  } else if (hello.protocolVersion !== PROTOCOL_VERSION) {
    throw new UnsupportedProtocolVersion(hello.protocolVersion);
  }
  return { hello, protocolVersion: hello.protocolVersion ?? ASSUMED_PROTOCOL_VERSION, warnings };
}

/** Validates a request the bench is about to send (the bench's own side of the contract). */
export function validateRequest(req: unknown): void {
  check(RequestSchema, 'Request', req);
}

/** Validates a rig as passed in create.params.rig. */
export function validateRig(rig: unknown): void {
  check(RigSchema, 'Rig', rig);
}

/** The problems of an event's detail against the spec's shape (or the side channel's); [] for an
 *  event neither has. */
export function eventDetailProblems(event: string, detail: unknown): SchemaProblem[] {
  const schemas: Record<string, TSchema> = { ...EVENT_DETAIL_SCHEMAS, ...SIDE_CHANNEL_EVENT_SCHEMAS };
  const schema = Object.hasOwn(schemas, event) ? schemas[event] : undefined;
  return schema ? schemaProblems(schema, detail) : [];
}

/** The problems of a method's success payload against context-api.md's shape. */
export function methodResultProblems(method: string, result: unknown): SchemaProblem[] {
  const schema = (METHOD_RESULT_SCHEMAS as Record<string, TSchema>)[method];
  return schema ? schemaProblems(schema, result) : [];
}
