// Fast start for the TypeScript entry points that are started hundreds of times a run (the
// reference driver once per check, the broken drivers per variant check): tsx resolves and
// loads every module through its ESM hooks thread, about 0.7 s of CPU per start; one esbuild
// bundle of the same sources starts in about 0.1 s.
//
// importBundled(entry) bundles `entry` (an absolute .ts path) with esbuild into
// node_modules/.cache/lpbench/, code-split so that lazily imported modules (and the packages
// only they import) stay lazy, and imports it. Packages stay external (resolved from the
// repository's node_modules as before). Every `import.meta.url` is replaced by the URL of the
// source file it is written in, so files found relative to a module (spec/live-pusher.json,
// package.json) are the same files. A manifest records every source file of the bundle with its
// size and mtime: a change to any of them (or a file gone) rebuilds it, so the bundle never runs
// stale code. Builds go to a fresh folder and the manifest is swapped in by rename, so processes
// starting at once never read a half-written bundle. Source maps are linked and enabled, so
// stack traces name the TypeScript files and lines. If the bundle cannot be built or written
// (no esbuild, read-only tree), or LPB_NO_BUNDLE=1, the entry is loaded through tsx as before.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'lpbench');
/** Bump when the way bundles are made changes: older bundles are then rebuilt. */
const FORMAT = 2;
/** Build folders no manifest names any more are removed once this old (a process may still be
 *  loading chunks from the previous one). */
const STALE_BUILD_MS = 10 * 60_000;

function manifestPath(entry) {
  const key = createHash('sha256').update(relative(REPO_ROOT, entry)).digest('hex').slice(0, 16);
  return { key, file: join(CACHE_DIR, `${key}.json`) };
}

/** The bundle's main file if the manifest is current (same format, every input unchanged). */
function current(file) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.format !== FORMAT || !Array.isArray(manifest.inputs)) return undefined;
  for (const input of manifest.inputs) {
    try {
      const st = statSync(join(REPO_ROOT, input.path));
      if (st.size !== input.size || st.mtimeMs !== input.mtimeMs) return undefined;
    } catch {
      return undefined;
    }
  }
  return join(CACHE_DIR, manifest.main);
}

/** esbuild plugin: `import.meta.url` in a source file becomes that file's own URL. */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/, namespace: 'file' }, (args) => {
      if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const contents = source.includes('import.meta.url') ? source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)) : source;
      const loader = args.path.endsWith('ts') ? 'ts' : 'js';
      return { contents, loader };
    });
  },
};

async function build(entry, manifestFile, key) {
  const { build: esbuild } = await import('esbuild');
  const outdir = join(CACHE_DIR, `${key}-${process.pid}-${Date.now().toString(36)}`);
  const result = await esbuild({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    outdir,
    entryNames: 'main',
    metafile: true,
    sourcemap: 'linked',
    logLevel: 'silent',
    plugins: [ownUrl],
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => {
    const abs = resolve(process.cwd(), p);
    const st = statSync(abs);
    return { path: relative(REPO_ROOT, abs), size: st.size, mtimeMs: st.mtimeMs };
  });
  const main = relative(CACHE_DIR, join(outdir, 'main.js'));
  const tmp = `${manifestFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ format: FORMAT, entry: relative(REPO_ROOT, entry), main, inputs }));
  renameSync(tmp, manifestFile);
  removeStaleBuilds(key, outdir);
  return join(CACHE_DIR, main);
}

function removeStaleBuilds(key, keep) {
  for (const name of readdirSync(CACHE_DIR)) {
    const path = join(CACHE_DIR, name);
    if (!name.startsWith(`${key}-`) || path === keep) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_BUILD_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another process removed it first.
    }
  }
}

/** Imports `entry` (an absolute path to a .ts module) from its cached bundle, built if needed. */
export async function importBundled(entry) {
  if (process.env.LPB_NO_BUNDLE !== '1') {
    const { key, file } = manifestPath(entry);
    let main = current(file);
    if (main === undefined) {
      try {
        mkdirSync(CACHE_DIR, { recursive: true });
        main = await build(entry, file, key);
      } catch (err) {
        if (process.env.LPB_DEBUG_BUNDLE === '1') process.stderr.write(`bundle-cache: ${entry}: ${err instanceof Error ? err.message : String(err)}; loading through tsx\n`);
      }
    }
    if (main !== undefined) {
      // Stack traces name the TypeScript sources (the bundle's linked source maps).
      process.setSourceMapsEnabled(true);
      return import(pathToFileURL(main).href);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(entry).href);
}
