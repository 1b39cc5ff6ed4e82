// An encoder that dies after it started: the pusher reports 1104 and restarts it on the same
// connection (live-pusher.zh.md 状态码 1104: 视频编码失败, 内部会重启编码器); an encoder that keeps
// dying is given up with -1303 (视频编码失败) and the push ends cleanly instead of spinning.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedServer } from '../../adapters/server/embedded.ts';
import { ENCODER_RESTART_LIMIT, LivePusher } from '../../reference-pusher/live-pusher.ts';

const WAIT_MS = 15_000;
const POLL_MS = 50;
/** ffmpeg writes a byte or so before any media; its first output (FLV with a keyframe, or a raw
 *  frame on the tap) is kilobytes. */
const STARTUP_WRITE_BYTES = 1024;

/** Pids of this process's direct children whose command name is `name` (from /proc). */
function childPids(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid ...; comm may hold spaces, so split after the last ')'.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (comm === name && ppid === process.pid) pids.push(Number(entry));
  }
  return pids;
}

async function until<T>(what: string, fn: () => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Bytes the process has written (stdout, the frame tap, stderr), from /proc/<pid>/io. */
function bytesWritten(pid: number): number {
  try {
    return Number(/^wchar:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * The one running encoder child, other than `not`, once it has written output: an encoder
 * killed before its first output has not started (a failed start, not a death after start).
 */
function encoder(not?: number): number | undefined {
  const pids = childPids('ffmpeg').filter((p) => p !== not);
  return pids.length === 1 && bytesWritten(pids[0]!) > STARTUP_WRITE_BYTES ? pids[0] : undefined;
}

describe('encoder death after start', () => {
  let server: EmbeddedServer;
  beforeAll(async () => {
    server = await EmbeddedServer.start();
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`restarts on 1104 without dropping the connection, and gives up with -1303 after ${ENCODER_RESTART_LIMIT.count} restarts in ${ENCODER_RESTART_LIMIT.windowMs / 1000} s`, async () => {
    const stream = `restart-${process.pid}`;
    const pusher = new LivePusher();
    const codes: number[] = [];
    pusher.on('statechange', (d: { code: number }) => codes.push(d.code));
    let unpublished = false;
    server.on('unpublish', (e: { streamPath: string }) => {
      if (e.streamPath === `/live/${stream}`) unpublished = true;
    });
    try {
      await pusher.create({ url: server.rtmpUrl('live', stream), mode: 'QVGA', fps: 10 });
      await pusher.start();
      await server.waitForPublish(`/live/${stream}`, WAIT_MS);
      let pid = await until('the encoder', () => encoder());

      // Each death inside the budget: 1104, a new encoder, the same publish.
      for (let i = 1; i <= ENCODER_RESTART_LIMIT.count; i++) {
        process.kill(pid, 'SIGKILL');
        await until(`1104 number ${i}`, () => (codes.filter((c) => c === 1104).length >= i ? true : undefined));
        pid = await until(`encoder number ${i + 1}`, () => encoder(pid));
        expect(unpublished, 'the publish survived the restart').toBe(false);
      }
      expect(codes).not.toContain(-1303);

      // One more inside the window: given up.
      process.kill(pid, 'SIGKILL');
      await until('-1303', () => (codes.includes(-1303) ? true : undefined));
      await until('the unpublish at the server', () => (unpublished ? true : undefined));
      await until('no encoder left', () => (childPids('ffmpeg').length === 0 ? true : undefined));
      expect(pusher.currentState).toBe('idle');
      expect(codes.filter((c) => c === 1104)).toHaveLength(ENCODER_RESTART_LIMIT.count);
    } finally {
      await pusher.dispose();
    }
    expect(childPids('ffmpeg')).toEqual([]);
  }, 60_000);

  it('ends the push when the restarted encoder cannot start (-1301 after 1104), leaving no child behind', async () => {
    const stream = `restart-fails-${process.pid}`;
    const pusher = new LivePusher();
    const codes: number[] = [];
    pusher.on('statechange', (d: { code: number }) => codes.push(d.code));
    const saved = process.env['FFMPEG_PATH'];
    try {
      await pusher.create({ url: server.rtmpUrl('live', stream), mode: 'QVGA', fps: 10 });
      await pusher.start();
      await server.waitForPublish(`/live/${stream}`, WAIT_MS);
      const pid = await until('the encoder', () => encoder());
      process.env['FFMPEG_PATH'] = '/bin/false'; // the next encoder exits at once
      process.kill(pid, 'SIGKILL');
      await until('-1301', () => (codes.includes(-1301) ? true : undefined));
      await server.waitForUnpublish(`/live/${stream}`, WAIT_MS);
      await until('state idle', () => (pusher.currentState === 'idle' ? true : undefined));
      expect(codes.indexOf(1104)).toBeLessThan(codes.indexOf(-1301));
      expect(childPids('ffmpeg')).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env['FFMPEG_PATH'];
      else process.env['FFMPEG_PATH'] = saved;
      await pusher.dispose();
    }
  }, 60_000);
});
