// Runs one short external command for `lpbench doctor` under a supervised child process with a
// hard timeout, and says plainly whether it was not found, timed out, failed or ran.
import { SupervisedProcess, ProcessStartError } from '../../adapters/process/supervised.ts';

export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
/** Output kept per stream; the longest listing doctor reads (ffmpeg -filters) is ~30 KiB. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

export interface CommandResult {
  /** 'not-found': the executable does not exist; 'timeout': killed after timeoutMs;
   *  'exited': ran to its end (see code). */
  outcome: 'not-found' | 'timeout' | 'exited' | 'start-failed';
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run, for 'not-found' / 'start-failed'. */
  reason?: string;
}

export async function runCommand(
  command: string,
  args: readonly string[],
  timeoutMs: number = DEFAULT_COMMAND_TIMEOUT_MS,
  env?: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  let proc: SupervisedProcess;
  try {
    proc = await SupervisedProcess.start({
      name: command,
      command,
      args,
      env,
      stdin: false,
      readyWhen: 'spawn',
      startTimeoutMs: timeoutMs,
    });
  } catch (err) {
    const reason = err instanceof ProcessStartError ? err.reason : String(err);
    return { outcome: /ENOENT|EACCES/.test(reason) ? 'not-found' : 'start-failed', code: null, stdout: '', stderr: '', reason };
  }
  const chunks: Buffer[] = [];
  let kept = 0;
  proc.stdout.on('data', (chunk: Buffer) => {
    if (kept >= MAX_OUTPUT_BYTES) return;
    chunks.push(chunk);
    kept += chunk.length;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.close('SIGKILL');
  }, timeoutMs);
  const exit = await proc.waitExit();
  clearTimeout(timer);
  return {
    outcome: timedOut ? 'timeout' : 'exited',
    code: exit.code,
    stdout: Buffer.concat(chunks).toString('utf8'),
    stderr: proc.stderrTail(),
  };
}
