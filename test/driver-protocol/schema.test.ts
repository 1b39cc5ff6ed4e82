// The driver protocol's one schema and its validators (docs/driver-protocol.md "Validation"):
// valid messages pass, each kind of violation names the schema part and the JSON pointer, the
// hello's protocolVersion rules, the rig files, and the committed JSON file matches schema.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRig } from '../../rig/load.ts';
import { EVENT_TYPES, METHOD_NAMES } from '../../spec/index.ts';
import {
  driverProtocolJsonSchema,
  EVENT_DETAIL_SCHEMAS,
  METHOD_RESULT_SCHEMAS,
  PROTOCOL_VERSION,
  REQUEST_METHODS,
  SIDE_CHANNEL_EVENTS,
} from '../../driver-protocol/schema.ts';
import {
  eventDetailProblems,
  methodResultProblems,
  SchemaViolation,
  UnsupportedProtocolVersion,
  validateHelloResult,
  validateIncoming,
  validateRequest,
  validateRig,
} from '../../driver-protocol/validate.ts';
import { SCHEMA_FILE, schemaFileText } from '../../driver-protocol/write-schema.ts';

const CAPS = { attributes: ['url'], methods: ['start'], events: ['statechange'] };

function violation(fn: () => unknown): SchemaViolation {
  try {
    fn();
  } catch (err) {
    if (err instanceof SchemaViolation) return err;
    throw err;
  }
  throw new Error('expected a SchemaViolation');
}

describe('validateIncoming', () => {
  it('accepts replies, error replies and events', () => {
    expect(validateIncoming({ id: 1, result: { errMsg: 'start:ok' } }).kind).toBe('reply');
    expect(validateIncoming({ id: 2, result: null }).kind).toBe('reply');
    expect(validateIncoming({ id: 3, error: { errMsg: 'fps: 45 is not legal', errCode: -1 } }).kind).toBe('error');
    expect(validateIncoming({ id: 4, error: { errMsg: 'no code' } }).kind).toBe('error');
    expect(validateIncoming({ event: 'statechange', detail: { code: 1001, message: 'connected' }, ts: 1732500000123 }).kind).toBe('event');
  });

  it('keeps event detail content out of the envelope (the checks judge it: failed, not broken)', () => {
    expect(validateIncoming({ event: 'statechange', detail: { code: '1001' }, ts: 1 }).kind).toBe('event');
  });

  it.each([
    [{ id: 1 }, 'ResultReply', 'result is missing: expected a value (schema #/$defs/ResultReply at /result)'],
    [{ id: true, result: 1 }, 'ResultReply', 'id is not an integer or a string: true (schema #/$defs/ResultReply at /id)'],
    [{ id: 1, error: { errMsg: 3 } }, 'ErrorReply', 'error.errMsg is not a string: 3 (schema #/$defs/ErrorReply at /error/errMsg)'],
    [{ id: 1, error: 'nope' }, 'ErrorReply', 'error is not an object: "nope" (schema #/$defs/ErrorReply at /error)'],
    [{ event: 'netstatus', detail: {} }, 'EventMessage', 'ts is missing: expected a number (schema #/$defs/EventMessage at /ts)'],
    [{ event: 'netstatus', detail: {}, ts: '12' }, 'EventMessage', 'ts is not a number: "12"'],
    [{ event: '', detail: {}, ts: 1 }, 'EventMessage', 'event is not a non-empty string: ""'],
    [{ event: 'x', ts: 1 }, 'EventMessage', 'detail is missing'],
    [{ hello: 1 }, 'Incoming', 'the line is neither a reply (with "id") nor an event (with "event")'],
    [[1, 2], 'Incoming', 'the line is not a JSON object (a reply or an event): [1,2]'],
  ])('%j -> violation of %s naming the path', (msg, ref, text) => {
    const v = violation(() => validateIncoming(msg));
    expect(v.schemaRef).toBe(ref);
    expect(v.message).toContain(text);
  });
});

describe('validateHelloResult', () => {
  it('accepts a hello with protocolVersion, no warning', () => {
    const r = validateHelloResult({ name: 'x', version: '1', protocolVersion: PROTOCOL_VERSION, capabilities: CAPS });
    expect(r.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(r.warnings).toEqual([]);
  });

  it('reads a hello without protocolVersion as version 1, with a warning saying what to add', () => {
    const r = validateHelloResult({ name: 'x', version: '1', capabilities: CAPS });
    expect(r.protocolVersion).toBe(1);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('"protocolVersion": 1');
  });

  it('refuses another protocol version, naming both', () => {
    expect(() => validateHelloResult({ name: 'x', version: '1', protocolVersion: 2, capabilities: CAPS })).toThrow(UnsupportedProtocolVersion);
    expect(() => validateHelloResult({ name: 'x', version: '1', protocolVersion: 2, capabilities: CAPS })).toThrow(/protocolVersion 2 is not supported: this bench speaks driver protocol version 1/);
  });

  it('names a malformed protocolVersion at /result/protocolVersion', () => {
    const v = violation(() => validateHelloResult({ name: 'x', version: '1', protocolVersion: '1', capabilities: CAPS }));
    expect(v.message).toContain('protocolVersion is not an integer >= 1: "1" (schema #/$defs/HelloResult at /result/protocolVersion)');
  });

  it('lists every malformed part, a whitespace-only name included', () => {
    const v = violation(() => validateHelloResult({ name: '  ', version: '1', capabilities: { attributes: [], methods: 'start', events: [1] } }));
    expect(v.message).toContain('name is not a non-empty string: "  "');
    expect(v.message).toContain('capabilities.methods is not an array: "start"');
    expect(v.message).toContain('capabilities.events[0] is not a string: 1');
  });
});

describe('requests, rig, details and results', () => {
  it('validates each request method and the rig inside create', () => {
    const rig = loadRig();
    for (const req of [
      { id: 1, method: 'hello' },
      { id: 2, method: 'create', params: { attrs: { url: 'rtmp://h/live/s' }, rig } },
      { id: 3, method: 'update', params: { attrs: { mirror: true } } },
      { id: 4, method: 'call', params: { name: 'start', args: {} } },
      { id: 5, method: 'dispose' },
    ]) expect(() => validateRequest(req)).not.toThrow();
    expect(REQUEST_METHODS).toEqual(['hello', 'create', 'update', 'call', 'bench', 'dispose']);
  });

  it('the default rig and a materialized one match the Rig schema; an unknown key does not', () => {
    const rig = loadRig();
    expect(() => validateRig(rig)).not.toThrow();
    expect(() => validateRig({ ...rig, camera: { ...rig.camera, front: { kind: 'synthetic', url: 'rtmp://127.0.0.1:1935/live/lpb-source-x' } } })).not.toThrow();
    const v = violation(() => validateRig({ ...rig, extra: 1 }));
    expect(v.schemaRef).toBe('Rig');
  });

  it('has a detail schema for every spec event and a result schema for every spec method', () => {
    expect(Object.keys(EVENT_DETAIL_SCHEMAS).sort()).toEqual([...EVENT_TYPES].sort());
    expect(Object.keys(METHOD_RESULT_SCHEMAS).sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('judges details and results by the spec shapes', () => {
    expect(eventDetailProblems('statechange', { code: 1001, message: 'ok' })).toEqual([]);
    expect(eventDetailProblems('statechange', { code: '1001' }).map((p) => p.path).sort()).toEqual(['/code', '/message']);
    expect(eventDetailProblems('error', { errCode: 10001 })[0]!.message).toBe('is missing: expected a string');
    expect(methodResultProblems('snapshot', { tempImagePath: '/tmp/a.png', width: 360, height: 640 })).toEqual([]);
    expect(methodResultProblems('snapshot', { width: 360, height: 640 })[0]!.path).toBe('/tempImagePath');
  });

  it('judges custom rendering\'s canvas and side-channel events, which are no spec events', () => {
    expect([...SIDE_CHANNEL_EVENTS]).toEqual(['customrendererframe', 'customrendererupdate']);
    for (const e of SIDE_CHANNEL_EVENTS) expect(EVENT_TYPES as readonly string[]).not.toContain(e);
    const canvas = { errMsg: 'createOffscreenCanvas:ok', path: '/tmp/c.rgb24', width: 360, height: 640, format: 'rgb24' };
    expect(methodResultProblems('createOffscreenCanvas', canvas)).toEqual([]);
    expect(methodResultProblems('createOffscreenCanvas', { ...canvas, format: 'rgba' })[0]!.path).toBe('/format');
    expect(eventDetailProblems('customrendererframe', { width: 360, height: 640, timestamp: 1, path: '/tmp/f.rgb24', format: 'rgb24' })).toEqual([]);
    expect(eventDetailProblems('customrendererframe', { width: 360, height: 640, timestamp: 1, format: 'rgb24' })[0]!.path).toBe('/path');
    expect(eventDetailProblems('customrendererupdate', { width: 360, height: 640 })).toEqual([]);
    expect(eventDetailProblems('customrendererupdate', { width: '360', height: 640 })[0]!.path).toBe('/width');
    const defs = driverProtocolJsonSchema().$defs as Record<string, unknown>;
    for (const e of SIDE_CHANNEL_EVENTS) expect(defs, e).toHaveProperty(`EventDetail_${e}`);
  });
});

describe('the JSON Schema document', () => {
  it('is one draft 2020-12 document with every part under $defs', () => {
    const doc = driverProtocolJsonSchema();
    expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const defs = Object.keys(doc.$defs as object);
    for (const name of ['Rig', 'Request', 'Reply', 'ResultReply', 'ErrorReply', 'HelloResult', 'EventMessage', 'Incoming']) expect(defs).toContain(name);
    for (const e of EVENT_TYPES) expect(defs).toContain(`EventDetail_${e}`);
    for (const m of METHOD_NAMES) expect(defs).toContain(`MethodResult_${m}`);
  });

  it('driver-protocol.schema.json is what schema.ts generates (run npx tsx driver-protocol/write-schema.ts)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaFileText());
  });
});
