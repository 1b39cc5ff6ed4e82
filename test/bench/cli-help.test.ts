// README's CLI section is the documentation of `lpbench`: its table (synopsis, what it does) must
// be what `lpbench --help` lists, and each synopsis the first line of `lpbench <command> --help`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../adapters/process/run-to-completion.ts';

const CLI = fileURLToPath(new URL('../../bin/lpbench.js', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const CLI_TIMEOUT_MS = 30_000;
const CLI_SECTION = /^## The CLI\n([\s\S]*?)^## /m;
const TABLE_ROW = /^\| `lpbench ([^`]+)` \| (.+) \|$/gm;
const HELP_ENTRY = /^ {2}lpbench (.+)\n {6}(.+)$/gm;

interface Documented {
  synopsis: string;
  summary: string;
}

/** README's CLI table as (synopsis after `lpbench `, what it does without markdown code marks). */
function readmeCommands(): Documented[] {
  const section = CLI_SECTION.exec(readFileSync(README, 'utf8'));
  if (!section) throw new Error('README.md has no "## The CLI" section');
  return [...section[1].matchAll(TABLE_ROW)].map((m) => ({ synopsis: m[1], summary: m[2].replaceAll('`', '') }));
}

async function help(args: string[]): Promise<string> {
  const result = await runCommand(process.execPath, [CLI, ...args, '--help'], CLI_TIMEOUT_MS);
  expect(result, `lpbench ${[...args, '--help'].join(' ')} exits 0 (stderr: ${result.stderr})`).toMatchObject({ outcome: 'exited', code: 0 });
  return result.stdout;
}

const documented = readmeCommands();
const commandName = (synopsis: string) => synopsis.split(' ')[0];

describe('lpbench --help agrees with README "The CLI"', () => {
  it('README documents the commands', () => {
    expect(documented.map((d) => commandName(d.synopsis))).toEqual(['conformance', 'push', 'driver', 'serve', 'doctor', 'bench', 'report']);
  });

  it('lpbench --help lists exactly the README table, in order', async () => {
    const listed = [...(await help([])).matchAll(HELP_ENTRY)].map((m) => ({ synopsis: m[1], summary: m[2] }));
    expect(listed).toEqual(documented);
  });

  it.each(documented.map((d) => [commandName(d.synopsis), d.synopsis]))('lpbench %s --help starts with the README synopsis', async (name, synopsis) => {
    const first = (await help([name])).split('\n')[0];
    expect(first).toBe(`usage: lpbench ${synopsis}`);
  });
});
