// A child process that runs broken-variant conformance runs one after another in itself
// (runConformance), so the suite's modules and vitest are loaded once per runner rather than
// once per variant (seconds each, times ~130 variants). broken-drivers.test.ts keeps a few
// runners and hands each the next variant.
//
// Protocol: one JSON request per line on stdin, { name, iut, grep, outDir, files, concurrency };
// one JSON answer per line on stdout, { name, ok: true } once the run's summary.json is written,
// or { name, ok: false, error }. The runner ends when stdin closes.
import { createInterface } from 'node:readline';
import { runConformance } from '../../../conformance/run.ts';

export interface VariantRequest {
  name: string;
  iut: string;
  grep: string;
  outDir: string;
  files: string[];
  concurrency: number;
}

export type VariantAnswer = { name: string; ok: true } | { name: string; ok: false; error: string };

/** Answers go out on a line prefixed with this, so vitest's or a driver's stray stdout is not read as one. */
export const ANSWER_PREFIX = '@@variant-answer ';

async function serve(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let name = '?';
    let answer: VariantAnswer;
    try {
      const req = JSON.parse(line) as VariantRequest;
      name = req.name;
      await runConformance({ iut: req.iut, grep: req.grep, outDir: req.outDir, files: req.files, concurrency: req.concurrency, html: false, quiet: true });
      answer = { name, ok: true };
    } catch (err) {
      answer = { name, ok: false, error: (err as Error).stack ?? String(err) };
    }
    process.stdout.write(`${ANSWER_PREFIX}${JSON.stringify(answer)}\n`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  await serve();
  // Nothing of the runs may keep the process alive once stdin has closed.
  process.exit(0);
}
