// Broken variants for the picture checks (see variant-kit.ts): faults a single decoded frame or
// the IUT's own events would hide — a mirror on part of each second, a stretch instead of a
// crop, a camera choice ignored or honoured once, and error codes raised while the stream goes
// on doing what they say it does not.
import { existsSync } from 'node:fs';
import { rewriteAttrs, without, type BrokenVariant, type Json } from './variant-kit.ts';

/** The mirror is wrong for this share of each second of stream time. */
const PARTIAL_MIRROR_SHARE = 0.4;
/** The reference's centre crop in its filter chain (reference-pusher/media-pipeline.ts). */
const CROP_FILTER = /crop=w='[^']*':h='[^']*',/;
/** Where the reference's encoded picture branch begins in its filter graph (after the split
 *  that labels it, so the chain that reads it). */
const PICTURE_BRANCH = ';[pic]';

/** Rewrites the -filter_complex argument of the encoder. */
function rewriteGraph(args: string[], fn: (graph: string) => string): string[] {
  const i = args.indexOf('-filter_complex');
  if (i < 0 || i + 1 >= args.length) return args;
  return [...args.slice(0, i + 1), fn(args[i + 1]!), ...args.slice(i + 2)];
}

/**
 * Ignores a denied permission (the rig says granted to the pusher) but still raises its error:
 * the first status event after the create is replaced by an error event with `errCode`.
 */
function deniedButUsed(key: 'camera' | 'record', errCode: number, errMsg: string): Pick<BrokenVariant, 'request' | 'outgoing'> {
  let owed = false;
  return {
    request: (req) => {
      const params = req['params'] as Json | undefined;
      const rig = params?.['rig'] as Json | undefined;
      const permissions = rig?.['permissions'] as Json | undefined;
      if (req['method'] !== 'create' || permissions?.[key] !== 'denied') return req;
      owed = true;
      return { ...req, params: { ...params, rig: { ...rig, permissions: { ...permissions, [key]: 'granted' } } } };
    },
    outgoing: (msg) => {
      if (!owed || msg['event'] !== 'statechange') return msg;
      owed = false;
      return { event: 'error', detail: { errCode, errMsg }, ts: msg['ts'] };
    },
  };
}

let waitingImage: string | undefined;
const switchCameraCalls: string[] = [];
let switchCameraSeen = 0;

export const PICTURE_VARIANTS: BrokenVariant[] = [
  {
    name: 'mirror-some-frames',
    what: `flips the pushed picture left-right for ${PARTIAL_MIRROR_SHARE * 100} % of each second (on top of the mirror asked for)`,
    pusher: {
      ffmpegArgs: (args) =>
        rewriteGraph(args, (g) => g.replace(PICTURE_BRANCH, `${PICTURE_BRANCH}hflip=enable='lt(mod(t,1),${PARTIAL_MIRROR_SHARE})',`)),
    },
    breaks: [
      'attributes/(mirror|remote-mirror)/(true|false)',
      'attributes/remote-mirror/runtime',
      'attributes/enable-camera/true',
      'attributes/aspect/(9:16|3:4)',
      'attributes/orientation/(vertical|horizontal)',
    ],
  },
  {
    name: 'stretch-aspect',
    what: 'stretches the capture to the encoded size instead of centre-cropping it',
    pusher: { ffmpegArgs: (args) => rewriteGraph(args, (g) => g.replace(CROP_FILTER, '')) },
    breaks: ['attributes/aspect/3:4', 'attributes/mode/(QVGA|HVGA)', 'attributes/video-(width|height)/480'],
  },
  {
    name: 'ignore-device-position',
    what: 'ignores device-position at creation (always starts on the front camera)',
    request: rewriteAttrs((attrs) => without(attrs, ['device-position']), true),
    breaks: ['attributes/device-position/back'],
  },
  {
    name: 'device-position-inverted',
    what: 'opens the other camera than device-position says at creation',
    request: rewriteAttrs((attrs) => {
      const p = attrs['device-position'];
      return p === 'front' || p === 'back' ? { ...attrs, 'device-position': p === 'front' ? 'back' : 'front' } : attrs;
    }, true),
    breaks: ['attributes/device-position/(front|back)'],
  },
  {
    name: 'switch-camera-once',
    what: 'switchCamera works the first time only; later calls answer ok and do nothing',
    fakeCalls: switchCameraCalls,
    request: (req) => {
      const params = req['params'] as Json | undefined;
      if (req['method'] === 'call' && params?.['name'] === 'switchCamera' && ++switchCameraSeen === 2) switchCameraCalls.push('switchCamera');
      return req;
    },
    breaks: ['context/switchCamera'],
  },
  {
    name: 'camera-despite-10001',
    what: 'raises 10001 for a denied camera but pushes the camera anyway',
    ...deniedButUsed('camera', 10001, 'scope.camera denied'),
    breaks: ['error-codes/10001'],
  },
  {
    name: 'mic-despite-10002',
    what: 'raises 10002 for a denied microphone but pushes the microphone anyway',
    ...deniedButUsed('record', 10002, 'scope.record denied'),
    breaks: ['error-codes/10002'],
  },
  {
    name: 'waiting-image-despite-10004',
    what: 'raises 10004 for a waiting-image-hash mismatch but shows the rejected image while paused anyway',
    request: rewriteAttrs((attrs) => {
      if (typeof attrs['waiting-image'] === 'string') waitingImage = attrs['waiting-image'];
      return attrs;
    }),
    pusher: {
      ffmpegArgs: (args, options) => {
        const still = options.picture.kind === 'still' ? options.picture.path : undefined;
        if (!still || !waitingImage || !existsSync(waitingImage)) return args;
        const image = waitingImage;
        return args.map((a) => (a === still ? image : a));
      },
    },
    breaks: ['error-codes/10004-hash'],
  },
];
