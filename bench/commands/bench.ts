// `lpbench bench [--list] [name ...]`: runs the benchmarks in bench/perf/ (all when none is named) and
// prints each one's figures, always as a ratio against a baseline measured in the same run.
import * as protocolThroughput from '../perf/protocol-throughput.ts';

interface Benchmark<R> {
  NAME: string;
  DESCRIPTION: string;
  run(): Promise<R>;
  format(r: R): string;
}

const BENCHMARKS: Benchmark<never>[] = [protocolThroughput as unknown as Benchmark<never>];

export const USAGE = 'usage: lpbench bench [--list] [name ...]\n\n  --list   name and describe the benchmarks\n  name     run only these (default: all)';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (argv.includes('--list')) {
    for (const b of BENCHMARKS) process.stdout.write(`${b.NAME.padEnd(24)} ${b.DESCRIPTION}\n`);
    return 0;
  }
  const unknown = argv.filter((n) => !BENCHMARKS.some((b) => b.NAME === n));
  if (unknown.length) {
    process.stderr.write(`lpbench bench: unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.NAME).join(', ')}\n`);
    return 2;
  }
  const chosen = argv.length ? BENCHMARKS.filter((b) => argv.includes(b.NAME)) : BENCHMARKS;
  for (const b of chosen) {
    process.stdout.write(`== ${b.NAME}: ${b.DESCRIPTION}\n`);
    const result = await b.run();
    process.stdout.write(`${b.format(result)}\n`);
  }
  return 0;
}
