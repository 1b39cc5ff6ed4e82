// Ctrl-C / SIGTERM with cleanups registered (adapters/process/interrupt.ts): the cleanups run,
// the exit code is 128 + the signal; a second signal exits at once; none registered: the
// default action (killed by the signal, nothing run).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'interruptible.ts');
const EXIT_TIMEOUT_MS = 15_000;

interface Ended { code: number | null; signal: NodeJS.Signals | null; stderr: string }

/** Starts the fixture, waits for "ready", sends each signal in turn (200 ms apart), and resolves when it ends. */
function interrupt(mode: string, marker: string, signals: NodeJS.Signals[]): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode, marker], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the fixture did not exit within ${EXIT_TIMEOUT_MS} ms`));
    }, EXIT_TIMEOUT_MS);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => {
      signals.forEach((s, i) => setTimeout(() => child.kill(s), i * 200));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

describe('onInterrupt', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const marker = () => {
    dir = mkdtempSync(join(tmpdir(), 'lpb-interrupt-'));
    return join(dir, 'marker');
  };

  it('SIGTERM runs the cleanup, then exits 143', async () => {
    const m = marker();
    const ended = await interrupt('write', m, ['SIGTERM']);
    expect(ended).toMatchObject({ code: 143, signal: null });
    expect(ended.stderr).toContain('SIGTERM: cleaning up');
    expect(existsSync(m)).toBe(true);
  });

  it('SIGINT (Ctrl-C) runs the cleanup, then exits 130', async () => {
    const m = marker();
    const ended = await interrupt('write', m, ['SIGINT']);
    expect(ended.code).toBe(130);
    expect(existsSync(m)).toBe(true);
  });

  it('a second signal exits at once when a cleanup hangs', async () => {
    const ended = await interrupt('hang', marker(), ['SIGTERM', 'SIGTERM']);
    expect(ended.code).toBe(143);
  });

  it('with no cleanup registered (or the last one unregistered) the signal keeps its default action', async () => {
    const m = marker();
    const ended = await interrupt('unregister', m, ['SIGTERM']);
    expect(ended).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(existsSync(m)).toBe(false);
  });
});
