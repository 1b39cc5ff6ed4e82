// Broken variants for the lab-gear checks (conformance/tests/devices/relay-*.check.ts; see
// variant-kit.ts): an IUT that does not show the camera the rig gives (it draws its own picture,
// so cutting the camera's power changes nothing), one that reports the camera's loss at the
// wrong time (1104 at push begin, nothing when the camera goes), and one that never shows the
// camera again once it was lost.
import { STATUS } from '../../../spec/codes.ts';
import type { BrokenVariant, Json } from './variant-kit.ts';

const RELAY_CHECK = 'status-codes/1104/relay';

function code(msg: Json): number | undefined {
  return msg['event'] === 'statechange' ? Number((msg['detail'] as Json)['code']) : undefined;
}

function statechange(msg: Json, c: number): Json {
  return { ...msg, detail: { ...(msg['detail'] as Json), code: c, message: `code ${c}` } };
}

/** Whether this driver process has reported 1104 (the no-resume variant drops video from then on). */
let restartReported = false;

export const RIG_VARIANTS: BrokenVariant[] = [
  {
    name: 'relay-own-pattern',
    what: "ignores the rig's front camera and draws the synthetic pattern itself: the picture goes on while the relay has cut the camera's power",
    request: (req) => {
      if (req['method'] !== 'create') return req;
      const params = req['params'] as Json;
      const rig = structuredClone(params['rig']) as Json | undefined;
      const camera = rig?.['camera'] as Json | undefined;
      if (!camera) return req;
      camera['front'] = { kind: 'synthetic' };
      return { ...req, params: { ...params, rig } };
    },
    breaks: [RELAY_CHECK],
  },
  {
    name: 'relay-1104-at-start',
    what: 'reports 1104 right after 1002 (push begin) and nothing when the camera is really lost',
    outgoing: (msg) => {
      const c = code(msg);
      if (c === STATUS.VIDEO_ENCODER_RESTART) return null;
      if (c === STATUS.PUSH_BEGIN) return [msg, statechange(msg, STATUS.VIDEO_ENCODER_RESTART)];
      return msg;
    },
    breaks: [RELAY_CHECK],
  },
  {
    name: 'relay-no-resume',
    what: 'reports 1104 when the camera is lost but never sends video again, though the camera comes back',
    outgoing: (msg) => {
      if (code(msg) === STATUS.VIDEO_ENCODER_RESTART) restartReported = true;
      return msg;
    },
    pusher: { media: (m) => (m.kind === 'video' && restartReported ? null : m) },
    breaks: [RELAY_CHECK],
  },
];
