// Broken variants for the codes checks (see variant-kit.ts).
import type { BrokenVariant } from './variant-kit.ts';

export const CODES_VARIANTS: BrokenVariant[] = [];
