// Every area's broken variants, in one list (variants.ts adds them to its own).
import type { BrokenVariant } from './variant-kit.ts';
import { AUDIO_VARIANTS } from './variants-audio.ts';
import { CODES_VARIANTS } from './variants-codes.ts';
import { CORE_VARIANTS } from './variants-core.ts';
import { DEVICES_VARIANTS } from './variants-devices.ts';
import { FAULTS_VARIANTS } from './variants-faults.ts';
import { LIFECYCLE_VARIANTS } from './variants-lifecycle.ts';
import { NETSTATUS_VARIANTS } from './variants-netstatus.ts';
import { PICTURE_VARIANTS } from './variants-picture.ts';
import { RATES_VARIANTS } from './variants-rates.ts';
import { RIG_VARIANTS } from './variants-rig.ts';
import { RUNTIME_VARIANTS } from './variants-runtime.ts';
import { VIDEO_VARIANTS } from './variants-video.ts';

export const AREA_VARIANTS: BrokenVariant[] = [
  ...AUDIO_VARIANTS,
  ...CORE_VARIANTS,
  ...DEVICES_VARIANTS,
  ...RATES_VARIANTS,
  ...PICTURE_VARIANTS,
  ...NETSTATUS_VARIANTS,
  ...CODES_VARIANTS,
  ...LIFECYCLE_VARIANTS,
  ...RUNTIME_VARIANTS,
  ...VIDEO_VARIANTS,
  ...FAULTS_VARIANTS,
  ...RIG_VARIANTS,
];
