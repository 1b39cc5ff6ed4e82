// Ctrl-C and SIGTERM with cleanups to run: what a long command set up outside its own process
// (a PulseAudio null sink, lease files, feeder processes; adapters/lab/prepare.ts) must be
// undone when it is interrupted, or the next run finds the sink taken and the lease held.
// While at least one cleanup is registered, the first SIGINT/SIGTERM runs them all (each given
// at most CLEANUP_TIMEOUT_MS) and exits with 128 + the signal's number, as a shell reports it;
// a second signal exits at once. With none registered, the signals keep their default action.
// Child processes are ended by their own exit hook (supervised.ts) when the process exits.
import { constants } from 'node:os';

/** How long each cleanup may take after an interrupt before the process exits anyway (ms). */
export const CLEANUP_TIMEOUT_MS = 10_000;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

type Cleanup = () => Promise<unknown>;

const cleanups = new Set<Cleanup>();
let interrupted = false;

function exitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

function withTimeout(fn: Cleanup): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise((resolve) => {
    timer = setTimeout(resolve, CLEANUP_TIMEOUT_MS);
  });
  return Promise.race([Promise.resolve().then(fn).catch(() => undefined), limit]).finally(() => clearTimeout(timer));
}

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) process.exit(exitCode(signal));
  interrupted = true;
  process.stderr.write(`${signal}: cleaning up before exit (${signal} again to exit at once)\n`);
  const pending = [...cleanups];
  cleanups.clear();
  void Promise.all(pending.map(withTimeout)).then(() => process.exit(exitCode(signal)));
}

function listen(on: boolean): void {
  for (const s of SIGNALS) {
    if (on) process.on(s, onSignal);
    else process.off(s, onSignal);
  }
}

/** Runs `cleanup` if the process is interrupted before the returned function is called (which
 *  unregisters it, once the caller has cleaned up on its own path). */
export function onInterrupt(cleanup: Cleanup): () => void {
  if (cleanups.size === 0 && !interrupted) listen(true);
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0 && !interrupted) listen(false);
  };
}
