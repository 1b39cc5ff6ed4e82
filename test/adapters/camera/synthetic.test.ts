// The synthetic camera through real ffmpeg + H.264: the drawbox counter chain counts frames,
// survives scaling down to 240x320 and compression, and every transform of both cameras is
// recognised after encoding.
import { describe, expect, it } from 'vitest';
import { syntheticCamera } from '../../../adapters/camera/synthetic.ts';
import { TRANSFORMS, FFMPEG_TRANSFORM_FILTERS } from '../../../conformance/oracles/transform.ts';
import { identifyPattern, readFrameCounter } from '../../../conformance/oracles/video.ts';
import { renderClip } from '../../conformance/oracles/media-fixtures.ts';

describe('syntheticCamera', () => {
  it('describes a live, real-time-paced looping PPM input with a per-frame counter chain', async () => {
    const cam = syntheticCamera('back', { width: 480, height: 640 });
    expect(cam.kind).toBe('synthetic');
    expect(cam.position).toBe('back');
    expect([cam.captureWidth, cam.captureHeight]).toEqual([480, 640]);
    expect(cam.describe()).toContain('back');
    const args = await cam.inputArgs({ fps: 20 });
    expect(args.slice(0, 5)).toEqual(['-re', '-loop', '1', '-framerate', '20']);
    expect(args[args.length - 1]).toMatch(/\.ppm$/);
    expect(cam.inputFilter({ fps: 20 }).split(',drawbox=')).toHaveLength(16);
    expect(() => syntheticCamera('front', { width: 0 })).toThrow(RangeError);
    await expect(cam.inputArgs({ fps: 0 })).rejects.toThrow(RangeError);
  });

  it('counts frames 0..N-1, readable after scaling to 240x320 and H.264 at 150 kbit/s', async () => {
    const frames = await renderClip({ frames: 40, size: '240x320', bitrate: '150k' });
    expect(frames).toHaveLength(40);
    expect(frames[0]!.width).toBe(240);
    expect(frames.map((f) => readFrameCounter(f))).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it.each(TRANSFORMS)('is recognised under %s after encoding, front and back', async (t) => {
    for (const camera of ['front', 'back'] as const) {
      const [frame] = (await renderClip({ camera, frames: 4, size: t.includes('rot90') ? '320x240' : '240x320', filter: FFMPEG_TRANSFORM_FILTERS[t] })).slice(3);
      const id = identifyPattern(frame!);
      expect(id).toMatchObject({ camera, transform: t });
      expect(id.confidence).toBeGreaterThan(0.5);
      expect(readFrameCounter(frame!, t)).toBe(3);
    }
  });
});
