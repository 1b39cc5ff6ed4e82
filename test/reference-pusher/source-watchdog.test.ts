// The camera watchdog (reference-pusher/source-watchdog.ts): armed by the first video, re-armed
// by each, fires once after the limit without video; never before the first video, never after
// the encoder died or stop().
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUDIO_STALL_MS, AudioStalledError, FRAME_STALL_MIN_MS, FramesStalledError, frameStallMs, watchAudio, watchFrames } from '../../reference-pusher/source-watchdog.ts';

const LIMIT_MS = 3000;

describe('watchFrames', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once, LIMIT after the last video', () => {
    const pipeline = new EventEmitter();
    const stalls: FramesStalledError[] = [];
    watchFrames(pipeline, LIMIT_MS, (e) => stalls.push(e));
    vi.advanceTimersByTime(LIMIT_MS * 2);
    expect(stalls).toHaveLength(0);
    pipeline.emit('video');
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(LIMIT_MS - 1);
      pipeline.emit('video');
    }
    expect(stalls).toHaveLength(0);
    vi.advanceTimersByTime(LIMIT_MS);
    expect(stalls).toHaveLength(1);
    expect(stalls[0]!.message).toBe(`the camera delivered no frame for ${LIMIT_MS} ms`);
    pipeline.emit('video');
    vi.advanceTimersByTime(LIMIT_MS * 2);
    expect(stalls).toHaveLength(1);
  });

  it('stays silent after the encoder died or stop()', () => {
    for (const end of ['died', 'stop'] as const) {
      const pipeline = new EventEmitter();
      const onStall = vi.fn();
      const w = watchFrames(pipeline, LIMIT_MS, onStall);
      pipeline.emit('video');
      if (end === 'died') pipeline.emit('died', new Error('x'));
      else w.stop();
      vi.advanceTimersByTime(LIMIT_MS * 2);
      expect(onStall).not.toHaveBeenCalled();
      expect(pipeline.listenerCount('video')).toBe(0);
    }
  });

  it('the limit is the larger of the floor and four frame intervals', () => {
    expect(frameStallMs(30)).toBe(FRAME_STALL_MIN_MS);
    expect(frameStallMs(1)).toBe(4000);
  });
});

describe('watchAudio', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once, the limit after the last audio, and ignores video', () => {
    const pipeline = new EventEmitter();
    const stalls: AudioStalledError[] = [];
    watchAudio(pipeline, AUDIO_STALL_MS, (e) => stalls.push(e));
    vi.advanceTimersByTime(AUDIO_STALL_MS * 2);
    expect(stalls).toHaveLength(0);
    pipeline.emit('audio');
    vi.advanceTimersByTime(AUDIO_STALL_MS - 1);
    pipeline.emit('audio');
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(AUDIO_STALL_MS / 10);
      pipeline.emit('video');
    }
    expect(stalls).toHaveLength(1);
    expect(stalls[0]!.message).toBe(`the microphone's audio stopped: no encoded audio for ${AUDIO_STALL_MS} ms`);
    pipeline.emit('audio');
    vi.advanceTimersByTime(AUDIO_STALL_MS * 2);
    expect(stalls).toHaveLength(1);
    expect(pipeline.listenerCount('audio')).toBe(0);
  });

  it('stays silent after the encoder died', () => {
    const pipeline = new EventEmitter();
    const onStall = vi.fn();
    watchAudio(pipeline, AUDIO_STALL_MS, onStall);
    pipeline.emit('audio');
    pipeline.emit('died', new Error('x'));
    vi.advanceTimersByTime(AUDIO_STALL_MS * 2);
    expect(onStall).not.toHaveBeenCalled();
  });
});
