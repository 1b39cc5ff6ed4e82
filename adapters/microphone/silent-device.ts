// A microphone that opens but never delivers a sample (rig microphone.fault no-samples; live-pusher.zh.md
// 状态码 -1311: Mic打开成功，但是录不到音频数据): a FIFO this process holds open for writing and never
// writes. Opening it for reading succeeds at once (a writer is there), and every read blocks, as
// a capture device that is open but silent does. The FIFO is made in a private temporary
// directory, opened read-write (which never blocks on Linux), and its name removed at once; it is
// reached through /proc/<pid>/fd/<fd> for as long as this process lives, so nothing is left on
// disk on any path, and the descriptor closes with the process.
import { execFile } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

let device: Promise<string> | undefined;

async function makeDevice(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lpb-silent-mic-'));
  try {
    const fifo = join(dir, 'mic');
    await promisify(execFile)('mkfifo', ['-m', '600', fifo]);
    const fd = openSync(fifo, 'r+');
    return `/proc/${process.pid}/fd/${fd}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The path of this process's silent device (made on first use, shared by every opening). */
export function silentDevicePath(): Promise<string> {
  device ??= makeDevice().catch((err: unknown) => {
    device = undefined;
    throw err;
  });
  return device;
}

/** ffmpeg input args that open the silent device as raw mono PCM at `sampleRate`. */
export async function silentInputArgs(sampleRate: number): Promise<string[]> {
  return ['-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', await silentDevicePath()];
}
