import { describe, expect, it } from 'vitest';
import { RIG_REQUIREMENT_NAMES, unmetRigRequirements, type RigRequirement } from '../../../conformance/requirements.ts';
import { loadRig } from '../../../rig/load.ts';
import type { Rig } from '../../../rig/types.ts';

const defaultRig = loadRig(undefined);

function withCamera(rig: Rig, side: 'front' | 'back'): Rig {
  return { ...rig, camera: { ...rig.camera, [side]: { kind: 'file', path: '/tmp/x.mp4' } } } as Rig;
}

describe('rig requirements', () => {
  it('the default rig meets every requirement', () => {
    expect(unmetRigRequirements(RIG_REQUIREMENT_NAMES, defaultRig)).toEqual([]);
  });

  it('a file camera on the back side fails only the requirement on both cameras, with its reason', () => {
    const rig = withCamera(defaultRig, 'back');
    expect(unmetRigRequirements(['synthetic-camera'], rig)).toEqual([]);
    const unmet = unmetRigRequirements(['synthetic-camera', 'synthetic-cameras'], rig);
    expect(unmet).toHaveLength(1);
    expect(unmet[0]).toMatch(/both cameras/);
  });

  it('an external server and a non-synthetic microphone are named', () => {
    const rig = { ...defaultRig, server: { kind: 'external', url: 'rtmp://127.0.0.1/live' }, microphone: { kind: 'file', path: '/tmp/a.wav' } } as Rig;
    const unmet = unmetRigRequirements(['embedded-server', 'synthetic-microphone'], rig);
    expect(unmet.join('\n')).toMatch(/embedded server/);
    expect(unmet.join('\n')).toMatch(/synthetic microphone/);
  });

  it('an unknown requirement is an error naming the legal ones', () => {
    expect(() => unmetRigRequirements(['nope' as RigRequirement], defaultRig)).toThrow(/legal: synthetic-camera/);
  });
});
