// PpmStreamReader on synthetic PPM streams of known frames, fed in chunks of every size (the
// reader joins queued chunks only once a whole frame may be there).
import { describe, expect, it } from 'vitest';
import { PpmStreamReader } from '../../../conformance/oracles/frame.ts';

function ppm(width: number, height: number, fill: number): Buffer {
  return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`, 'ascii'), Buffer.alloc(width * height * 3, fill)]);
}

describe('PpmStreamReader', () => {
  it('reads frames of changing size whatever the chunking', () => {
    const stream = Buffer.concat([ppm(4, 2, 10), ppm(3, 5, 20), ppm(4, 2, 30)]);
    for (const chunk of [1, 2, 7, 25, 64, stream.length]) {
      const reader = new PpmStreamReader();
      for (let i = 0; i < stream.length; i += chunk) reader.feed(stream.subarray(i, i + chunk));
      const frames = reader.take();
      expect(frames.map((f) => [f.width, f.height, f.data[0]])).toEqual([[4, 2, 10], [3, 5, 20], [4, 2, 30]]);
      expect(frames.every((f) => f.data.length === f.width * f.height * 3 && f.data.every((b) => b === f.data[0]))).toBe(true);
      expect(reader.leftover).toBe(0);
    }
  });

  it('keeps a partial frame as leftover', () => {
    const reader = new PpmStreamReader();
    const frame = ppm(2, 2, 5);
    reader.feed(frame.subarray(0, frame.length - 3));
    expect(reader.take()).toEqual([]);
    expect(reader.leftover).toBe(frame.length - 3);
    reader.feed(frame.subarray(frame.length - 3));
    expect(reader.take()).toHaveLength(1);
  });
});
