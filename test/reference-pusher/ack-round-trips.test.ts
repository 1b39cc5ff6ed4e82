// Round trips timed by the server's RTMP acknowledgements (reference-pusher/ack-round-trips.ts)
// and the netJitter they give (netstatus.ts). Spec: live-pusher.zh.md 网络状态数据（info）
// netJitter; Adobe RTMP spec §5.4.3 (Acknowledgement: bytes received so far).
import { describe, expect, it } from 'vitest';
import { AckRoundTrips } from '../../reference-pusher/ack-round-trips.ts';
import { NetstatusMeter, type SenderSnapshot } from '../../reference-pusher/netstatus.ts';

describe('AckRoundTrips', () => {
  it('dates an acknowledged byte by the flush of the message that held it', () => {
    const rt = new AckRoundTrips();
    rt.flushed(1000, 0);
    rt.flushed(2000, 10);
    rt.flushed(3000, 20);
    expect(rt.acknowledged(1500, 40)).toBe(30); // byte 1500 left with the message ending at 2000 (t=10)
    expect(rt.acknowledged(3000, 70)).toBe(50);
    expect(rt.jitter).toEqual({ sumMs: 20, count: 1 });
  });

  it('an acknowledgement beyond every flush mark times nothing', () => {
    const rt = new AckRoundTrips();
    rt.flushed(1000, 0);
    expect(rt.acknowledged(5000, 10)).toBeUndefined();
    expect(rt.jitter).toEqual({ sumMs: 0, count: 0 });
  });

  it('steady round trips give no jitter; alternating ones give their difference', () => {
    const steady = new AckRoundTrips();
    const swinging = new AckRoundTrips();
    for (let i = 1; i <= 10; i++) {
      steady.flushed(i * 100, i * 50);
      steady.acknowledged(i * 100, i * 50 + 20);
      swinging.flushed(i * 100, i * 50);
      swinging.acknowledged(i * 100, i * 50 + (i % 2 ? 10 : 70));
    }
    expect(steady.jitter).toEqual({ sumMs: 0, count: 9 });
    expect(swinging.jitter).toEqual({ sumMs: 540, count: 9 });
  });
});

describe('NetstatusMeter netJitter', () => {
  const sender = (sumMs: number, count: number): SenderSnapshot => ({
    bytesSent: 0, queuedVideoFrames: 0, queuedAudioFrames: 0, queuedBytes: 0, connected: true, roundTripJitter: { sumMs, count },
  });

  it('is the mean round-trip change of the window, and starts again with a new connection', () => {
    const m = new NetstatusMeter(0);
    expect(m.report(2000, sender(100, 10)).netJitter).toBe(10);
    expect(m.report(4000, sender(400, 20)).netJitter).toBe(30);
    expect(m.report(6000, sender(40, 2)).netJitter).toBe(20); // a new connection: counts from 0
  });

  it('falls back to the spread of send delays when the window has no round trip', () => {
    const m = new NetstatusMeter(0);
    m.onSendDelay(0);
    m.onSendDelay(20);
    expect(m.report(2000, sender(0, 0)).netJitter).toBe(10);
    m.onSendDelay(5);
    m.onSendDelay(5);
    const { roundTripJitter: _none, ...withoutAcks } = sender(0, 0);
    expect(m.report(4000, withoutAcks).netJitter).toBe(0);
  });
});
