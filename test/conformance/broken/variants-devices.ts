// Broken variants for the device-fault checks (conformance/tests/devices; see variant-kit.ts):
// wrong or extra device codes, a camera or microphone failure hidden by pushing without the
// device, source limits ignored, an encoder that is not really restarted or whose restart starts time over, and
// interruptions that are ignored, half-done or never end, an audio failure that is faked, a
// silent microphone hidden (or reported as one that cannot open: device-codes-swapped), a
// hardware encoder fallback unreported, reported late, or pushing at half the rate.
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
  [STATUS.MIC_NO_DATA, STATUS.MIC_OPEN_FAILED],
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

/** A create whose microphone fault is `kind` becomes a create without the fault: a healthy push. */
function healMicrophone(kind: string): (req: Json) => Json {
  return (req) => {
    if (req['method'] !== 'create' || faultOf(req, 'microphone')?.['kind'] !== kind) return req;
    const params = req['params'] as Json;
    const rig = structuredClone(params['rig']) as Json;
    delete (rig['microphone'] as Json)['fault'];
    return { ...req, params: { ...params, rig } };
  };
}

/** The 1103 the late-fallback variant holds back until the encoder started. */
let heldFallback: Json | undefined;

/** A bench request of this event and phase becomes a harmless empty update (answered update:ok). */
function swallowBench(event: 'interruption' | 'background', phases: readonly string[], onSwallowed: (req: Json) => void = () => undefined): (req: Json) => Json {
  return (req) => {
    const params = req['params'] as Json | undefined;
    if (req['method'] !== 'bench' || params?.['event'] !== event || !phases.includes(String(params?.['phase']))) return req;
    onSwallowed(req);
    return { id: req['id'], method: 'update', params: { attrs: {} } };
  };
}

const swallowInterruption = (phases: readonly string[], onSwallowed?: (req: Json) => void): ((req: Json) => Json) => swallowBench('interruption', phases, onSwallowed);

/** Mutes in the background only while background-mute is true (the attribute read as it was before
 *  its deprecation): with it false, the background is swallowed and the push goes on as it was. */
function backgroundMuteHonoured(): (req: Json) => Json {
  let mute = false;
  const swallow = swallowBench('background', ['begin', 'end']);
  return (req) => {
    const attrs = (req['params'] as Json | undefined)?.['attrs'] as Json | undefined;
    if ((req['method'] === 'create' || req['method'] === 'update') && attrs && 'background-mute' in attrs) mute = attrs['background-mute'] === true;
    return mute ? req : swallow(req);
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
    what: 'reports -1302 for a camera that cannot be opened and -1301 for a microphone, -1302 for a microphone that opens but delivers no samples, -1306 for a resolution the camera cannot give and -1305 for a sample rate',
    outgoing: (msg) => {
      const c = code(msg);
      const swapped = c === undefined ? undefined : SWAPPED.get(c);
      return swapped === undefined ? msg : statechange(msg, swapped);
    },
    breaks: ['status-codes/-1301', 'status-codes/-1302', 'status-codes/-1305', 'status-codes/-1306', 'status-codes/-1311'],
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
  {
    name: 'background-ignored',
    what: 'answers the background OK and goes on pushing the camera and the microphone',
    request: swallowBench('background', ['begin', 'end']),
    breaks: ['attributes/background-mute/background'],
  },
  {
    name: 'background-mute-honoured',
    what: 'mutes in the background only when background-mute is true (the deprecated attribute read literally; the spec mutes by default)',
    request: backgroundMuteHonoured(),
    breaks: ['attributes/background-mute/background'],
  },
  {
    name: 'background-as-interruption',
    what: 'treats the background as an interruption: holds and mutes the push but reports 5001',
    request: (req) => {
      const params = req['params'] as Json | undefined;
      return req['method'] === 'bench' && params?.['event'] === 'background' ? { ...req, params: { ...params, event: 'interruption' } } : req;
    },
    breaks: ['attributes/background-mute/background'],
  },
  {
    name: 'fake-audio-failure',
    what: 'a microphone whose samples end is pushed as if healthy, and -1304 is reported right after 1002 while the push goes on',
    request: healMicrophone('ends'),
    outgoing: (msg) => (code(msg) === STATUS.PUSH_BEGIN ? [msg, statechange(msg, STATUS.AUDIO_ENCODE_FAILED)] : msg),
    breaks: ['status-codes/-1304'],
  },
  {
    name: 'silent-microphone-pushes-on',
    what: 'a microphone that opens but delivers no samples is replaced by a healthy one: reports -1311 after 1002 and pushes on',
    request: healMicrophone('no-samples'),
    outgoing: (msg) => (code(msg) === STATUS.PUSH_BEGIN ? [msg, statechange(msg, STATUS.MIC_NO_DATA)] : msg),
    breaks: ['status-codes/-1311'],
  },
  {
    name: 'hardware-fallback-unreported',
    what: 'falls back to the software encoder without reporting 1103',
    outgoing: (msg) => (code(msg) === STATUS.HW_ENCODER_FALLBACK ? null : msg),
    breaks: ['status-codes/1103'],
  },
  {
    name: 'hardware-fallback-after-start',
    what: 'reports 1103 after 1008, as if the encoder that started had been the hardware one',
    outgoing: (msg) => {
      if (code(msg) === STATUS.HW_ENCODER_FALLBACK) {
        heldFallback = msg;
        return null;
      }
      if (code(msg) !== STATUS.ENCODER_STARTED || !heldFallback) return msg;
      const late = heldFallback;
      heldFallback = undefined;
      return [msg, late];
    },
    breaks: ['status-codes/1103'],
  },
  {
    name: 'software-fallback-half-rate',
    what: 'the software encoder it falls back to keeps only half the frame rate asked for',
    pusher: { encodeConfig: (c) => ({ ...c, fps: Math.max(1, Math.floor(c.fps / 2)) }) },
    breaks: ['status-codes/1103'],
  },
];
