// The stream clock: timestamps of one push continue across encoder restarts
// (live-pusher.zh.md 状态码 1104: 内部会重启编码器; attributes change while pushing).
import { describe, expect, it } from 'vitest';
import { StreamClock } from '../../reference-pusher/stream-clock.ts';

const FPS = 15;
const FRAME_MS = Math.round(1000 / FPS);

describe('StreamClock', () => {
  it('starts a push at 0 and follows the encoder', () => {
    const clock = new StreamClock();
    clock.rebase(FPS);
    expect([clock.time(0), clock.time(67), clock.time(133)]).toEqual([0, 67, 133]);
    expect(clock.lastTimestamp).toBe(133);
  });

  it('a restarted encoder continues one frame interval after the last timestamp sent', () => {
    const clock = new StreamClock();
    clock.rebase(FPS);
    clock.time(1000);
    clock.rebase(FPS);
    expect(clock.time(0)).toBe(1000 + FRAME_MS);
    expect(clock.time(40)).toBe(1000 + FRAME_MS + 40);
  });

  it('the frame interval follows the new fps', () => {
    const clock = new StreamClock();
    clock.rebase(FPS);
    clock.time(500);
    clock.rebase(30);
    expect(clock.time(0)).toBe(500 + Math.round(1000 / 30));
  });

  it('an out-of-order (earlier) timestamp does not pull the last timestamp back', () => {
    const clock = new StreamClock();
    clock.rebase(FPS);
    clock.time(200);
    expect(clock.time(150)).toBe(150);
    expect(clock.lastTimestamp).toBe(200);
  });

  it('a rebase before any media starts at 0; reset starts a new push at 0', () => {
    const clock = new StreamClock();
    clock.rebase(FPS);
    clock.rebase(FPS);
    expect(clock.time(0)).toBe(0);
    clock.time(900);
    clock.reset();
    expect(clock.lastTimestamp).toBe(-1);
    clock.rebase(FPS);
    expect(clock.time(10)).toBe(10);
  });
});
