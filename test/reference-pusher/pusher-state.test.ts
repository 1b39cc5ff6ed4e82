// The lifecycle table (context-api.md start/stop/pause/resume/startPreview/stopPreview/
// switchCamera; live-pusher.zh.md 状态码 1003/1007/1008): which call is legal where, and where it leads.
import { describe, expect, it } from 'vitest';
import { errorCode, statusCode } from '../../spec/index.ts';
import { CODE, MILESTONES, TRANSITIONS, encodesIn, milestonesRaised, transition, type LifecycleCall, type PusherState } from '../../reference-pusher/pusher-state.ts';

const STATES: PusherState[] = ['idle', 'previewing', 'pushing', 'paused'];
const CALLS = Object.keys(TRANSITIONS) as LifecycleCall[];

describe('pusher-state', () => {
  it('every code the pusher raises is a row of spec/ (状态码 or 错误码)', () => {
    for (const code of Object.values(CODE)) {
      const known = (() => {
        try {
          return statusCode(code).code === code;
        } catch {
          return errorCode(code).code === code;
        }
      })();
      expect(known, `code ${code}`).toBe(true);
    }
  });

  it('the table answers every call in every state', () => {
    for (const call of CALLS) for (const state of STATES) expect(transition(state, call), `${call} in ${state}`).toBeDefined();
  });

  it('start pushes from idle and from the preview; it is a no-op while pushing or paused', () => {
    expect(transition('idle', 'start')).toEqual({ kind: 'move', to: 'pushing', pipeline: true });
    expect(transition('previewing', 'start')).toEqual({ kind: 'move', to: 'pushing', pipeline: true });
    expect(transition('pushing', 'start').kind).toBe('noop');
    expect(transition('paused', 'start').kind).toBe('noop');
  });

  it('stop goes to idle from every state', () => {
    for (const state of STATES) expect(transition(state, 'stop')).toEqual({ kind: 'move', to: 'idle', pipeline: false });
  });

  it('pause is legal only while pushing, resume only while paused, with the state in the reason', () => {
    expect(transition('pushing', 'pause')).toEqual({ kind: 'move', to: 'paused', pipeline: true });
    expect(transition('paused', 'resume')).toEqual({ kind: 'move', to: 'pushing', pipeline: true });
    for (const state of STATES.filter((s) => s !== 'pushing')) expect(transition(state, 'pause')).toEqual({ kind: 'illegal', reason: `not pushing (state ${state})` });
    for (const state of STATES.filter((s) => s !== 'paused')) expect(transition(state, 'resume')).toEqual({ kind: 'illegal', reason: `not paused (state ${state})` });
  });

  it('startPreview only from idle, stopPreview only ends a preview', () => {
    expect(transition('idle', 'startPreview')).toEqual({ kind: 'move', to: 'previewing', pipeline: true });
    for (const state of ['previewing', 'pushing', 'paused'] as const) expect(transition(state, 'startPreview').kind).toBe('noop');
    expect(transition('previewing', 'stopPreview')).toEqual({ kind: 'move', to: 'idle', pipeline: false });
    for (const state of ['idle', 'pushing', 'paused'] as const) expect(transition(state, 'stopPreview').kind).toBe('noop');
  });

  it('switchCamera keeps the state and restarts the pipeline unless idle', () => {
    for (const state of STATES) expect(transition(state, 'switchCamera')).toEqual({ kind: 'move', to: state, pipeline: state !== 'idle' });
  });

  it('a push from the preview does not raise 1003/1007 again; any other entry raises all milestones', () => {
    expect(MILESTONES).toEqual([1003, 1007, 1008]);
    expect(milestonesRaised('previewing', 'pushing')).toEqual([CODE.cameraOpened, CODE.firstFrame]);
    expect(milestonesRaised('idle', 'pushing')).toEqual([]);
    expect(milestonesRaised('idle', 'previewing')).toEqual([]);
  });

  it('only a push (pushing or paused) encodes', () => {
    expect(STATES.filter(encodesIn)).toEqual(['pushing', 'paused']);
  });
});
