// docs/driver-protocol.md is the contract a third party writes a driver from: it must name every
// request method, event, method and schema part the schema has, state the timeouts the client
// really uses, and the protocol version.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HELLO_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_START_TIMEOUT_MS,
  DISPOSE_REPLY_TIMEOUT_MS,
  EXIT_GRACE_MS,
  STDERR_SETTLE_MS,
} from '../../conformance/iut-client.ts';
import { driverProtocolJsonSchema, EVENT_DETAIL_SCHEMAS, METHOD_RESULT_SCHEMAS, PROTOCOL_VERSION, REQUEST_METHODS, SIDE_CHANNEL_EVENTS } from '../../driver-protocol/schema.ts';

const DOC = readFileSync(new URL('../../docs/driver-protocol.md', import.meta.url), 'utf8');
/** $defs entries named per event / per method: the doc names the pattern and each event / method. */
const PER_NAME_DEF = /^(EventDetail|MethodResult)_/;

describe('docs/driver-protocol.md', () => {
  it.each(REQUEST_METHODS)('documents the request %s with an example', (method) => {
    expect(DOC).toContain(`### ${method}`);
    expect(DOC).toContain(`"method":"${method}"`);
  });

  it.each([...Object.keys(EVENT_DETAIL_SCHEMAS), ...SIDE_CHANNEL_EVENTS])('documents the event %s', (event) => {
    expect(DOC).toContain(`\`${event}\``);
  });

  it('names every method of the spec and every schema part', () => {
    for (const m of Object.keys(METHOD_RESULT_SCHEMAS)) expect(DOC, m).toMatch(new RegExp(`\\b${m}\\b`));
    const defs = Object.keys(driverProtocolJsonSchema().$defs as object).filter((d) => !PER_NAME_DEF.test(d));
    for (const d of defs) expect(DOC, d).toContain(`\`${d}\``);
    expect(DOC).toContain('`EventDetail_<event>`');
    expect(DOC).toContain('`MethodResult_<name>`');
  });

  it('states the timeouts the client uses', () => {
    for (const [name, ms] of Object.entries({ DEFAULT_START_TIMEOUT_MS, DEFAULT_HELLO_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, DISPOSE_REPLY_TIMEOUT_MS, EXIT_GRACE_MS, STDERR_SETTLE_MS })) {
      expect(DOC, name).toMatch(new RegExp(`\\| ${ms / 1000} s \\(${ms} ms\\)[^|]*\\| \`${name}\`|${ms} ms[^|]*\\| \`${name}\``));
    }
  });

  it('states the protocol version and the rules for a missing or other version', () => {
    expect(DOC).toContain(`"protocolVersion":${PROTOCOL_VERSION}`);
    expect(DOC).toContain('## Versioning');
    expect(DOC).toContain('**without** `protocolVersion`');
  });
});
