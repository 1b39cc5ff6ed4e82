// The zoom oracle against ffmpeg-made clips of known enlargement: the synthetic camera's
// 720x1280 capture centre-cropped to an exact pixel size (zoom = 720 / crop width) and encoded
// at 360x640, for both cameras; and a picture that is not the pattern at all.
// Accuracy reached: within ZOOM_STEP (0.02) of the true zoom from 1 to 4.
import { describe, expect, it } from 'vitest';
import { readZoom, ZOOM_MAX_DISTANCE, ZOOM_STEP } from '../../../conformance/oracles/zoom.ts';
import { renderClip } from './media-fixtures.ts';

const CAPTURE_W = 720;
const CAPTURE_H = 1280;
const MAX_ZOOM = 4;
const FLOAT_SLACK = 1e-9;

/** A centre crop of the capture by an exact pixel size (even), written out as ffmpeg's crop. */
function cropFor(zoom: number): { filter: string; trueZoom: number } {
  const w = Math.round(CAPTURE_W / zoom / 2) * 2;
  const h = Math.round(CAPTURE_H / zoom / 2) * 2;
  return { filter: `crop=${w}:${h}:${(CAPTURE_W - w) / 2}:${(CAPTURE_H - h) / 2}`, trueZoom: CAPTURE_W / w };
}

describe('zoom oracle (enlargement about the centre)', () => {
  for (const zoom of [1, 1.23, 1.5, 2, 2.7, 3.35, 4]) {
    it(`reads a ${zoom}x centre crop as ${zoom}x within ${ZOOM_STEP}`, async () => {
      const { filter, trueZoom } = cropFor(zoom);
      const [f] = await renderClip({ frames: 1, size: '360x640', filter: zoom === 1 ? undefined : filter });
      const r = readZoom(f!, { camera: 'front', maxZoom: MAX_ZOOM });
      expect(Math.abs(r.zoom - trueZoom)).toBeLessThanOrEqual(ZOOM_STEP + FLOAT_SLACK);
      expect(r.distance).toBeLessThan(ZOOM_MAX_DISTANCE);
    });
  }

  it('reads the back camera too', async () => {
    const { filter, trueZoom } = cropFor(3);
    const [f] = await renderClip({ camera: 'back', frames: 1, size: '360x640', filter });
    const r = readZoom(f!, { camera: 'back', maxZoom: MAX_ZOOM });
    expect(Math.abs(r.zoom - trueZoom)).toBeLessThanOrEqual(ZOOM_STEP + FLOAT_SLACK);
  });

  it('explains no picture that is not the pattern (a hue-shifted one stays far)', async () => {
    const [f] = await renderClip({ frames: 1, size: '360x640', filter: 'hue=h=180' });
    expect(readZoom(f!, { camera: 'front', maxZoom: MAX_ZOOM }).distance).toBeGreaterThan(ZOOM_MAX_DISTANCE);
  });
});
