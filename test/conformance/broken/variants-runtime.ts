// Broken variants for the runtime update checks (see variant-kit.ts).
import type { BrokenVariant } from './variant-kit.ts';

export const RUNTIME_VARIANTS: BrokenVariant[] = [];
