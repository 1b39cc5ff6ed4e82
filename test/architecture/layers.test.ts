// The layering of the repository (README "Layout"): the suite, the reference pusher and the
// libraries under it never reach up into the CLI package bench/, and protocol/ stays pure codecs
// (no I/O): it imports nothing but protocol/ itself.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_FILE = /\.(ts|mts|js|mjs)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);
const BELOW_BENCH = ['conformance', 'reference-pusher', 'adapters', 'protocol', 'spec', 'driver-protocol', 'reports', 'rig'];
const PURE_FOLDER = 'protocol';
const IO_MODULES = /^(node:)?(fs|fs\/promises|net|tls|dgram|child_process|worker_threads|http|https|http2|dns|cluster)$/;
const SPECIFIERS = [
  /\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Every module specifier a source text imports, re-exports or requires. */
function importSpecifiers(text: string): string[] {
  const found = new Set<string>();
  for (const pattern of SPECIFIERS) for (const match of text.matchAll(pattern)) found.add(match[1]);
  return [...found];
}

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (SKIPPED_FOLDERS.has(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (SOURCE_FILE.test(entry.name)) files.push(path);
  }
  return files;
}

interface Import {
  file: string;
  specifier: string;
  /** Repository-relative target of a relative specifier; undefined for a package or builtin. */
  target?: string;
}

function importsOf(layer: string): Import[] {
  return sourceFiles(join(ROOT, layer)).flatMap((path) =>
    importSpecifiers(readFileSync(path, 'utf8')).map((specifier) => ({
      file: relative(ROOT, path),
      specifier,
      target: specifier.startsWith('.') ? relative(ROOT, resolve(dirname(path), specifier)) : undefined,
    })),
  );
}

const describeImport = (i: Import) => `${i.file} imports '${i.specifier}'`;
const isUnder = (target: string, folder: string) => target === folder || target.startsWith(folder + sep);

describe('importSpecifiers', () => {
  it('finds static, side-effect, dynamic and re-export imports and requires', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b/types.ts';",
      "import './side-effect.ts';",
      "export { c } from './c.ts';",
      "const d = await import('./d.ts');",
      "const e = require('node:fs');",
    ].join('\n');
    expect(importSpecifiers(text).sort()).toEqual(['../b/types.ts', './a.ts', './c.ts', './d.ts', './side-effect.ts', 'node:fs']);
  });
});

describe('layers', () => {
  it.each(BELOW_BENCH)('%s/ does not import from the CLI package bench/', (layer) => {
    const offending = importsOf(layer).filter((i) => i.target !== undefined && isUnder(i.target, 'bench'));
    expect(offending.map(describeImport), `${layer}/ must not depend on bench/ (the CLI)`).toEqual([]);
  });

  it('protocol/ imports only protocol/ (pure codecs, no I/O)', () => {
    const imports = importsOf(PURE_FOLDER);
    expect(imports.length, 'protocol/ has imports to judge').toBeGreaterThan(0);
    const io = imports.filter((i) => IO_MODULES.test(i.specifier));
    expect(io.map(describeImport), 'protocol/ must do no I/O').toEqual([]);
    const outside = imports.filter((i) => i.target === undefined || !isUnder(i.target, PURE_FOLDER));
    expect(outside.map(describeImport), 'protocol/ may import only protocol/').toEqual([]);
  });
});
