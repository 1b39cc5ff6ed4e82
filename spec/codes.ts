// The status codes (状态码) and error codes (错误码) of spec/seed/live-pusher.zh.md as named
// constants, so checks, the reference pusher and the broken variants say STATUS.RECONNECTING
// rather than 1102. The numbers and their meanings live in spec/live-pusher.json; this module
// only names them, and fails to load when a name points at a code the JSON does not have.
import { spec } from './index.ts';

export const STATUS = {
  CONNECTED: 1001,
  PUSH_BEGIN: 1002,
  CAMERA_OPENED: 1003,
  SCREEN_CAPTURE_STARTED: 1004,
  RESOLUTION_CHANGED: 1005,
  BITRATE_CHANGED: 1006,
  FIRST_FRAME: 1007,
  ENCODER_STARTED: 1008,
  ROOM_ENTERED: 1018,
  ROOM_LEFT: 1019,
  ROOM_MEMBERS_CHANGED: 1020,
  ROOM_REENTERING: 1021,
  ROOM_ENTER_FAILED: 1022,
  ROOM_ANCHOR_ENTERED: 1031,
  ROOM_ANCHOR_LEFT: 1032,
  ROOM_ANCHOR_VIDEO: 1033,
  ROOM_ANCHOR_AUDIO: 1034,
  NET_BUSY: 1101,
  RECONNECTING: 1102,
  HW_ENCODER_FALLBACK: 1103,
  VIDEO_ENCODER_RESTART: 1104,
  DNS_FAILED: 3001,
  CONNECT_FAILED: 3002,
  HANDSHAKE_FAILED: 3003,
  SERVER_CLOSED: 3004,
  READ_WRITE_FAILED: 3005,
  MIC_STATE_SWITCHED: 4998,
  MUTE_STATE_SWITCHED: 4999,
  INTERRUPTED: 5001,
  CAMERA_DENIED: 10001,
  MIC_DENIED: 10002,
  BGM_LOAD_FAILED: 10003,
  WAITING_IMAGE_FAILED: 10004,
  CAMERA_OPEN_FAILED: -1301,
  MIC_OPEN_FAILED: -1302,
  VIDEO_ENCODE_FAILED: -1303,
  AUDIO_ENCODE_FAILED: -1304,
  VIDEO_RESOLUTION_UNSUPPORTED: -1305,
  AUDIO_SAMPLE_RATE_UNSUPPORTED: -1306,
  RECONNECT_EXHAUSTED: -1307,
  SCREEN_CAPTURE_FAILED: -1308,
  SCREEN_CAPTURE_OS_UNSUPPORTED: -1309,
  SCREEN_CAPTURE_INTERRUPTED: -1310,
  MIC_NO_DATA: -1311,
  SCREEN_CAPTURE_ROTATE_FAILED: -1312,
  NO_ERROR: 0,
} as const;
export type StatusName = keyof typeof STATUS;
export type StatusCodeNumber = (typeof STATUS)[StatusName];

/** errCode values of binderror (错误码). */
export const ERROR = {
  CAMERA_DENIED: 10001,
  MIC_DENIED: 10002,
  BGM_LOAD_FAILED: 10003,
  WAITING_IMAGE_FAILED: 10004,
} as const;
export type ErrorName = keyof typeof ERROR;
export type ErrorCodeNumber = (typeof ERROR)[ErrorName];

const statusInSpec = new Set(spec.statusCodes.map((c) => c.code));
const errorInSpec = new Set(spec.errorCodes.map((c) => c.code));
for (const [name, code] of Object.entries(STATUS)) {
  if (!statusInSpec.has(code)) throw new Error(`spec/codes.ts: STATUS.${name} = ${code} is not a status code of spec/live-pusher.json`);
}
for (const [name, code] of Object.entries(ERROR)) {
  if (!errorInSpec.has(code)) throw new Error(`spec/codes.ts: ERROR.${name} = ${code} is not an error code of spec/live-pusher.json`);
}
if (statusInSpec.size !== Object.keys(STATUS).length) throw new Error('spec/codes.ts: a status code of spec/live-pusher.json has no name in STATUS');
if (errorInSpec.size !== Object.keys(ERROR).length) throw new Error('spec/codes.ts: an error code of spec/live-pusher.json has no name in ERROR');
