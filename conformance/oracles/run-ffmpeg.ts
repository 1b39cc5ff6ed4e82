// Runs ffmpeg/ffprobe to completion under supervision: optional bytes on stdin, stdout
// collected, bounded by a timeout after which the child is killed. Used by the offline
// analyses (PNG evidence, spectra) and the tests; the live observer has its own plumbing.
import { SupervisedProcess } from '../../adapters/process/supervised.ts';

export class FfmpegRunError extends Error {
  constructor(
    readonly processName: string,
    readonly reason: string,
    readonly stderrTail: string,
  ) {
    super(`${processName}: ${reason}${stderrTail ? `\n--- stderr ---\n${stderrTail}` : ''}`);
    this.name = 'FfmpegRunError';
  }
}

export interface RunOptions {
  name: string;
  command: string;
  args: readonly string[];
  stdin?: Uint8Array;
  timeoutMs?: number;
}

const DEFAULT_RUN_TIMEOUT_MS = 60_000;

/** Runs to exit; resolves with stdout, rejects with FfmpegRunError on non-zero exit or timeout. */
export async function runToCompletion(opts: RunOptions): Promise<{ stdout: Buffer; stderr: string }> {
  const proc = await SupervisedProcess.start({
    name: opts.name,
    command: opts.command,
    args: opts.args,
    stdin: opts.stdin !== undefined,
  });
  const chunks: Buffer[] = [];
  proc.stdout.on('data', (c: Buffer) => chunks.push(c));
  if (opts.stdin !== undefined) proc.stdin.end(Buffer.from(opts.stdin.buffer, opts.stdin.byteOffset, opts.stdin.byteLength));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.close('SIGKILL');
  }, opts.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS);
  try {
    const exit = await proc.waitExit();
    if (timedOut) throw new FfmpegRunError(opts.name, `timed out after ${opts.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS} ms`, proc.stderrTail());
    if (exit.code !== 0) throw new FfmpegRunError(opts.name, `exited with code ${exit.code ?? '-'} signal ${exit.signal ?? '-'}`, proc.stderrTail());
    return { stdout: Buffer.concat(chunks), stderr: proc.stderrTail() };
  } finally {
    clearTimeout(timer);
    await proc.close();
  }
}
