// lpbench: the bench's command line. Each subcommand lives in bench/commands/<name>.ts and
// exports `run(argv: string[]): Promise<number>` (the process exit code).
import { realpathSync } from 'node:fs';

interface CommandInfo {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, CommandInfo> = {
  conformance: {
    summary: 'run the conformance suite against an IUT: [--iut "<command>"] [--rig <file>] [--grep <pattern>]',
    load: () => import('./commands/conformance.ts'),
  },
  driver: {
    summary: 'speak the IUT driver protocol (newline-delimited JSON) on stdio, hosting the reference pusher',
    load: () => import('./commands/driver.ts'),
  },
  push: {
    summary: 'push to an RTMP url with the reference pusher: <rtmp-url> [--attr name=value ...]',
    load: () => import('./commands/push.ts'),
  },
  serve: {
    summary: 'run the embedded RTMP server: [--port N] [--verbose]',
    load: () => import('./commands/serve.ts'),
  },
  doctor: {
    summary: 'check what this machine offers the bench: [--json]',
    load: () => import('./commands/doctor.ts'),
  },
  bench: {
    summary: 'run the benchmarks in bench/: [name ...]',
    load: () => import('./commands/bench.ts'),
  },
};

function usage(): string {
  const lines = ['usage: lpbench <command> [options]', '', 'commands:'];
  for (const [name, info] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${info.summary}`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const info = COMMANDS[name];
  if (!info) {
    process.stderr.write(`lpbench: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const mod = await info.load();
  return mod.run(rest);
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]).endsWith('lpbench.js');
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`lpbench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
