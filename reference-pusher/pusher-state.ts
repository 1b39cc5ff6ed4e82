// The pusher's lifecycle as a table: the states idle/previewing/pushing/paused, which context
// method is legal in which state, where it leads, and which status codes the pusher raises.
// Spec: live-pusher.zh.md (状态码, 错误码) and context-api.md (start/stop/pause/resume/
// startPreview/stopPreview/switchCamera).

import { ERROR, STATUS } from '../spec/codes.ts';

export type PusherState = 'idle' | 'previewing' | 'pushing' | 'paused';

/** Status and error codes the pusher itself raises; each is a row of spec/ (状态码 / 错误码),
 *  whose meaning is read with statusCode()/errorCode() from spec/index.ts. */
export const CODE = {
  cameraOpened: STATUS.CAMERA_OPENED,
  firstFrame: STATUS.FIRST_FRAME,
  encoderStarted: STATUS.ENCODER_STARTED,
  cameraDenied: ERROR.CAMERA_DENIED,
  micDenied: ERROR.MIC_DENIED,
  waitingImageFailed: ERROR.WAITING_IMAGE_FAILED,
  cameraFailed: STATUS.CAMERA_OPEN_FAILED,
  micFailed: STATUS.MIC_OPEN_FAILED,
  encoderRestarting: STATUS.VIDEO_ENCODER_RESTART,
  encoderFailed: STATUS.VIDEO_ENCODE_FAILED,
} as const;

/** The context methods that move the state machine (snapshot only reads the picture). */
export type LifecycleCall = 'start' | 'stop' | 'pause' | 'resume' | 'startPreview' | 'stopPreview' | 'switchCamera';

/**
 * What a call does in a state:
 * - `move`: legal, the pusher goes to `to`; `pipeline` says whether the media pipeline is
 *   (re)started for the new state (false: it is torn down or, for start, started by the push).
 * - `noop`: legal, nothing changes (the call answers ok).
 * - `illegal`: the call fails with `<call>:fail <reason>`.
 */
export type Transition =
  | { kind: 'move'; to: PusherState; pipeline: boolean }
  | { kind: 'noop' }
  | { kind: 'illegal'; reason: string };

const move = (to: PusherState, pipeline: boolean): Transition => ({ kind: 'move', to, pipeline });
const NOOP: Transition = { kind: 'noop' };
const illegal = (reason: string): Transition => ({ kind: 'illegal', reason });

/** The table: TRANSITIONS[call][state]. */
export const TRANSITIONS: Readonly<Record<LifecycleCall, Readonly<Record<PusherState, Transition>>>> = {
  start: { idle: move('pushing', true), previewing: move('pushing', true), pushing: NOOP, paused: NOOP },
  stop: { idle: move('idle', false), previewing: move('idle', false), pushing: move('idle', false), paused: move('idle', false) },
  pause: {
    idle: illegal('not pushing (state idle)'),
    previewing: illegal('not pushing (state previewing)'),
    pushing: move('paused', true),
    paused: illegal('not pushing (state paused)'),
  },
  resume: {
    idle: illegal('not paused (state idle)'),
    previewing: illegal('not paused (state previewing)'),
    pushing: illegal('not paused (state pushing)'),
    paused: move('pushing', true),
  },
  startPreview: { idle: move('previewing', true), previewing: NOOP, pushing: NOOP, paused: NOOP },
  stopPreview: { idle: NOOP, previewing: move('idle', false), pushing: NOOP, paused: NOOP },
  switchCamera: { idle: move('idle', false), previewing: move('previewing', true), pushing: move('pushing', true), paused: move('paused', true) },
};

export function transition(state: PusherState, call: LifecycleCall): Transition {
  return TRANSITIONS[call][state];
}

/**
 * The one-shot status codes of a push or a preview, in the order they come: 1003 (camera
 * opened) and 1007 (first frame) when the camera delivers, 1008 (encoder started) with the
 * first sequence header. A push that starts from the preview has already raised 1003 and 1007.
 */
export const MILESTONES = [CODE.cameraOpened, CODE.firstFrame, CODE.encoderStarted] as const;

/** The milestones already raised when `to` is entered from `from` (not raised again). */
export function milestonesRaised(from: PusherState, to: PusherState): number[] {
  if (to === 'pushing' && from === 'previewing') return [CODE.cameraOpened, CODE.firstFrame];
  return [];
}

/** Whether the pipeline encodes (and publishes) in a state; the preview only captures. */
export function encodesIn(state: PusherState): boolean {
  return state === 'pushing' || state === 'paused';
}
