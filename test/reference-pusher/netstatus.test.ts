import { describe, expect, it } from 'vitest';
import { NET_QUALITY, NetstatusMeter, backlogLevel, qualityLevel } from '../../reference-pusher/netstatus.ts';

const idle = { bytesSent: 0, queuedVideoFrames: 0, queuedAudioFrames: 0, queuedBytes: 0, connected: true };

describe('NetstatusMeter', () => {
  it('reports encoder output, fps, GOP, send speed and size from its counters', () => {
    const m = new NetstatusMeter(0);
    m.onVideoSize(360, 640);
    // 2 s of 15 fps video, 2500 bytes a frame, keyframes every 2 s of stream time.
    for (let i = 0; i < 30; i++) m.onVideo(2500, i % 30 === 0, i * 66.7);
    m.onVideo(2500, true, 2000);
    for (let i = 0; i < 94; i++) m.onAudio(170);
    const info = m.report(2000, { ...idle, bytesSent: 100_000 });
    expect(info.videoBitrate).toBe(Math.round((31 * 2500 * 8) / 1000 / 2));
    expect(info.audioBitrate).toBe(Math.round((94 * 170 * 8) / 1000 / 2));
    expect(info.videoFPS).toBe(15.5);
    expect(info.videoGOP).toBe(2);
    expect(info.netSpeed).toBe(400);
    expect([info.videoWidth, info.videoHeight]).toEqual([360, 640]);
    expect(info.netQualityLevel).toBe(NET_QUALITY.best);
  });

  it('starts each window afresh and measures send speed as a delta', () => {
    const m = new NetstatusMeter(0);
    m.onVideo(1000, true, 0);
    m.report(1000, { ...idle, bytesSent: 50_000 });
    const second = m.report(2000, { ...idle, bytesSent: 75_000 });
    expect(second.videoBitrate).toBe(0);
    expect(second.netSpeed).toBe(200);
  });

  it('reports the send queue as the caches and jitter as the spread of send delays', () => {
    const m = new NetstatusMeter(0);
    for (const d of [10, 30, 10, 30]) m.onSendDelay(d);
    const info = m.report(1000, { ...idle, queuedVideoFrames: 7, queuedAudioFrames: 11 });
    expect([info.videoCache, info.audioCache, info.netJitter]).toEqual([7, 11, 10]);
  });
});

describe('qualityLevel', () => {
  it('is unusable without a connection and worse as the queue grows', () => {
    expect(qualityLevel({ ...idle, connected: false }, 0, 100, 100)).toBe(NET_QUALITY.unusable);
    expect(qualityLevel(idle, 0, 0, 0)).toBe(NET_QUALITY.unknown);
    const busy = { ...idle, queuedBytes: 1 };
    const levels = [0.01, 0.05, 0.2, 0.4, 0.9].map((share) => qualityLevel(busy, share * 1000, 1000, 500));
    expect(levels).toEqual([NET_QUALITY.best, NET_QUALITY.good, NET_QUALITY.fair, NET_QUALITY.poor, NET_QUALITY.bad]);
  });
});

describe('backlogLevel', () => {
  it('is worse the more sending time the queue holds, at least poor when frames were dropped', () => {
    // 400 kbps = 400 bits per ms: 10 kB queued is 200 ms of sending.
    const rate = 400;
    const at = (bytes: number, dropped = 0) => backlogLevel({ ...idle, queuedBytes: bytes }, rate, dropped);
    expect([at(0), at(5_000), at(20_000), at(40_000), at(75_000), at(150_000)]).toEqual([
      NET_QUALITY.unknown,
      NET_QUALITY.unknown,
      NET_QUALITY.good,
      NET_QUALITY.fair,
      NET_QUALITY.poor,
      NET_QUALITY.bad,
    ]);
    expect(at(0, 3)).toBe(NET_QUALITY.poor);
    expect(backlogLevel({ ...idle, queuedBytes: 1 }, 0, 0)).toBe(NET_QUALITY.bad);
    expect(backlogLevel({ ...idle, connected: false }, rate, 0)).toBe(NET_QUALITY.unusable);
  });
});
