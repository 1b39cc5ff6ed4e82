// Broken variants for the core checks (see variant-kit.ts).
import type { BrokenVariant } from './variant-kit.ts';

export const CORE_VARIANTS: BrokenVariant[] = [];
