// `lpbench doctor [--json] [--rig <file>]`: checks what this machine offers the bench
// (bench/doctor/checks.ts) and prints one line per item, or a JSON array with --json. With
// --rig, also what that rig file asks for and what is missing, with the fix
// (bench/doctor/rig-checks.ts). Exits 1 when a required item (ffmpeg, ffprobe, libx264, aac,
// flv, rtmp, or anything the rig asks for) is missing, 2 on bad usage or an invalid rig file.
import { parseArgs } from 'node:util';
import { loadRig, RigError } from '../../rig/load.ts';
import type { Rig } from '../../rig/types.ts';
import { CHECKS, requiredMissing, runChecks } from '../doctor/checks.ts';
import { formatReports } from '../doctor/format.ts';
import { rigChecks } from '../doctor/rig-checks.ts';

export const USAGE = 'usage: lpbench doctor [--json] [--rig <file>]';
const EXIT_OK = 0;
const EXIT_REQUIRED_MISSING = 1;
const EXIT_USAGE = 2;

export async function run(argv: string[]): Promise<number> {
  let values: { json?: boolean; help?: boolean; rig?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, rig: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  let rig: Rig | undefined;
  if (values.rig !== undefined) {
    try {
      rig = loadRig(values.rig);
    } catch (err) {
      if (!(err instanceof RigError)) throw err;
      process.stderr.write(`lpbench doctor: ${err.message}\n`);
      return EXIT_USAGE;
    }
  }
  const reports = await runChecks(rig ? [...CHECKS, ...rigChecks(rig)] : CHECKS);
  process.stdout.write(values.json ? JSON.stringify(reports, null, 2) + '\n' : formatReports(reports) + '\n');
  return requiredMissing(reports) ? EXIT_REQUIRED_MISSING : EXIT_OK;
}
