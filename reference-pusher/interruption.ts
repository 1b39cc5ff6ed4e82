// What an interruption (a system or WeChat call: docs/driver-protocol.md "bench") does in each
// lifecycle state. Its begin reports 5001 while a push is on (pushing or paused) and holds a
// running push as pause() does: the stream stays published with the last frame or the
// waiting-image and silence. Its end resumes only a push the interruption held; a push the app
// paused itself stays paused. Nothing is reported at the end: the spec has no code for it.
// Spec: live-pusher.zh.md 状态码 5001 (系统电话打断或者微信音视频电话打断); context-api.md pause/resume.
import type { PusherState } from './pusher-state.ts';

export type InterruptionPhase = 'begin' | 'end';

export interface InterruptionStep {
  /** 5001 is reported. */
  report: boolean;
  /** The lifecycle call the interruption makes, if any. */
  call?: 'pause' | 'resume';
}

export function interruptionStep(state: PusherState, heldByInterruption: boolean, phase: InterruptionPhase): InterruptionStep {
  const pushOn = state === 'pushing' || state === 'paused';
  if (phase === 'begin') return { report: pushOn, ...(state === 'pushing' ? { call: 'pause' as const } : {}) };
  return { report: false, ...(state === 'paused' && heldByInterruption ? { call: 'resume' as const } : {}) };
}
