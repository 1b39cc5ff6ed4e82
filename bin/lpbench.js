#!/usr/bin/env node
// Entry point of the `lpbench` command: the TypeScript CLI, no build step. It runs from a cached
// esbuild bundle of its sources (bundle-cache.mjs: rebuilt whenever a source changes; about
// 0.1 s of CPU to start instead of 0.7 s through tsx, which matters for `lpbench driver`, started
// once per check), or through tsx when no bundle can be made or LPB_NO_BUNDLE=1.
import { fileURLToPath } from 'node:url';
import { importBundled } from './bundle-cache.mjs';

await importBundled(fileURLToPath(new URL('../bench/cli.ts', import.meta.url)));
