// Deliberately broken IUTs: the reference driver with one behaviour wrong each, used to prove
// that every conformance check can fail (docs/architecture.md "How to add a broken variant": a check that cannot fail is a defect).
// A variant rewrites requests on their way in and/or replies and events on their way out, and
// names the check ids (regular expressions) it must make fail. Variants of each area live in
// their own variants-<area>.ts file and are gathered here.
import { STATUS } from '../../../spec/codes.ts';
import { dropAttrs, mapEvent, rewriteAttrs, without, type BrokenVariant, type Json } from './variant-kit.ts';
import { AREA_VARIANTS } from './variants-areas.ts';

export type { BrokenVariant } from './variant-kit.ts';

const LIES: Record<string, (v: number) => number> = {
  videoBitrate: (v) => v * 3 + 100,
  audioBitrate: (v) => v * 3 + 100,
  videoFPS: (v) => v * 2 + 5,
  videoGOP: (v) => v + 5,
  netSpeed: (v) => v * 3 + 100,
  netJitter: (v) => v + 5000,
  netQualityLevel: () => 6,
  videoWidth: (v) => v + 64,
  videoHeight: (v) => v + 64,
  videoCache: (v) => v + 500,
  audioCache: (v) => v + 500,
};

export const VARIANTS: BrokenVariant[] = [
  {
    name: 'ignore-mirror',
    what: 'ignores mirror and remote-mirror',
    request: dropAttrs(['mirror', 'remote-mirror']),
    breaks: ['attributes/mirror/true', 'attributes/remote-mirror/true', 'attributes/remote-mirror/runtime', 'context/snapshot/stream'],
  },
  {
    name: 'always-mirror',
    what: 'mirrors the stream whatever the attributes say',
    request: rewriteAttrs((attrs) => ({ ...attrs, 'remote-mirror': true }), true),
    breaks: ['attributes/mirror/false', 'attributes/remote-mirror/false', 'attributes/enable-camera/true'],
  },
  {
    name: 'ignore-size',
    what: 'ignores mode, video-width/height, aspect and orientation',
    request: dropAttrs(['mode', 'video-width', 'video-height', 'aspect', 'orientation']),
    breaks: [
      'attributes/mode/(QVGA|HVGA|HD|FHD)',
      'attributes/video-width/480',
      'attributes/video-height/480',
      'attributes/aspect/3:4',
      'attributes/orientation/horizontal',
    ],
  },
  {
    name: 'landscape',
    what: 'always pushes a landscape picture',
    request: rewriteAttrs((attrs) => ({ ...without(attrs, ['video-width', 'video-height', 'mode', 'aspect']), orientation: 'horizontal' }), true),
    breaks: ['attributes/mode/(SD|RTC)', 'attributes/aspect/9:16', 'attributes/orientation/vertical', 'attributes/video-width/default'],
  },
  {
    name: 'ignore-fps',
    // 10 fps, wrong for 5, 15 and 30 alike, and a rate a loaded machine cannot raise: at 25 fps the
    // variant phase's load (8 pushes at once on 2 cores) once held it to ~15 fps and fps/15 passed.
    what: 'ignores fps and pushes 10 fps',
    request: rewriteAttrs((attrs) => ({ ...attrs, fps: 10 })),
    breaks: ['attributes/fps/(5|15|30)'],
  },
  {
    name: 'ignore-bitrate',
    what: 'ignores min-bitrate and max-bitrate and pushes 1500 kbps',
    request: rewriteAttrs((attrs) => ({ ...without(attrs, ['min-bitrate']), 'max-bitrate': 1500 })),
    // The mode checks judge bitrate too, but ignore-size and landscape already fail every mode.
    breaks: ['attributes/min-bitrate/.*', 'attributes/max-bitrate/.*'],
  },
  {
    name: 'low-bitrate',
    what: 'pushes 100 kbps whatever is asked',
    request: rewriteAttrs((attrs) => ({ ...without(attrs, ['mode']), 'min-bitrate': 100, 'max-bitrate': 100 }), true),
    breaks: ['attributes/min-bitrate/.*'],
  },
  {
    name: 'swap-audio-quality',
    what: 'pushes 16 kHz for high and 48 kHz for low',
    request: rewriteAttrs((attrs) => ({ ...attrs, 'audio-quality': attrs['audio-quality'] === 'low' ? 'high' : 'low' })),
    breaks: ['attributes/audio-quality/(high|low)'],
  },
  {
    name: 'ignore-switches',
    what: 'ignores enable-camera, enable-mic and muted',
    request: dropAttrs(['enable-camera', 'enable-mic', 'muted']),
    breaks: ['attributes/enable-camera/false', 'attributes/enable-mic/false', 'attributes/muted/true'],
  },
  {
    name: 'dark-and-silent',
    what: 'pushes a black picture and silence',
    request: rewriteAttrs((attrs) => ({ ...attrs, 'enable-camera': false, 'enable-mic': false }), true),
    breaks: ['attributes/enable-camera/true', 'attributes/enable-mic/true', 'attributes/muted/false', 'context/pause', 'context/resume'],
  },
  {
    name: 'wrong-url',
    what: 'pushes to another stream name than the url it was given',
    request: rewriteAttrs((attrs) => (typeof attrs['url'] === 'string' && attrs['url'] ? { ...attrs, url: `${attrs['url']}-elsewhere` } : attrs)),
    breaks: ['attributes/url/rtmp'],
  },
  {
    name: 'ignore-autopush',
    what: 'ignores autopush',
    request: dropAttrs(['autopush']),
    breaks: ['attributes/autopush/true'],
  },
  {
    name: 'autopush-always',
    what: 'pushes as soon as it has a url',
    request: rewriteAttrs((attrs) => (attrs['url'] ? { ...attrs, autopush: true } : attrs), true),
    breaks: ['attributes/autopush/false'],
  },
  {
    name: 'accept-anything',
    what: 'accepts illegal attribute values silently',
    acceptIllegal: true,
    breaks: ['attributes/[^/]+/illegal'],
  },
  {
    name: 'lie-netstatus',
    what: 'reports made-up netstatus figures',
    outgoing: mapEvent('netstatus', (d) => {
      const info = d['info'] as Record<string, number>;
      return { info: Object.fromEntries(Object.entries(info).map(([k, v]) => [k, LIES[k] ? LIES[k](v) : v])) };
    }),
    // Not the impaired-uplink checks (faults-constant-netstatus fails those): they cost a 40 s push.
    breaks: ['netstatus/(?!interval/|impaired/).*'],
  },
  {
    name: 'no-netstatus',
    what: 'never sends netstatus',
    outgoing: mapEvent('netstatus', () => null),
    // The figures themselves are failed by lie-netstatus (and, impaired, by faults-constant-netstatus).
    breaks: ['netstatus/interval/.*', 'events/netstatus'],
  },
  {
    name: 'codes-off-by-one',
    what: 'reports every status and error code one higher',
    outgoing: (msg) => {
      if (msg['event'] === 'statechange') {
        const d = msg['detail'] as Json;
        return { ...msg, detail: { ...d, code: Number(d['code']) + 1 } };
      }
      if (msg['event'] === 'error') {
        const d = msg['detail'] as Json;
        return { ...msg, detail: { ...d, errCode: Number(d['errCode']) + 1 } };
      }
      return msg;
    },
    // Not attributes/autopush/true: its 1002 is matched by the shifted 1001 (ignore-autopush breaks it).
    // The start, connection and reconnect codes and the errCodes of the 错误码 table; the device,
    // fault and BGM checks (whole pushes of 10-40 s each) have variants of their own.
    breaks: ['status-codes/(start-sequence|300[1-5](/.*)?|1102|-1307)', 'error-codes/1000[124](-hash)?'],
  },
  {
    name: 'bad-event-shapes',
    what: 'sends statechange without message, error without errMsg',
    outgoing: (msg) => {
      if (msg['event'] === 'statechange') return { ...msg, detail: { code: String((msg['detail'] as Json)['code']) } };
      if (msg['event'] === 'error') return { ...msg, detail: { errCode: (msg['detail'] as Json)['errCode'] } };
      return msg;
    },
    breaks: ['events/statechange', 'events/error'],
  },
  {
    name: 'fake-lifecycle',
    what: 'answers stop, pause, resume, stopPreview and switchCamera without doing anything',
    fakeCalls: ['stop', 'pause', 'resume', 'stopPreview', 'switchCamera'],
    breaks: ['context/stop', 'context/pause', 'context/stopPreview', 'context/switchCamera'],
  },
  {
    name: 'bad-snapshot',
    what: 'returns a snapshot path that does not exist and swapped sizes',
    outgoing: (msg) => {
      const result = msg['result'] as Json | undefined;
      if (!result || typeof result['tempImagePath'] !== 'string') return msg;
      return { ...msg, result: { ...result, tempImagePath: `${String(result['tempImagePath'])}.missing`, width: result['height'], height: result['width'] } };
    },
    breaks: ['context/snapshot/(view|stream)', 'context/startPreview'],
  },
  {
    name: 'ignore-permissions',
    what: 'ignores the rig\'s permission answers',
    request: (req) => {
      const params = req['params'] as Json | undefined;
      if (!params?.['rig'] || req['method'] !== 'create') return req;
      const rig = params['rig'] as Json;
      return { ...req, params: { ...params, rig: { ...rig, permissions: { camera: 'granted', record: 'granted' } } } };
    },
    breaks: ['error-codes/(10001|10002)'],
  },
  {
    name: 'denials-error-event-only',
    what: 'raises 10001, 10002 and 10004 as errCodes but never as statechange codes',
    outgoing: (msg) => {
      const code = (msg['detail'] as Json | undefined)?.['code'];
      return msg['event'] === 'statechange' && ([STATUS.CAMERA_DENIED, STATUS.MIC_DENIED, STATUS.WAITING_IMAGE_FAILED] as unknown[]).includes(code) ? null : msg;
    },
    breaks: ['error-codes/(10001|10002|10004)'],
  },
  {
    name: 'ignore-waiting-image',
    what: 'ignores waiting-image and waiting-image-hash',
    request: dropAttrs(['waiting-image', 'waiting-image-hash']),
    breaks: ['error-codes/10004(-hash)?', 'attributes/waiting-image/.*'],
  },
];

VARIANTS.push(...AREA_VARIANTS);

export function variant(name: string): BrokenVariant {
  const v = VARIANTS.find((x) => x.name === name);
  if (!v) throw new Error(`unknown broken variant ${JSON.stringify(name)}; known: ${VARIANTS.map((x) => x.name).join(', ')}`);
  return v;
}
