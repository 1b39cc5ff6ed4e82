// Broken variants for the lifecycle checks (see variant-kit.ts): stop, dispose, pause and resume
// that answer ok but do something else than the spec says.
import type { OutgoingMedia } from '../../../reference-pusher/live-pusher.ts';
import type { BrokenVariant, Json } from './variant-kit.ts';

/** The republish comes inside the two retry slots a stopped pusher must stay quiet through. */
const REPUBLISH_AFTER_MS = 4000;
/** Encoded audio packets kept to replay while paused (about 2 s of AAC at 1024 samples a packet). */
const REPLAY_PACKETS = 90;

function callName(req: Json): string | undefined {
  return req['method'] === 'call' ? String((req['params'] as Json | undefined)?.['name']) : undefined;
}

/** Turns the pause and resume calls into attribute updates (the reply still says ok). */
function pauseAs(paused: Json, resumed: Json): (req: Json) => Json {
  return (req) => {
    const name = callName(req);
    if (name === 'pause') return { id: req['id'], method: 'update', params: { attrs: paused } };
    if (name === 'resume') return { id: req['id'], method: 'update', params: { attrs: resumed } };
    return req;
  };
}

/** Tracks whether the IUT was asked to pause (true between pause and resume). */
function pauseTracker(): { request: (req: Json) => Json; paused: () => boolean } {
  let paused = false;
  return {
    request: (req) => {
      const name = callName(req);
      if (name === 'pause') paused = true;
      if (name === 'resume') paused = false;
      return req;
    },
    paused: () => paused,
  };
}

const dropping = pauseTracker();
const oldFrame = pauseTracker();
let firstKeyframe: Uint8Array | undefined;

/** While paused, sends the stream's first keyframe over and over (a still, but not the last frame). */
function firstFrameWhilePaused(m: OutgoingMedia): OutgoingMedia | null {
  if (m.kind !== 'video') return m;
  if (!oldFrame.paused()) {
    if (m.keyframe && !m.sequenceHeader) firstKeyframe ??= m.body;
    return m;
  }
  if (m.sequenceHeader) return null;
  return firstKeyframe ? { ...m, body: firstKeyframe, keyframe: true } : m;
}
const replaying = pauseTracker();
const recorded: Uint8Array[] = [];
let replayed = 0;

/** While paused, sends audio recorded before the pause instead of the silence. */
function replayAudio(m: OutgoingMedia): OutgoingMedia {
  if (m.kind !== 'audio' || m.sequenceHeader) return m;
  if (!replaying.paused()) {
    recorded.push(m.body);
    if (recorded.length > REPLAY_PACKETS) recorded.shift();
    return m;
  }
  if (recorded.length === 0) return m;
  return { ...m, body: recorded[replayed++ % recorded.length]! };
}

export const LIFECYCLE_VARIANTS: BrokenVariant[] = [
  {
    name: 'stop-then-republish',
    what: 'stops, then starts pushing again 4 s later by itself',
    later: (req) => (callName(req) === 'stop' ? [{ afterMs: REPUBLISH_AFTER_MS, request: { method: 'call', params: { name: 'start', args: {} } } }] : []),
    breaks: ['context/stop'],
  },
  {
    name: 'dispose-leaves-open',
    what: 'answers dispose without closing anything (the connection stays up until the process ends)',
    request: (req) => (req['method'] === 'dispose' ? { id: req['id'], method: 'call', params: { name: 'dispose', args: {} } } : req),
    fakeCalls: ['dispose'],
    breaks: ['context/dispose'],
  },
  {
    name: 'pause-black',
    what: 'pause turns the camera off (a black picture) and mutes; resume turns them back on',
    request: pauseAs({ 'enable-camera': false, muted: true }, { 'enable-camera': true, muted: false }),
    breaks: ['context/pause'],
  },
  {
    name: 'pause-mutes-only',
    what: 'pause only mutes: the camera keeps moving',
    request: pauseAs({ muted: true }, { muted: false }),
    breaks: ['context/pause'],
  },
  {
    name: 'pause-drops-video',
    what: 'while paused sends no video at all (the reader\'s decoder repeats the last frame)',
    request: dropping.request,
    pusher: { media: (m) => (m.kind === 'video' && dropping.paused() ? null : m) },
    breaks: ['context/pause'],
  },
  {
    name: 'pause-shows-old-frame',
    what: 'while paused shows the first frame of the push over and over instead of the last one',
    request: oldFrame.request,
    pusher: { media: firstFrameWhilePaused },
    breaks: ['context/pause'],
  },
  {
    name: 'pause-keeps-sound',
    what: 'while paused replays audio recorded before the pause instead of silence',
    request: replaying.request,
    pusher: { media: replayAudio },
    breaks: ['context/pause'],
  },
  {
    name: 'resume-stays-frozen',
    what: 'answers resume without resuming (the picture stays still)',
    fakeCalls: ['resume'],
    breaks: ['context/resume'],
  },
];
