// bin/bundle-cache.mjs (through bin/run-bundled.mjs): a TypeScript entry runs from its cached
// bundle with its own arguments, each source keeps its own import.meta.url, a changed or new
// source is never run stale, and LPB_NO_BUNDLE=1 runs it through tsx.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const RUN_BUNDLED = fileURLToPath(new URL('../../bin/run-bundled.mjs', import.meta.url));
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/lpbench/', import.meta.url));
const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Inside the repository (.tmp/ is ignored by git): its package.json makes .ts files ES modules for tsx.
mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
const dir = mkdtempSync(join(REPO_ROOT, '.tmp', 'bundle-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  // The cache entries of this test's entry: its manifest (<key>.json) and builds (<key>-...).
  for (const name of readdirSync(CACHE).filter((n) => n.endsWith('.json'))) {
    const manifest = JSON.parse(readFileSync(join(CACHE, name), 'utf8')) as { entry?: string };
    if (manifest.entry === undefined || !join(REPO_ROOT, manifest.entry).startsWith(dir)) continue;
    const key = name.slice(0, -'.json'.length);
    for (const n of readdirSync(CACHE).filter((x) => x === name || x.startsWith(`${key}-`))) rmSync(join(CACHE, n), { recursive: true, force: true });
  }
});

const entry = join(dir, 'entry.ts');
interface Out { argv: string[]; helperUrl: string; entryUrl: string; word: string }
const helper = join(dir, 'sub', 'helper.ts');

function write(path: string, text: string): void {
  rmSync(path, { force: true });
  writeFileSync(path, text);
  // A later second, so the change shows even where two writes share an mtime.
  const t = new Date(Date.now() + 2_000 + Math.random() * 1_000);
  utimesSync(path, t, t);
}

async function runEntry(env: Record<string, string> = {}): Promise<Out> {
  const { stdout } = await run(process.execPath, [RUN_BUNDLED, entry, 'one', '--two'], { env: { ...process.env, ...env } });
  return JSON.parse(stdout) as Out;
}

describe('bundle-cache', () => {
  it('runs an entry from its bundle with its arguments and each file\'s own import.meta.url', async () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    write(helper, `export const word: string = 'first';\nexport const helperUrl = import.meta.url;\n`);
    write(entry, [
      `import { helperUrl, word } from './sub/helper.ts';`,
      `console.log(JSON.stringify({ argv: process.argv.slice(2), helperUrl, entryUrl: import.meta.url, word }));`,
    ].join('\n'));
    const out = await runEntry();
    expect(out.argv).toEqual(['one', '--two']);
    expect(out.helperUrl).toBe(pathToFileURL(helper).href);
    expect(out.entryUrl).toBe(pathToFileURL(entry).href);
    expect(out.word).toBe('first');
    const manifests = readdirSync(CACHE).filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(join(CACHE, n), 'utf8')) as { entry: string; inputs: { path: string }[] });
    const ours = manifests.find((m) => join(REPO_ROOT, m.entry) === entry);
    expect(ours?.inputs.map((i) => i.path.split('/').pop()).sort(), 'the bundle made for the entry and the sources it holds').toEqual(['entry.ts', 'helper.ts']);
  });

  it('rebuilds when a source changes, and when a changed source imports a new file', async () => {
    write(helper, `export const word: string = 'second';\nexport const helperUrl = import.meta.url;\n`);
    expect((await runEntry()).word).toBe('second');
    write(join(dir, 'sub', 'extra.ts'), `export const extra = 'third';\n`);
    write(helper, `import { extra } from './extra.ts';\nexport const word: string = extra;\nexport const helperUrl = import.meta.url;\n`);
    expect((await runEntry()).word).toBe('third');
    write(join(dir, 'sub', 'extra.ts'), `export const extra = 'fourth';\n`);
    expect((await runEntry()).word).toBe('fourth');
  });

  it('LPB_NO_BUNDLE=1 runs the sources through tsx, with the same result', async () => {
    const out = await runEntry({ LPB_NO_BUNDLE: '1' });
    expect(out.word).toBe('fourth');
    expect(out.helperUrl).toBe(pathToFileURL(helper).href);
  });

  it('a source that does not compile fails naming the file, and is not cached as good', async () => {
    write(helper, `export const word: string = ;\n`);
    await expect(runEntry()).rejects.toThrow(/helper\.ts/);
    write(helper, `export const word: string = 'fixed';\nexport const helperUrl = import.meta.url;\n`);
    expect((await runEntry()).word).toBe('fixed');
  });
});
