// Faulty sources (adapters/camera/faulty.ts, adapters/microphone/faulty.ts): which openings
// suffer the fault, and what each fault does to the ffmpeg input of the source it wraps.
import { describe, expect, it } from 'vitest';
import { faultyCamera, stallFilter } from '../../../adapters/camera/faulty.ts';
import { CameraUnavailableError } from '../../../adapters/camera/devices.ts';
import { MicrophoneUnavailableError } from '../../../adapters/microphone/devices.ts';
import { faultyMicrophone } from '../../../adapters/microphone/faulty.ts';
import type { CameraSource } from '../../../adapters/camera/synthetic.ts';
import type { MicrophoneSource } from '../../../adapters/microphone/synthetic.ts';

const camera: Pick<CameraSource, 'describe' | 'inputArgs' | 'inputFilter'> = {
  describe: () => 'test camera',
  inputArgs: async () => ['-re', '-i', 'cam.png'],
  inputFilter: () => 'drawbox=x=0',
};
const microphone: Pick<MicrophoneSource, 'describe' | 'inputArgs'> = { describe: () => 'test microphone', inputArgs: async () => ['-re', '-f', 'lavfi', '-i', 'sine'] };

describe('faulty camera', () => {
  it('never-opens: every opening fails with CameraUnavailableError naming the rig key', async () => {
    const cam = faultyCamera(camera, { kind: 'never-opens' }, 'camera.front');
    for (let i = 0; i < 3; i++) {
      await expect(cam.inputArgs({ fps: 15 })).rejects.toThrow(CameraUnavailableError);
    }
    await expect(cam.inputArgs({ fps: 15 })).rejects.toThrow('rig camera.front.fault never-opens');
  });

  it('ends: -t afterMs ahead of the input for the first `times` openings, then healthy', async () => {
    const fault = { kind: 'ends' as const, afterMs: 2500, times: 2 };
    const cam = faultyCamera(camera, fault, 'camera.front');
    expect(await cam.inputArgs({ fps: 15 })).toEqual(['-t', '2.500', '-re', '-i', 'cam.png']);
    expect(await cam.inputArgs({ fps: 15 })).toEqual(['-t', '2.500', '-re', '-i', 'cam.png']);
    expect(await cam.inputArgs({ fps: 15 })).toEqual(['-re', '-i', 'cam.png']);
    expect(cam.inputFilter({ fps: 15 })).toBe('drawbox=x=0');
  });

  it('counts openings per fault declaration, so two pushers with their own rigs do not share them', async () => {
    const a = faultyCamera(camera, { kind: 'ends', afterMs: 0, times: 1 }, 'camera.front');
    const b = faultyCamera(camera, { kind: 'ends', afterMs: 0, times: 1 }, 'camera.front');
    expect((await a.inputArgs({ fps: 15 }))[0]).toBe('-t');
    expect((await b.inputArgs({ fps: 15 }))[0]).toBe('-t');
    expect((await a.inputArgs({ fps: 15 }))[0]).toBe('-re');
  });

  it('stalls: a select passing the frames of the first afterMs after the own filter, only on faulty openings', async () => {
    const cam = faultyCamera(camera, { kind: 'stalls', afterMs: 2000, times: 1 }, 'camera.back');
    await cam.inputArgs({ fps: 15 });
    expect(cam.inputFilter({ fps: 15 })).toBe("drawbox=x=0,select='lt(n,30)'");
    await cam.inputArgs({ fps: 15 });
    expect(cam.inputFilter({ fps: 15 })).toBe('drawbox=x=0');
    expect(stallFilter({ kind: 'stalls', afterMs: 0 }, 30)).toBe("select='lt(n,1)'");
  });
});

describe('faulty microphone', () => {
  it('never-opens fails with MicrophoneUnavailableError; ends cuts the input with -t', async () => {
    await expect(faultyMicrophone(microphone, { kind: 'never-opens' }).inputArgs({ sampleRate: 44100 })).rejects.toThrow(MicrophoneUnavailableError);
    expect(await faultyMicrophone(microphone, { kind: 'ends', afterMs: 500 }).inputArgs({ sampleRate: 44100 })).toEqual(['-t', '0.500', '-re', '-f', 'lavfi', '-i', 'sine']);
  });
});
