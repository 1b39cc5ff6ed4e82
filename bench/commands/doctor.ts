// `lpbench doctor [--json]`: checks what this machine offers the bench (bench/doctor/checks.ts)
// and prints one line per item, or a JSON array with --json. Exits 1 when a required item
// (ffmpeg, ffprobe, libx264, aac, flv, rtmp) is missing, else 0.
import { parseArgs } from 'node:util';
import { requiredMissing, runChecks } from '../doctor/checks.ts';
import { formatReports } from '../doctor/format.ts';

export const USAGE = 'usage: lpbench doctor [--json]';
const EXIT_OK = 0;
const EXIT_REQUIRED_MISSING = 1;
const EXIT_USAGE = 2;

export async function run(argv: string[]): Promise<number> {
  let values: { json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`lpbench doctor: ${(err as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT_OK;
  }
  const reports = await runChecks();
  process.stdout.write(values.json ? JSON.stringify(reports, null, 2) + '\n' : formatReports(reports) + '\n');
  return requiredMissing(reports) ? EXIT_REQUIRED_MISSING : EXIT_OK;
}
