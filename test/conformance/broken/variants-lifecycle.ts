// Broken variants for the lifecycle checks (see variant-kit.ts).
import type { BrokenVariant } from './variant-kit.ts';

export const LIFECYCLE_VARIANTS: BrokenVariant[] = [];
