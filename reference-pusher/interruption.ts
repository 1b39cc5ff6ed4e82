// What the bench's device events (docs/driver-protocol.md "bench") do in each lifecycle state:
// an interruption (a system or WeChat call) and the page going to the background. Both hold a
// running push as pause() does: the stream stays published with the last frame or the
// waiting-image (进入后台时推流的等待画面) and silence (background-mute: 已废弃，默认退后台静音, so
// the background mutes whatever the attribute says). Only the interruption's begin reports a code
// (5001), while a push is on (pushing or paused). An end resumes only a push that the bench held
// and that nothing else holds any more (an interruption during the background, say); a push the
// app paused itself stays paused. Nothing is reported at an end: the spec has no code for it.
// Spec: live-pusher.zh.md 状态码 5001 (系统电话打断或者微信音视频电话打断); 通用属性 waiting-image,
// background-mute; context-api.md pause/resume.
import type { PusherState } from './pusher-state.ts';

export type BenchPhase = 'begin' | 'end';
export type BenchHold = 'interruption' | 'background';
export const BENCH_HOLDS: readonly BenchHold[] = ['interruption', 'background'];

export interface BenchHoldStep {
  /** 5001 is reported. */
  report: boolean;
  /** The lifecycle call the event makes, if any. */
  call?: 'pause' | 'resume';
  /** What holds the push after the step. */
  heldBy: ReadonlySet<BenchHold>;
}

export function benchHoldStep(event: BenchHold, state: PusherState, heldBy: ReadonlySet<BenchHold>, phase: BenchPhase): BenchHoldStep {
  const pushOn = state === 'pushing' || state === 'paused';
  if (phase === 'begin') {
    const report = event === 'interruption' && pushOn;
    if (state === 'pushing') return { report, call: 'pause', heldBy: new Set([event]) };
    // Held already by the other event: this one holds it too; paused by the app: not the bench's.
    if (state === 'paused' && heldBy.size > 0) return { report, heldBy: new Set([...heldBy, event]) };
    return { report, heldBy };
  }
  if (!heldBy.has(event)) return { report: false, heldBy };
  const rest = new Set([...heldBy].filter((h) => h !== event));
  return { report: false, ...(state === 'paused' && rest.size === 0 ? { call: 'resume' as const } : {}), heldBy: rest };
}
