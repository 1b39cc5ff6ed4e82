#!/usr/bin/env node
// `node bin/run-bundled.mjs <file.ts> [args...]`: runs a TypeScript entry point from its cached
// esbuild bundle (bundle-cache.mjs), with the arguments after the file in process.argv[2..] as
// if it had been run directly. For drivers started once per check (the broken drivers of the
// project's own tests), where tsx's start costs more CPU than the check's own work.
import { resolve } from 'node:path';
import { importBundled } from './bundle-cache.mjs';

const [file, ...args] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node bin/run-bundled.mjs <file.ts> [args...]\n');
  process.exit(2);
}
process.argv.splice(1, process.argv.length - 1, resolve(file), ...args);
await importBundled(resolve(file));
