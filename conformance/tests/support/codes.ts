// Whole status-code sequences, judged exactly: the codes a conformant pusher reports for a push
// whose connection attempts went as the server saw them, against every code the IUT reported.
// Device codes (1003 camera, 1007 first frame, 1008 encoder) run beside the connection and are
// judged as their own ordered list; every other code must be exactly the expected one in place,
// so an extra failure code anywhere fails. Meanings come from spec/ (statusCode()).
// Spec: live-pusher.zh.md 状态码; context-api.md "Status codes: what triggers them" (1001 = TCP +
// RTMP connect, 1002 pushing begins, 300x retried, 1102 reconnecting, -1307 retries spent).
import { STATUS } from '../../../spec/codes.ts';
import { findStatusCode, retry } from '../../../spec/index.ts';
import { fail } from './expect.ts';

/** Codes of the local devices at start, in their order (context-api.md). */
export const DEVICE_CODES: readonly number[] = [STATUS.CAMERA_OPENED, STATUS.FIRST_FRAME, STATUS.ENCODER_STARTED];
/**
 * Codes of the uplink's bitrate adaptation (live-pusher.zh.md 1006 bitrate adjusted, 1101 network
 * insufficient). A pusher may report them at any time its send queue backs up (a loaded machine
 * does); the device checks leave them out of the sequences they judge (withoutUplinkAdaptation),
 * the uplink checks judge them.
 */
export const UPLINK_ADAPTATION_CODES: readonly number[] = [STATUS.BITRATE_CHANGED, STATUS.NET_BUSY];

/** The codes without the uplink's adaptation codes that came while the push was alive: after the
 *  first fatal (negative) code the push is over, so a 1006 or 1101 there stays and is judged. */
export function withoutUplinkAdaptation(codes: readonly number[]): number[] {
  const fatal = codes.findIndex((c) => c < 0);
  return codes.filter((c, i) => (fatal >= 0 && i > fatal) || !UPLINK_ADAPTATION_CODES.includes(c));
}
export const CONNECTED = STATUS.CONNECTED;
export const PUBLISHING = STATUS.PUSH_BEGIN;
export const RECONNECTING = STATUS.RECONNECTING;
export const GAVE_UP: number = retry.giveUpCode;
/** Retries a conformant pusher makes before giving up, and their spacing (vendor defaults). */
export const RETRY_COUNT: number = retry.count.default;
export const RETRY_INTERVAL_MS: number = retry.intervalSeconds.default * 1000;
/** Allowed error on the retry spacing as the server sees it. */
export const RETRY_SPACING_TOLERANCE_MS = 500;

/** How one connection attempt ended, as the server made it end. */
export interface AttemptOutcome {
  /** The RTMP connect succeeded (1001 is due). */
  connected: boolean;
  /** The publish was accepted (1002 is due). */
  published: boolean;
  /** The failure code the attempt ends with; undefined while it is still up. */
  failure?: number;
}

/**
 * The connection codes due for these attempts: per attempt 1001 / 1002 as reached, then its
 * failure code followed by 1102 (another try comes) or, after the last, -1307 when `gaveUp`.
 */
export function expectedConnectionCodes(attempts: readonly AttemptOutcome[], gaveUp = false): number[] {
  const codes: number[] = [];
  attempts.forEach((a, i) => {
    if (a.connected) codes.push(CONNECTED);
    if (a.published) codes.push(PUBLISHING);
    if (a.failure === undefined) return;
    codes.push(a.failure);
    codes.push(gaveUp && i === attempts.length - 1 ? GAVE_UP : RECONNECTING);
  });
  return codes;
}

/** "3004 (RTMP server closed the connection ...)" for messages. */
export function describeCode(code: number): string {
  const row = findStatusCode(code);
  return `${code} (${row ? row.meaning : 'not a documented status code'})`;
}

function describeList(codes: readonly number[]): string {
  return codes.length === 0 ? 'none' : codes.join(' ');
}

/** The device codes and the rest, each in the order reported. */
export function splitCodes(codes: readonly number[]): { device: number[]; connection: number[] } {
  return { device: codes.filter((c) => DEVICE_CODES.includes(c)), connection: codes.filter((c) => !DEVICE_CODES.includes(c)) };
}

/**
 * Fails unless the device codes are exactly 1003 1007 1008 and the other codes are exactly
 * `expected`; the message names the first code out of place with its spec meaning.
 */
export function expectCodeSequence(what: string, reported: readonly number[], expected: readonly number[]): void {
  const { device, connection } = splitCodes(reported);
  const all = `reported ${describeList(reported)}`;
  if (device.join(' ') !== DEVICE_CODES.join(' ')) {
    fail(`${what}: device codes ${describeList(device)}, expected ${DEVICE_CODES.join(' ')} once each in this order (${all})`);
  }
  const n = Math.max(connection.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (connection[i] === expected[i]) continue;
    const got = connection[i] === undefined ? 'nothing' : describeCode(connection[i]!);
    const want = expected[i] === undefined ? 'no further code' : describeCode(expected[i]!);
    fail(`${what}: connection code #${i + 1} is ${got}, expected ${want}; expected connection codes ${describeList(expected)} (${all})`);
  }
}
