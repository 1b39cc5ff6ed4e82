// Redacts the secrets of push URLs (protocol/redact-secrets.ts) in a folder of report files
// written by code we do not control — allure-vitest's results (test names, error messages and
// stacks, parameters) — before anyone reads them or the HTML report is built from them. Text files
// only (by extension); images and other binaries are left as they are.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { redactSecrets } from '../protocol/redact-secrets.ts';

const TEXT_EXTENSIONS = new Set(['.json', '.txt', '.log', '.md', '.csv', '.xml', '.properties', '']);
/** Bound on the files one call visits. */
const MAX_FILES = 100_000;

/** Rewrites every text file under dir whose text holds a secret; returns how many it rewrote. */
export function redactFilesIn(dir: string): number {
  let rewritten = 0;
  let visited = 0;
  const stack = [dir];
  while (stack.length > 0 && visited < MAX_FILES) {
    const current = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        stack.push(path);
        continue;
      }
      if (!entry.isFile() || !TEXT_EXTENSIONS.has(extname(entry.name).toLowerCase())) continue;
      visited += 1;
      const text = readFileSync(path, 'utf8');
      const redacted = redactSecrets(text);
      if (redacted !== text) {
        writeFileSync(path, redacted);
        rewritten += 1;
      }
    }
  }
  return rewritten;
}
