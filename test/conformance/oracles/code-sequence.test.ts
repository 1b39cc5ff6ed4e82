// The status-code sequence judge of conformance/tests/support/codes.ts: the codes due for known
// connection attempts, and exact judging (device codes beside, no extra code anywhere).
import { describe, expect, it } from 'vitest';
import { AssertionError } from 'node:assert';
import { describeCode, expectCodeSequence, expectedConnectionCodes, RETRY_COUNT, RETRY_INTERVAL_MS, withoutUplinkAdaptation } from '../../../conformance/tests/support/codes.ts';

const HANDSHAKE_FAIL = { connected: false, published: false, failure: 3003 };
const PUBLISH_REJECTED = { connected: true, published: false, failure: 3004 };

function judged(reported: number[], expected: number[]): string | undefined {
  try {
    expectCodeSequence('codes', reported, expected);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(AssertionError);
    return (err as Error).message;
  }
}

describe('status code sequences', () => {
  it('uses the vendor retry defaults from spec/', () => {
    expect(RETRY_COUNT).toBe(3);
    expect(RETRY_INTERVAL_MS).toBe(3000);
  });

  it('lists per attempt 1001/1002 as reached, the failure, then 1102 or (last, given up) -1307', () => {
    expect(expectedConnectionCodes([HANDSHAKE_FAIL, HANDSHAKE_FAIL])).toEqual([3003, 1102, 3003, 1102]);
    expect(expectedConnectionCodes([PUBLISH_REJECTED, PUBLISH_REJECTED], true)).toEqual([1001, 3004, 1102, 1001, 3004, -1307]);
    expect(expectedConnectionCodes([{ connected: true, published: true, failure: 3005 }, { connected: true, published: true }])).toEqual([1001, 1002, 3005, 1102, 1001, 1002]);
  });

  it('accepts the expected codes with the device codes anywhere beside them, in their order', () => {
    expect(judged([1003, 1007, 1008, 3003, 1102], [3003, 1102])).toBeUndefined();
    expect(judged([1003, 3003, 1007, 1102, 1008], [3003, 1102])).toBeUndefined();
  });

  it('fails an extra failure code, naming it with its spec meaning', () => {
    const msg = judged([1003, 1007, 1008, 3003, 3005, 1102], [3003, 1102]);
    expect(msg).toContain('connection code #2 is 3005');
    expect(msg).toContain(describeCode(1102));
  });

  it('fails a missing code, a trailing extra code and an undocumented code', () => {
    expect(judged([1003, 1007, 1008, 3003], [3003, 1102])).toContain('is nothing');
    expect(judged([1003, 1007, 1008, 3003, 1102, -1307], [3003, 1102])).toContain('expected no further code');
    expect(judged([1003, 1007, 1008, 3003, 1102, 4242], [3003, 1102])).toContain('not a documented status code');
  });

  it('fails device codes out of order or repeated', () => {
    expect(judged([1007, 1003, 1008, 3003, 1102], [3003, 1102])).toContain('device codes 1007 1003 1008');
    expect(judged([1003, 1007, 1008, 1003, 3003, 1102], [3003, 1102])).toContain('device codes');
  });

  it('the device checks leave out the uplink codes of a live push, not those after the push gave up', () => {
    expect(withoutUplinkAdaptation([1001, 1002, 1006, 1104, 1101, 1104, -1303])).toEqual([1001, 1002, 1104, 1104, -1303]);
    expect(withoutUplinkAdaptation([1001, 1002, 1104, -1303, 1006])).toEqual([1001, 1002, 1104, -1303, 1006]);
    expect(judged(withoutUplinkAdaptation([1001, 1002, 1104, -1303, 1101]), [1001, 1002, 1104, -1303])).toBeDefined();
  });
});
