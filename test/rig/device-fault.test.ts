// The `fault` key of rig camera/microphone entries (rig/device-fault.ts through rig/load.ts):
// legal faults load onto the entry; every bad one fails naming the key, the value and what is legal.
import { describe, expect, it } from 'vitest';
import { validateRig } from '../../rig/load.ts';

const FILE = '/tmp/rig.yaml';

function load(data: unknown): ReturnType<typeof validateRig> {
  return validateRig(data, FILE);
}

describe('rig device faults', () => {
  it('puts a legal fault on the camera and microphone entries, and none where none is given', () => {
    const rig = load({
      camera: { front: { kind: 'synthetic', fault: { kind: 'ends', afterMs: 2000, times: 1 } }, back: { kind: 'file', path: '/tmp/clip.mp4', fault: { kind: 'stalls', afterMs: 0 } } },
      microphone: { kind: 'synthetic', fault: { kind: 'never-opens' } },
    });
    expect(rig.camera.front).toEqual({ kind: 'synthetic', fault: { kind: 'ends', afterMs: 2000, times: 1 } });
    expect(rig.camera.back).toEqual({ kind: 'file', path: '/tmp/clip.mp4', fault: { kind: 'stalls', afterMs: 0 } });
    expect(rig.microphone).toEqual({ kind: 'synthetic', fault: { kind: 'never-opens' } });
    expect(load({}).camera.front).toEqual({ kind: 'synthetic' });
    expect(load({ microphone: { kind: 'synthetic', fault: { kind: 'no-samples', times: 1 } } }).microphone).toEqual({ kind: 'synthetic', fault: { kind: 'no-samples', times: 1 } });
  });

  it.each([
    [{ camera: { front: { fault: { kind: 'explodes' } } } }, 'camera.front.fault.kind', /"explodes" is not legal for a camera; legal values: never-opens, ends, stalls/],
    [{ microphone: { fault: { kind: 'stalls' } } }, 'microphone.fault.kind', /"stalls" is not legal for a microphone; legal values: never-opens, ends, no-samples/],
    [{ camera: { front: { fault: { kind: 'no-samples' } } } }, 'camera.front.fault.kind', /"no-samples" is not legal for a camera/],
    [{ microphone: { fault: { kind: 'no-samples', afterMs: 10 } } }, 'microphone.fault.afterMs', /delivers no samples has no afterMs/],
    [{ camera: { front: { fault: { kind: 'ends', afterMs: -1 } } } }, 'camera.front.fault.afterMs', /-1 is not legal; must be an integer from 0 to 60000/],
    [{ camera: { back: { fault: { kind: 'ends', afterMs: 1.5 } } } }, 'camera.back.fault.afterMs', /1.5 is not legal/],
    [{ camera: { front: { fault: { kind: 'ends', times: 0 } } } }, 'camera.front.fault.times', /0 is not legal; must be an integer from 1 to 100/],
    [{ camera: { front: { fault: { kind: 'never-opens', afterMs: 10 } } } }, 'camera.front.fault.afterMs', /never opens has no afterMs/],
    [{ camera: { front: { fault: { kind: 'ends', after: 10 } } } }, 'camera.front.fault.after', /unknown key; legal keys: kind, afterMs, times/],
    [{ microphone: { fault: 'ends' } }, 'microphone.fault', /"ends" is not legal; must be a mapping/],
  ])('rejects %j naming %s', (data, key, problem) => {
    expect(() => load(data)).toThrow(key);
    expect(() => load(data)).toThrow(problem);
  });

  it('loads what a source can give, and rejects bad limits naming the key', () => {
    const rig = load({ camera: { front: { kind: 'synthetic', maxResolution: { width: 640, height: 360 } } }, microphone: { sampleRates: [16000, 48000] } });
    expect(rig.camera.front).toEqual({ kind: 'synthetic', maxResolution: { width: 640, height: 360 } });
    expect(rig.microphone).toEqual({ kind: 'synthetic', sampleRates: [16000, 48000] });
    expect(() => load({ camera: { front: { maxResolution: { width: 1 } } } })).toThrow(/camera\.front\.maxResolution\.width.*1 is not legal; must be an integer from 2 to 8192/);
    expect(() => load({ camera: { front: { maxResolution: { width: 640, height: 360, fps: 30 } } } })).toThrow(/camera\.front\.maxResolution\.fps.*unknown key/);
    expect(() => load({ microphone: { sampleRates: [] } })).toThrow(/microphone\.sampleRates.*must be a non-empty list/);
    expect(() => load({ microphone: { sampleRates: [16000, 'x'] } })).toThrow(/microphone\.sampleRates\.1/);
    expect(() => load({ microphone: { maxResolution: { width: 640, height: 360 } } })).toThrow(/microphone\.maxResolution.*unknown key/);
  });

  it('still validates the entry itself beside its fault', () => {
    expect(() => load({ camera: { front: { kind: 'v4l2', fault: { kind: 'never-opens' } } } })).toThrow('camera.front.device');
  });
});
