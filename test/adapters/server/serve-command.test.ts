// Tests of `lpbench serve` (bench/commands/serve.ts) run as a subprocess: it prints the RTMP base
// URL, reports a publish and its end, and stops cleanly on SIGTERM; a bad port is a usage error.
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { SupervisedProcess } from '../../../adapters/process/supervised.ts';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';

const CLI = fileURLToPath(new URL('../../../bin/lpbench.js', import.meta.url));
const START_TIMEOUT_MS = 20_000;
const LINE_TIMEOUT_MS = 15_000;
const LISTENING = /^rtmp server listening: (rtmp:\/\/127\.0\.0\.1:\d+)\s/;

const procs: SupervisedProcess[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.close('SIGKILL')));
});

function nextLine(proc: SupervisedProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.off('stdout-line', onLine);
      reject(new Error(`no line matching ${pattern} within ${LINE_TIMEOUT_MS} ms`));
    }, LINE_TIMEOUT_MS);
    const onLine = (line: string) => {
      if (!pattern.test(line)) return;
      clearTimeout(timer);
      proc.off('stdout-line', onLine);
      resolve(line);
    };
    proc.on('stdout-line', onLine);
  });
}

describe('lpbench serve', () => {
  it('prints its URL, each publish and unpublish, and exits 0 on SIGTERM', async () => {
    let base = '';
    const serve = await SupervisedProcess.start({
      name: 'lpbench serve',
      command: process.execPath,
      args: [CLI, 'serve'],
      stdin: false,
      stdoutMode: 'lines',
      readyWhen: (line, stream) => {
        const match = stream === 'stdout' ? LISTENING.exec(line) : null;
        if (match) base = match[1]!;
        return match !== null;
      },
      startTimeoutMs: START_TIMEOUT_MS,
    });
    procs.push(serve);
    expect(base).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+$/);

    const published = nextLine(serve, /\bpublish\s+\/live\/serve$/);
    const unpublished = nextLine(serve, /\bunpublish\s+\/live\/serve$/);
    const ffmpeg = await SupervisedProcess.start({
      name: 'ffmpeg publisher',
      command: ffmpegPath(),
      args: ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'flv', `${base}/live/serve`],
      stdin: false,
      stdoutMode: 'ignore',
    });
    procs.push(ffmpeg);
    expect(await published).toMatch(/^\d{4}-\d\d-\d\dT.*Z publish\s+\/live\/serve$/);
    expect(await unpublished).toMatch(/unpublish \/live\/serve$/);
    expect((await ffmpeg.waitExit()).code).toBe(0);

    const stopping = nextLine(serve, /^SIGTERM: stopping$/);
    const exit = await serve.close('SIGTERM', LINE_TIMEOUT_MS);
    await stopping;
    expect(exit).toMatchObject({ code: 0, signal: null });
  });

  it('rejects a bad port with exit code 2', async () => {
    const serve = await SupervisedProcess.start({
      name: 'lpbench serve',
      command: process.execPath,
      args: [CLI, 'serve', '--port', 'abc'],
      stdin: false,
      stdoutMode: 'ignore',
    });
    procs.push(serve);
    const exit = await serve.waitExit();
    expect(exit.code).toBe(2);
    expect(serve.stderrTail()).toMatch(/--port must be an integer/);
  });
});
