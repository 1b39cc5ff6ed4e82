#!/usr/bin/env node
// CI summary: reads vitest's output (the log .ci/run tees) and prints the closing line CI reads,
// exactly "N passed, N failed" with ", N skipped" appended when tests were skipped or todo.
// Counts come from vitest's "Tests  X failed | Y passed | Z skipped (T)" line (the last one).
// Unhandled errors ("Errors  N errors") count as failed, and a run that failed (non-zero exit
// status) with nothing counted as failed counts 1 failed, so the line never contradicts the
// exit status. No summary line at all: "0 passed, 1 failed".
// Usage: node .ci/summarize.mjs <log-file> [exit-status]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// ANSI escape sequences (colours) as vitest prints them on a terminal.
// eslint-disable-next-line no-control-regex -- the escape character is what this pattern matches
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
const TESTS_LINE = /^\s*Tests\s{1,}(.*)$/;
const ERRORS_LINE = /^\s*Errors\s{1,}(\d+)\s+errors?\b/;
const COUNT = /(\d+)\s+(passed|failed|skipped|todo)\b/g;

/**
 * @param {string} output vitest's output
 * @param {number} [exitStatus] the exit status of the test run (0 when omitted)
 * @returns {{ found: boolean, passed: number, failed: number, skipped: number, line: string }}
 */
export function summarize(output, exitStatus = 0) {
  const lines = output.replace(ANSI, '').split(/\r?\n/);
  let tests;
  let errors = 0;
  for (const line of lines) {
    const t = TESTS_LINE.exec(line);
    if (t) tests = t[1];
    const e = ERRORS_LINE.exec(line);
    if (e) errors = Number(e[1]);
  }
  if (tests === undefined) {
    return { found: false, passed: 0, failed: 1, skipped: 0, line: '0 passed, 1 failed' };
  }
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  for (const match of tests.matchAll(COUNT)) counts[match[2]] += Number(match[1]);
  let failed = counts.failed + errors;
  if (exitStatus !== 0 && failed === 0) failed = 1;
  const skipped = counts.skipped + counts.todo;
  const line = `${counts.passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
  return { found: true, passed: counts.passed, failed, skipped, line };
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  const [logFile, status] = process.argv.slice(2);
  let text = '';
  try {
    text = logFile ? readFileSync(logFile, 'utf8') : '';
  } catch (err) {
    process.stderr.write(`summarize: cannot read ${logFile}: ${err.message}\n`);
  }
  process.stdout.write(summarize(text, Number(status ?? 0) || 0).line + '\n');
}
