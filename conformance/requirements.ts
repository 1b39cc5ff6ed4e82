// What a check needs of the rig and the server, declared in its meta (CheckMeta.requires.rig) and
// evaluated by check() before any IUT is spawned (docs/architecture.md "How to add a check"):
// a check that cannot be judged on this rig is reported not applicable with the reason, and no
// push is started for it. Capability requirements (requires.attributes/methods/events) are
// evaluated before the spawn too, against the hello of the worker's probe (conformance/check.ts).
import type { Rig } from '../rig/types.ts';
import { patternKnown, toneKnown } from '../rig/known-sources.ts';

interface RigRequirementSpec {
  /** The reason given when the rig does not meet it. */
  reason: string;
  holds(rig: Rig): boolean;
}

export const RIG_REQUIREMENTS = {
  'synthetic-camera': {
    reason: 'needs the synthetic camera pattern on the front camera (its quadrants, patches and frame counter are what the oracles read; synthetic, or fed into a v4l2loopback)',
    holds: (rig) => patternKnown(rig, 'front'),
  },
  'synthetic-cameras': {
    reason: 'needs the synthetic camera pattern on both cameras (the front and back patterns tell the cameras apart)',
    holds: (rig) => patternKnown(rig, 'front') && patternKnown(rig, 'back'),
  },
  'synthetic-back-camera-controls': {
    reason: "needs the synthetic pattern drawn by the IUT's own back camera (rig camera.back kind synthetic): the torch and the focus act on the scene that camera shows; a v4l2loopback feed, a V4L2 device or a file do not show them to the bench",
    holds: (rig) => rig.camera.back.kind === 'synthetic',
  },
  'synthetic-microphone': {
    reason: 'needs the synthetic microphone (its tone, at a known frequency and level, is what is listened for; synthetic, or played into the PulseAudio virtual microphone)',
    holds: (rig) => toneKnown(rig),
  },
  'serial-relay': {
    reason: 'needs a serial relay that cuts the front camera\'s power (rig serial.relay: the lab\'s relay port, or simulated; rig/default.yaml has the simulated one)',
    holds: (rig) => rig.serial?.relay !== undefined,
  },
  'embedded-server': {
    reason: "needs the embedded server (its own publish/unpublish events are the truth; an external server's are not visible)",
    holds: (rig) => rig.server.kind === 'embedded',
  },
} satisfies Record<string, RigRequirementSpec>;

export type RigRequirement = keyof typeof RIG_REQUIREMENTS;
export const RIG_REQUIREMENT_NAMES = Object.keys(RIG_REQUIREMENTS) as RigRequirement[];

/** The reasons of the requirements this rig does not meet, in declaration order; [] when all hold. */
export function unmetRigRequirements(names: readonly RigRequirement[], rig: Rig): string[] {
  return names.flatMap((name) => {
    const spec: RigRequirementSpec | undefined = RIG_REQUIREMENTS[name];
    if (!spec) throw new Error(`unknown rig requirement ${JSON.stringify(name)}; legal: ${RIG_REQUIREMENT_NAMES.join(', ')}`);
    return spec.holds(rig) ? [] : [spec.reason];
  });
}
