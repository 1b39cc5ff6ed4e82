// Broken variants for the device-fault checks (conformance/tests/devices; see variant-kit.ts):
// wrong or extra device codes, a camera or microphone failure hidden by pushing without the
// device, source limits ignored, an encoder that is not really restarted or whose restart starts time over, and
// interruptions that are ignored, half-done or never end.
import { STATUS } from '../../../spec/codes.ts';
import type { OutgoingMedia } from '../../../reference-pusher/live-pusher.ts';
import type { BrokenVariant, Json } from './variant-kit.ts';

function statechange(msg: Json, code: number): Json {
  const d = msg['detail'] as Json;
  return { ...msg, detail: { ...d, code, message: `code ${code}` } };
}

function code(msg: Json): number | undefined {
  return msg['event'] === 'statechange' ? Number((msg['detail'] as Json)['code']) : undefined;
}

/** Each device failure code and the one the swapping variant reports instead. */
const SWAPPED = new Map<number, number>([
  [STATUS.CAMERA_OPEN_FAILED, STATUS.MIC_OPEN_FAILED],
  [STATUS.MIC_OPEN_FAILED, STATUS.CAMERA_OPEN_FAILED],
  [STATUS.VIDEO_RESOLUTION_UNSUPPORTED, STATUS.AUDIO_SAMPLE_RATE_UNSUPPORTED],
  [STATUS.AUDIO_SAMPLE_RATE_UNSUPPORTED, STATUS.VIDEO_RESOLUTION_UNSUPPORTED],
]);

type Source = 'camera' | 'microphone';

/** The fault of a create's rig source, if any. */
function faultOf(req: Json, source: Source): Json | undefined {
  const rig = (req['params'] as Json | undefined)?.['rig'] as Json | undefined;
  const entry = source === 'camera' ? ((rig?.['camera'] as Json | undefined)?.['front'] as Json | undefined) : (rig?.['microphone'] as Json | undefined);
  return entry?.['fault'] as Json | undefined;
}

/** A create whose `source` never opens becomes a create without the fault and with the device
 *  switched off by attribute: the reference then pushes black / silence and reports no failure. */
function hideFailedDevice(source: Source, attr: string): (req: Json) => Json {
  return (req) => {
    if (req['method'] !== 'create' || faultOf(req, source)?.['kind'] !== 'never-opens') return req;
    const params = req['params'] as Json;
    const rig = structuredClone(params['rig']) as Json;
    const entry = source === 'camera' ? ((rig['camera'] as Json)['front'] as Json) : (rig['microphone'] as Json);
    delete entry['fault'];
    return { ...req, params: { ...params, rig, attrs: { ...(params['attrs'] as Json), [attr]: false } } };
  };
}

/** A bench request of this phase becomes a harmless empty update (answered update:ok). */
function swallowInterruption(phases: readonly string[], onSwallowed: (req: Json) => void = () => undefined): (req: Json) => Json {
  return (req) => {
    const params = req['params'] as Json | undefined;
    if (req['method'] !== 'bench' || !phases.includes(String(params?.['phase']))) return req;
    onSwallowed(req);
    return { id: req['id'], method: 'update', params: { attrs: {} } };
  };
}

/** Ids of the swallowed interruption begins the fake-5001 variant answers with a 5001. */
const fakedBegins = new Set<unknown>();

/** The timestamp the restarted encoder's first packet had: the restart-resets-time variant's offset. */
let sequenceHeaders = 0;
let restartOffset: number | undefined;

function timeStartsOver(m: OutgoingMedia): OutgoingMedia {
  if (m.kind === 'video' && m.sequenceHeader && ++sequenceHeaders === 2) restartOffset = m.timestampMs;
  if (restartOffset === undefined) return m;
  return { ...m, timestampMs: Math.max(0, m.timestampMs - restartOffset) };
}

export const DEVICES_VARIANTS: BrokenVariant[] = [
  {
    name: 'device-codes-swapped',
    what: 'reports -1302 for a camera that cannot be opened and -1301 for a microphone, -1306 for a resolution the camera cannot give and -1305 for a sample rate',
    outgoing: (msg) => {
      const c = code(msg);
      const swapped = c === undefined ? undefined : SWAPPED.get(c);
      return swapped === undefined ? msg : statechange(msg, swapped);
    },
    breaks: ['status-codes/-1301', 'status-codes/-1302', 'status-codes/-1305', 'status-codes/-1306'],
  },
  {
    name: 'ignores-source-limits',
    what: 'pushes whatever size and sample rate is asked, whatever the rig says the camera and microphone can give',
    request: (req) => {
      if (req['method'] !== 'create') return req;
      const params = req['params'] as Json;
      if (!params['rig']) return req;
      const rig = structuredClone(params['rig']) as Json;
      for (const entry of [(rig['camera'] as Json)['front'], (rig['camera'] as Json)['back'], rig['microphone']] as Json[]) {
        delete entry['maxResolution'];
        delete entry['sampleRates'];
      }
      return { ...req, params: { ...params, rig } };
    },
    breaks: ['status-codes/-1305', 'status-codes/-1306'],
  },
  {
    name: 'black-instead-of-camera',
    what: 'a camera that cannot be opened is replaced by black frames: pushes on, no -1301',
    request: hideFailedDevice('camera', 'enable-camera'),
    breaks: ['status-codes/-1301'],
  },
  {
    name: 'silence-instead-of-microphone',
    what: 'a microphone that cannot be opened is replaced by silence: pushes on, no -1302',
    request: hideFailedDevice('microphone', 'enable-mic'),
    breaks: ['status-codes/-1302'],
  },
  {
    name: 'camera-opened-before-failure',
    what: 'reports 1003 (camera opened) before -1301 for a camera that could not be opened',
    outgoing: (msg) => (code(msg) === STATUS.CAMERA_OPEN_FAILED ? [statechange(msg, STATUS.CAMERA_OPENED), msg] : msg),
    breaks: ['status-codes/-1301'],
  },
  {
    name: 'gives-up-at-once',
    what: 'reports -1303 at the first encoder failure instead of 1104 and a restart (and the push goes on regardless)',
    outgoing: (msg) => (code(msg) === STATUS.VIDEO_ENCODER_RESTART ? statechange(msg, STATUS.VIDEO_ENCODE_FAILED) : msg),
    breaks: ['status-codes/1104', 'status-codes/-1303'],
  },
  {
    name: 'restart-reports-reconnect',
    what: 'reports 1102 (reconnecting) beside each 1104, though the connection stays up',
    outgoing: (msg) => (code(msg) === STATUS.VIDEO_ENCODER_RESTART ? [msg, statechange(msg, STATUS.RECONNECTING)] : msg),
    breaks: ['status-codes/1104', 'status-codes/-1303'],
  },
  {
    name: 'restart-resets-time',
    what: 'the restarted encoder\'s timestamps start over from 0',
    pusher: { media: timeStartsOver },
    breaks: ['status-codes/1104'],
  },
  {
    name: 'ignores-interruption',
    what: 'accepts the interruption but neither reports 5001 nor holds the push',
    request: swallowInterruption(['begin', 'end']),
    breaks: ['status-codes/5001'],
  },
  {
    name: 'interruption-code-only',
    what: 'reports 5001 for an interruption but keeps pushing the camera and microphone',
    request: swallowInterruption(['begin', 'end'], (req) => {
      if ((req['params'] as Json)['phase'] === 'begin') fakedBegins.add(req['id']);
    }),
    outgoing: (msg) => {
      if (!fakedBegins.has(msg['id'])) return msg;
      return [msg, { event: 'statechange', detail: { code: STATUS.INTERRUPTED, message: 'interrupted' }, ts: Date.now() }];
    },
    breaks: ['status-codes/5001'],
  },
  {
    name: 'interruption-never-ends',
    what: 'holds the push on an interruption but ignores its end: the push stays held',
    request: swallowInterruption(['end']),
    breaks: ['status-codes/5001'],
  },
];
