// Broken variants for the rates checks (see variant-kit.ts).
import type { BrokenVariant } from './variant-kit.ts';

export const RATES_VARIANTS: BrokenVariant[] = [];
