// Broken variants for the netstatus checks (see variant-kit.ts).
import type { BrokenVariant } from './variant-kit.ts';

export const NETSTATUS_VARIANTS: BrokenVariant[] = [];
