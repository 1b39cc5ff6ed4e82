// `lpbench bench [--list] [name ...]`: runs the benchmarks in bench/perf/ (all but the long ones
// when none is named) and prints each one's figures, always as a ratio against a baseline
// measured in the same run. `--minutes N` sets how long the soak benchmark pushes.
import * as glassToGlass from '../perf/glass-to-glass.ts';
import * as protocolThroughput from '../perf/protocol-throughput.ts';
import * as soak from '../perf/soak.ts';

interface BenchOptions {
  minutes?: number;
}

interface Benchmark<R> {
  NAME: string;
  DESCRIPTION: string;
  run(opts: BenchOptions): Promise<R>;
  format(r: R): string;
}

const BENCHMARKS: Benchmark<never>[] = [protocolThroughput as unknown as Benchmark<never>, glassToGlass as unknown as Benchmark<never>, soak as unknown as Benchmark<never>];
/** Benchmarks that run long or need lab tools (socat): only when named. */
const NAMED_ONLY = new Set([soak.NAME, glassToGlass.NAME]);
const MAX_MINUTES = 24 * 60;

export const USAGE =
  'usage: lpbench bench [--list] [name ...]\n\n' +
  '  --list         name and describe the benchmarks\n' +
  '  name           run only these (default: all but soak and glass-to-glass, which run only when named)\n' +
  '  --minutes N    how long soak pushes (default 30)';

class UsageError extends Error {}

function parse(argv: string[]): { names: string[]; opts: BenchOptions } {
  const names: string[] = [];
  const opts: BenchOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a !== '--minutes') {
      names.push(a);
      continue;
    }
    const raw = argv[++i];
    const minutes = Number(raw);
    if (raw === undefined || !Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_MINUTES) {
      throw new UsageError(`--minutes must be a number of minutes above 0 and at most ${MAX_MINUTES}, got ${raw === undefined ? '(nothing)' : `"${raw}"`}`);
    }
    opts.minutes = minutes;
  }
  return { names, opts };
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (argv.includes('--list')) {
    for (const b of BENCHMARKS) process.stdout.write(`${b.NAME.padEnd(24)} ${b.DESCRIPTION}\n`);
    return 0;
  }
  let parsed: { names: string[]; opts: BenchOptions };
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`lpbench bench: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { names, opts } = parsed;
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.NAME === n));
  if (unknown.length) {
    process.stderr.write(`lpbench bench: unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.NAME).join(', ')}\n`);
    return 2;
  }
  const chosen = names.length ? BENCHMARKS.filter((b) => names.includes(b.NAME)) : BENCHMARKS.filter((b) => !NAMED_ONLY.has(b.NAME));
  for (const b of chosen) {
    process.stdout.write(`== ${b.NAME}: ${b.DESCRIPTION}\n`);
    const result = await b.run(opts);
    process.stdout.write(`${b.format(result)}\n`);
  }
  return 0;
}
