// lpbench: the bench's command line. Each subcommand lives in bench/commands/<name>.ts and
// exports `run(argv: string[]): Promise<number>` (the process exit code).
import { realpathSync } from 'node:fs';

interface CommandInfo {
  /** The synopsis after `lpbench `, exactly as the command's own --help prints it. */
  synopsis: string;
  /** What it does, as in README's CLI table. */
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, CommandInfo> = {
  conformance: {
    synopsis: 'conformance [--iut "<command>"] [--rig <file>] [--grep <pattern>] [--out <dir>] [--no-html] [--concurrency <n>] [--shard <i>/<n>] [--file <path>]...',
    summary: 'run the suite (npm run conformance = this with the defaults)',
    load: () => import('./commands/conformance.ts'),
  },
  push: {
    synopsis: 'push <rtmp-url> [--attr name=value ...] [--rig <file>]',
    summary: 'push with the reference pusher, printing status codes and netstatus until Ctrl-C',
    load: () => import('./commands/push.ts'),
  },
  driver: {
    synopsis: 'driver',
    summary: 'the reference pusher as an IUT: the driver protocol on stdin/stdout',
    load: () => import('./commands/driver.ts'),
  },
  serve: {
    synopsis: 'serve [--port N] [--host ADDR] [--verbose]',
    summary: 'the embedded RTMP server (node-media-server in a supervised child)',
    load: () => import('./commands/serve.ts'),
  },
  doctor: {
    synopsis: 'doctor [--json] [--rig <file>]',
    summary: 'ffmpeg/ffprobe, encoders and filters, V4L2, PulseAudio, Chromium, serial ports, network namespaces; with --rig, what that rig asks for and what is missing, with the fix',
    load: () => import('./commands/doctor.ts'),
  },
  bench: {
    synopsis: 'bench [--list] [name ...]',
    summary: 'benchmarks (e.g. protocol throughput), reported as ratios against a baseline measured in the same run',
    load: () => import('./commands/bench.ts'),
  },
  report: {
    synopsis: 'report --merge <dir> [<dir> ...] [--out <dir>] [--no-html] [--allure-history <file>]',
    summary: 'merges the results folders of a sharded run (conformance --shard i/n) into one report with Allure trend history; report --history <dir> [--out <file>] prints check x date over past runs, newly failing first',
    load: () => import('./commands/report.ts'),
  },
};

function usage(): string {
  const lines = ['usage: lpbench <command> [options]', '', 'commands:'];
  for (const info of Object.values(COMMANDS)) lines.push(`  lpbench ${info.synopsis}`, `      ${info.summary}`);
  lines.push('', 'lpbench <command> --help prints its usage.');
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
