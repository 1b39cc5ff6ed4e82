// Runs one external command to its exit under a supervised child (supervised.ts), with
// optional bytes on stdin, stdout collected (optionally capped) and a hard timeout after which
// the child is killed. The one such helper: the oracles' offline ffmpeg/ffprobe analyses,
// `lpbench doctor`'s probes, the benchmarks and the tests all use it.
import { ProcessStartError, SupervisedProcess, type ExitInfo } from './supervised.ts';

export const DEFAULT_RUN_TIMEOUT_MS = 60_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
/** Output runCommand keeps per stream; the longest listing doctor reads (ffmpeg -filters) is ~30 KiB. */
const MAX_COMMAND_OUTPUT_BYTES = 1024 * 1024;

export interface RunProcessOptions {
  /** Human name used in errors ("ffmpeg frame decoder"). */
  name: string;
  command: string;
  args: readonly string[];
  /** Bytes written to stdin, which is then closed; without it stdin is not piped. */
  stdin?: Uint8Array;
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; default DEFAULT_RUN_TIMEOUT_MS. */
  timeoutMs?: number;
  /** How long the start may take (supervised.ts default when absent). */
  startTimeoutMs?: number;
  /** Stdout bytes kept; later chunks are dropped. Unbounded when absent. */
  maxStdoutBytes?: number;
}

export interface ProcessRun {
  /** 'timeout': killed after timeoutMs; 'exited': ran to its end (see exit). */
  outcome: 'timeout' | 'exited';
  exit: ExitInfo;
  stdout: Buffer;
  stderrTail: string;
}

/** The run did not end well: non-zero exit or timeout (see reason). */
export class ProcessRunError extends Error {
  constructor(
    readonly processName: string,
    readonly reason: string,
    readonly stderrTail: string,
  ) {
    super(`${processName}: ${reason}${stderrTail ? `\n--- stderr ---\n${stderrTail}` : ''}`);
    this.name = 'ProcessRunError';
  }
}

/** Runs to exit or timeout and reports what happened. Throws ProcessStartError if it cannot start. */
export async function runProcess(opts: RunProcessOptions): Promise<ProcessRun> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const proc = await SupervisedProcess.start({
    name: opts.name,
    command: opts.command,
    args: opts.args,
    env: opts.env,
    stdin: opts.stdin !== undefined,
    readyWhen: 'spawn',
    startTimeoutMs: opts.startTimeoutMs,
  });
  const chunks: Buffer[] = [];
  let kept = 0;
  const limit = opts.maxStdoutBytes ?? Number.POSITIVE_INFINITY;
  proc.stdout.on('data', (chunk: Buffer) => {
    if (kept >= limit) return;
    chunks.push(chunk);
    kept += chunk.length;
  });
  if (opts.stdin !== undefined) proc.stdin.end(Buffer.from(opts.stdin.buffer, opts.stdin.byteOffset, opts.stdin.byteLength));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.close('SIGKILL');
  }, timeoutMs);
  try {
    const exit = await proc.waitExit();
    return { outcome: timedOut ? 'timeout' : 'exited', exit, stdout: Buffer.concat(chunks), stderrTail: proc.stderrTail() };
  } finally {
    clearTimeout(timer);
    await proc.close();
  }
}

/** Runs to exit; resolves with stdout, rejects with ProcessRunError on non-zero exit or timeout. */
export async function runToCompletion(opts: RunProcessOptions): Promise<{ stdout: Buffer; stderr: string }> {
  const run = await runProcess(opts);
  if (run.outcome === 'timeout') {
    throw new ProcessRunError(opts.name, `timed out after ${opts.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS} ms`, run.stderrTail);
  }
  if (run.exit.code !== 0) {
    throw new ProcessRunError(opts.name, `exited with code ${run.exit.code ?? '-'} signal ${run.exit.signal ?? '-'}`, run.stderrTail);
  }
  return { stdout: run.stdout, stderr: run.stderrTail };
}

export interface CommandResult {
  /** 'not-found': the executable does not exist; 'start-failed': it could not start otherwise;
   *  'timeout': killed after timeoutMs; 'exited': ran to its end (see code). */
  outcome: 'not-found' | 'timeout' | 'exited' | 'start-failed';
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run, for 'not-found' / 'start-failed'. */
  reason?: string;
}

/** Runs a short command and says plainly whether it was not found, timed out, failed or ran; never throws. */
export async function runCommand(
  command: string,
  args: readonly string[],
  timeoutMs: number = DEFAULT_COMMAND_TIMEOUT_MS,
  env?: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  let run: ProcessRun;
  try {
    run = await runProcess({ name: command, command, args, env, timeoutMs, startTimeoutMs: timeoutMs, maxStdoutBytes: MAX_COMMAND_OUTPUT_BYTES });
  } catch (err) {
    const reason = err instanceof ProcessStartError ? err.reason : String(err);
    return { outcome: /ENOENT|EACCES/.test(reason) ? 'not-found' : 'start-failed', code: null, stdout: '', stderr: '', reason };
  }
  return { outcome: run.outcome, code: run.exit.code, stdout: run.stdout.toString('utf8'), stderr: run.stderrTail };
}
