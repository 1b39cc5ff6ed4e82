// The fit oracle against ffmpeg-made clips of known geometry: a centre crop, a stretch and a
// letterbox of the synthetic camera to 3:4, the capture's own 9:16 (where crop and stretch
// coincide), a landscape turn, and the back camera.
import { describe, expect, it } from 'vitest';
import { cropProblem, readFit, FIT_MAX_DISTANCE } from '../../../conformance/oracles/geometry.ts';
import { renderClip } from './media-fixtures.ts';

const CROP_3_4 = 'crop=720:960';
const LETTERBOX_3_4 = 'scale=270:480,pad=360:480:45:0';

describe('fit oracle (crop / stretch / letterbox)', () => {
  it('reads a centre crop to 3:4 as a crop, clearly closer than stretch or letterbox', async () => {
    const [f] = await renderClip({ frames: 1, size: '360x480', filter: CROP_3_4 });
    const r = readFit(f!, { camera: 'front' });
    expect(r.best).toBe('crop');
    expect(r.distances.crop).toBeLessThan(FIT_MAX_DISTANCE);
    expect(cropProblem(r)).toBeNull();
  });

  it('reads a stretch to 3:4 as a stretch', async () => {
    const [f] = await renderClip({ frames: 1, size: '360x480' });
    const r = readFit(f!, { camera: 'front' });
    expect(r.best).toBe('stretch');
    expect(cropProblem(r)).toMatch(/stretch/);
  });

  it('reads a letterbox to 3:4 as a letterbox', async () => {
    const [f] = await renderClip({ frames: 1, size: '360x480', filter: LETTERBOX_3_4 });
    const r = readFit(f!, { camera: 'front' });
    expect(r.best).toBe('letterbox');
    expect(cropProblem(r)).toMatch(/letterbox/);
  });

  it('accepts the capture aspect itself, where crop and stretch are the same picture', async () => {
    const [f] = await renderClip({ frames: 1, size: '360x640' });
    const r = readFit(f!, { camera: 'front' });
    expect(r.separationFromCrop.stretch).toBeLessThan(1);
    expect(cropProblem(r)).toBeNull();
  });

  it('follows the transform: a quarter turn cropped to landscape, and the back camera', async () => {
    const [turned] = await renderClip({ frames: 1, size: '640x360', filter: 'transpose=clock' });
    expect(cropProblem(readFit(turned!, { camera: 'front', transform: 'rot90cw' }))).toBeNull();
    const [back] = await renderClip({ camera: 'back', frames: 1, size: '360x480', filter: CROP_3_4 });
    expect(cropProblem(readFit(back!, { camera: 'back' }))).toBeNull();
    expect(readFit(back!, { camera: 'front' }).distances.crop).toBeGreaterThan(FIT_MAX_DISTANCE);
  });
});
