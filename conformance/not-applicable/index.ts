// Spec rows the suite declares it cannot judge on a desk, each with the reason, shown in the
// coverage table as "not applicable: <reason>" (reports/coverage.ts) instead of "not yet". One
// file per area, so areas add their rows without touching each other's; a key that is not a spec
// row fails the coverage step, and test/conformance/framework/not-applicable.test.ts keeps every
// key unique and every reason specific.
import type { NotApplicableRow } from '../../reports/coverage.ts';
import { AUDIO_NOT_APPLICABLE } from './audio.ts';
import { CODES_NOT_APPLICABLE } from './codes.ts';
import { DEVICES_NOT_APPLICABLE } from './devices.ts';
import { VIDEO_NOT_APPLICABLE } from './video.ts';

export const NOT_APPLICABLE_ROWS: readonly NotApplicableRow[] = [...AUDIO_NOT_APPLICABLE, ...CODES_NOT_APPLICABLE, ...DEVICES_NOT_APPLICABLE, ...VIDEO_NOT_APPLICABLE];
