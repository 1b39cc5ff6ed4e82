// `lpbench push`: argument parsing, and a person's session: live status codes and netstatus on
// stdout while pushing to the embedded server, then a clean stop on Ctrl-C (SIGINT).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedServer } from '../../adapters/server/embedded.ts';
import { UsageError, parsePushArgs } from '../../bench/commands/push.ts';

const BIN = fileURLToPath(new URL('../../bin/lpbench.js', import.meta.url));

describe('lpbench push arguments', () => {
  it('takes the url and repeated --attr name=value', () => {
    expect(parsePushArgs(['rtmp://h/live/s', '--attr', 'mode=HD', '--attr', 'remote-mirror=true'])).toEqual({
      url: 'rtmp://h/live/s',
      attrs: { mode: 'HD', 'remote-mirror': 'true' },
      rig: undefined,
    });
  });

  it.each([
    [[], /url is missing/],
    [['rtmp://h/a/s', '--attr'], /--attr needs name=value/],
    [['rtmp://h/a/s', '--attr', 'mode'], /--attr needs name=value/],
    [['rtmp://h/a/s', '--bogus'], /unknown option --bogus/],
    [['rtmp://h/a/s', 'extra'], /unexpected argument/],
  ])('refuses %j', (argv, message) => {
    expect(() => parsePushArgs(argv as string[])).toThrow(UsageError);
    expect(() => parsePushArgs(argv as string[])).toThrow(message);
  });
});

describe('lpbench push session', () => {
  let server: EmbeddedServer;
  beforeAll(async () => {
    server = await EmbeddedServer.start();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shows codes and netstatus live, and stops cleanly on SIGINT', async () => {
    const stream = `push-${process.pid}`;
    const child = spawn(process.execPath, [BIN, 'push', server.rtmpUrl('live', stream), '--attr', 'fps=10'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      await server.waitForPublish(`/live/${stream}`, 20_000);
      const deadline = Date.now() + 15_000;
      // The first report covers the start-up interval; the second is a steady one.
      while ((out.match(/netstatus video/g) ?? []).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toMatch(/statechange 1002/);
      // 10 fps asked; a 2 s report counts 20 frames, give or take the one on the window's edge.
      expect(out).toMatch(/netstatus video \d+ kbps (9\.[5-9]|10(\.[0-5])?) fps/);
      expect(out).toMatch(/stopping/);
      await server.waitForUnpublish(`/live/${stream}`, 5000);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('reports an illegal attribute and exits 1 without pushing', async () => {
    const child = spawn(process.execPath, [BIN, 'push', server.rtmpUrl('live', 'never'), '--attr', 'fps=99'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toMatch(/fps: 99 is not legal; expected an integer from 1 to 30/);
  });
});
