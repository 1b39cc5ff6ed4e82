// ArrivalLog and the observer's packet/frame arrival mapping on synthetic byte logs of known
// layout: a packet gets the wall time of the chunk holding its last byte.
import { describe, expect, it } from 'vitest';
import { ArrivalLog } from '../../../conformance/oracles/arrival-log.ts';
import { parseProbe, withArrivals } from '../../../conformance/oracles/observe.ts';

describe('ArrivalLog', () => {
  it('maps byte offsets to the chunk that carried them', () => {
    const log = new ArrivalLog();
    log.record(100, 1000);
    log.record(0, 1500);
    log.record(50, 2000);
    log.record(10, 3000);
    expect(log.bytes).toBe(160);
    expect(log.arrivalOf(0)).toBe(1000);
    expect(log.arrivalOf(99)).toBe(1000);
    expect(log.arrivalOf(100)).toBe(2000);
    expect(log.arrivalOf(149)).toBe(2000);
    expect(log.arrivalOf(150)).toBe(3000);
    expect(log.arrivalOf(159)).toBe(3000);
    expect(log.arrivalOf(160)).toBeUndefined();
    expect(log.arrivalOf(-1)).toBeUndefined();
  });
});

describe('parseProbe with arrivals', () => {
  it('stamps each packet with the arrival of its last byte (tag header + payload)', () => {
    const log = new ArrivalLog();
    log.record(13, 1000);
    log.record(100, 2000);
    log.record(100, 3000);
    const probe = JSON.stringify({
      packets: [
        { codec_type: 'video', pts_time: '0.000', dts_time: '0.000', size: '2', pos: '0', flags: 'K_' },
        { codec_type: 'audio', pts_time: '0.010', dts_time: '0.010', size: '50', pos: '13', flags: 'K_' },
        { codec_type: 'video', pts_time: '0.033', dts_time: '0.033', size: '100', pos: '80', flags: '__' },
        { codec_type: 'video', pts_time: '0.066', dts_time: '0.066', size: '10' },
      ],
    });
    const { packets } = parseProbe(probe, log);
    expect(packets.map((p) => p.arrivedAtMs)).toEqual([1000, 2000, 3000, undefined]);
    expect(packets.map((p) => p.pos)).toEqual([0, 13, 80, undefined]);
  });

  it('gives each decoded frame the arrival of the video packet with its pts', () => {
    const frame = (ptsMs: number) => ({ width: 1, height: 1, data: new Uint8Array(3), ptsMs, receivedAt: 0 });
    const packets = [
      { stream: 'audio' as const, ptsMs: 33, dtsMs: 33, size: 1, keyframe: true, arrivedAtMs: 1 },
      { stream: 'video' as const, ptsMs: 0, dtsMs: 0, size: 1, keyframe: true, arrivedAtMs: 500 },
      { stream: 'video' as const, ptsMs: 33, dtsMs: 33, size: 1, keyframe: false, arrivedAtMs: 600 },
    ];
    const frames = withArrivals([frame(33), frame(0), frame(50), frame(Number.NaN)], packets);
    expect(frames.map((f) => f.arrivedAtMs)).toEqual([600, 500, undefined, undefined]);
  });
});
