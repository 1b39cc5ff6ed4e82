// `lpbench driver`: the reference pusher as an IUT, speaking the driver protocol on stdio
// (docs/driver-protocol.md). stdout carries protocol lines only; logs go to stderr.
import { createInterface } from 'node:readline';
import { DriverSession, type Outgoing } from '../../reference-pusher/driver.ts';
import { EMULATED_PLATFORMS } from '../../reference-pusher/platform-codes.ts';
import { redactWrites } from '../../adapters/process/redacted-writes.ts';

export const USAGE =
  'usage: lpbench driver\n\nThe reference pusher as an IUT: the driver protocol (newline-delimited JSON) on stdin/stdout.\n' +
  `LPB_DRIVER_PLATFORM=<${EMULATED_PLATFORMS.join('|')}> emulates that platform: hello.platform says so, and its platform-specific status codes are emitted (ios: 4998 / 4999 when enable-mic / muted toggle).`;

export async function run(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`lpbench driver takes no arguments (got ${argv.join(' ')}); it speaks NDJSON on stdin/stdout\n`);
    return 2;
  }
  const platform = process.env['LPB_DRIVER_PLATFORM'] || undefined;
  if (platform !== undefined && !EMULATED_PLATFORMS.includes(platform)) {
    process.stderr.write(`LPB_DRIVER_PLATFORM: ${JSON.stringify(platform)} is not legal; legal values: ${EMULATED_PLATFORMS.join(', ')} (or unset: this machine's platform)\n`);
    return 2;
  }
  // stdout is the protocol and is never touched; stderr is read by people.
  redactWrites(process.stderr);
  const write = (msg: Outgoing) => {
    process.stdout.write(JSON.stringify(msg) + '\n');
  };
  let finished: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finished = resolve;
  });
  const session = new DriverSession(write, () => finished(0), {}, platform);
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let queue: Promise<void> = Promise.resolve();
  rl.on('line', (line) => {
    // Requests are answered in order; a long call does not reorder the replies after it.
    queue = queue.then(() => session.handleLine(line));
  });
  rl.on('close', () => {
    void queue.then(() => session.dispose()).then(() => finished(0));
  });
  const onSignal = () => {
    void session.dispose().then(() => finished(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const code = await done;
  rl.close();
  await session.dispose();
  // Let stdout drain, then leave even if a stray handle remains.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  setTimeout(() => process.exit(code), 50).unref();
  return code;
}
