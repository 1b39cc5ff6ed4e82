// The project explains itself inside the repository (docs/architecture.md "House style": a header
// comment cites the spec section or a file of this repository): no tracked source or document
// may point at a design document or a sibling folder that is not part of it, and every relative
// markdown link of README.md and docs/*.md must lead to a file that exists.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const THIS_FILE = 'test/docs/no-outside-pointers.test.ts';
const GIT_TIMEOUT_MS = 10_000;
/** Files whose text is checked: sources, documents, configs and scripts. */
const CHECKED_FILE = /\.(ts|mts|cts|js|mjs|cjs|py|md|yaml|yml|json|sh)$|(^|\/)\.ci\/run$/;
/** Pointers outside the repository: the design document and the sibling shared folder. */
const OUTSIDE_POINTERS = [/DESIGN\.md/, /\.\.\/shared\b/];
/** Inline markdown links [text](target); images included. */
const MARKDOWN_LINK = /\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const EXTERNAL_TARGET = /^([a-z][a-z0-9+.-]*:|#)/i;

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', timeout: GIT_TIMEOUT_MS });
  return out.split('\0').filter((f) => f !== '' && existsSync(join(ROOT, f)));
}

function markdownDocs(): string[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

/** The path part of a relative link target, or undefined for URLs and same-page anchors. */
function relativeTarget(target: string): string | undefined {
  if (EXTERNAL_TARGET.test(target)) return undefined;
  const path = decodeURIComponent(target.split('#')[0]);
  return path === '' ? undefined : path;
}

describe('no pointer outside the repository', () => {
  it('no tracked source or document mentions DESIGN.md or ../shared', () => {
    const offenders: string[] = [];
    for (const file of trackedFiles()) {
      if (file === THIS_FILE || !CHECKED_FILE.test(file) || file.startsWith('node_modules/')) continue;
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (OUTSIDE_POINTERS.some((p) => p.test(line))) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders, 'cite a file of this repository instead (docs/architecture.md, README, docs/driver-protocol.md or spec/seed/)').toEqual([]);
  });

  it('every relative markdown link in README.md and docs/*.md points at an existing file', () => {
    const broken: string[] = [];
    const docs = markdownDocs();
    expect(docs).toContain('docs/architecture.md');
    for (const doc of docs) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const match of text.matchAll(MARKDOWN_LINK)) {
        const path = relativeTarget(match[1]);
        if (path !== undefined && !existsSync(resolve(ROOT, dirname(doc), path))) broken.push(`${doc}: ${match[0]}`);
      }
    }
    expect(broken, 'relative links that lead nowhere').toEqual([]);
  });

  it('the link reader finds relative links and leaves URLs and anchors alone', () => {
    const targets = [...'[a](docs/x.md) [b](https://example.org/y.md) [c](#layers) [d](../spec/z.md#top)'.matchAll(MARKDOWN_LINK)].map((m) => relativeTarget(m[1]));
    expect(targets).toEqual(['docs/x.md', undefined, undefined, '../spec/z.md']);
  });
});
