// Broken variants for the picture checks (see variant-kit.ts).
import type { BrokenVariant } from './variant-kit.ts';

export const PICTURE_VARIANTS: BrokenVariant[] = [];
