// Integration tests of the embedded RTMP server (adapters/server/embedded.ts): node-media-server
// in a supervised child, real ffmpeg publishing to it and ffprobe reading the stream back.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server } from 'node:net';
import { EmbeddedServer, ServerStartError, pickFreePort, type PublishEvent } from '../../../adapters/server/embedded.ts';
import { liveProcessCount, SupervisedProcess } from '../../../adapters/process/supervised.ts';
import { ffmpegPath, ffprobePath } from '../../../adapters/ffmpeg.ts';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const LOOPBACK = '127.0.0.1';
const STREAM_SECONDS = '3';
const EVENT_TIMEOUT_MS = 15_000;
const PROBE_RW_TIMEOUT_US = '5000000';
const PROBE_ANALYZE_US = '1000000';
const HOST_FIXTURE = fileURLToPath(new URL('./fixtures/host-that-dies.ts', import.meta.url));
const TSX_LOADER_URL = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const ORPHAN_POLL_MS = 100;
const ORPHAN_POLLS = 50;

const servers: EmbeddedServer[] = [];
const others: SupervisedProcess[] = [];
const sockets: Server[] = [];

afterEach(async () => {
  await Promise.all(others.splice(0).map((p) => p.close('SIGKILL')));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(sockets.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function startServer(opts?: Parameters<typeof EmbeddedServer.start>[0]): Promise<EmbeddedServer> {
  const server = await EmbeddedServer.start(opts);
  servers.push(server);
  return server;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, LOOPBACK);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function publishTestPattern(url: string, seconds: string = STREAM_SECONDS): Promise<SupervisedProcess> {
  const proc = await SupervisedProcess.start({
    name: 'ffmpeg publisher',
    command: ffmpegPath(),
    args: [
      '-hide_banner', '-loglevel', 'error', '-nostdin',
      '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-t', seconds,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'flv', url,
    ],
    stdin: false,
    stdoutMode: 'ignore',
  });
  others.push(proc);
  return proc;
}

async function probeStreams(url: string): Promise<{ code: number | null; json: { streams?: { codec_name?: string; width?: number; height?: number }[] } }> {
  const proc = await SupervisedProcess.start({
    name: 'ffprobe reader',
    command: ffprobePath(),
    args: ['-v', 'error', '-rw_timeout', PROBE_RW_TIMEOUT_US, '-analyzeduration', PROBE_ANALYZE_US, '-show_streams', '-of', 'json', url],
    stdin: false,
  });
  others.push(proc);
  const chunks: Buffer[] = [];
  proc.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exit = await proc.waitExit();
  const text = Buffer.concat(chunks).toString('utf8');
  return { code: exit.code, json: text ? (JSON.parse(text) as never) : {} };
}

describe('EmbeddedServer', () => {
  it('starts on a free loopback port and stops, twice in one process, leaving no child', async () => {
    const before = liveProcessCount();
    for (let round = 0; round < 2; round++) {
      const server = await startServer();
      expect(server.host).toBe(LOOPBACK);
      expect(server.port).toBeGreaterThan(0);
      expect(server.rtmpUrl('live', 'cam')).toBe(`rtmp://${LOOPBACK}:${server.port}/live/cam`);
      expect(await canConnect(server.port)).toBe(true);
      const pid = server.pid;
      expect(pid).toBeTypeOf('number');
      expect(liveProcessCount()).toBe(before + 1);
      await server.close();
      await server.close();
      expect(liveProcessCount()).toBe(before);
      expect(pidAlive(pid!)).toBe(false);
      expect(await canConnect(server.port)).toBe(false);
    }
  });

  it('runs two servers at once on different ports', async () => {
    const [a, b] = await Promise.all([startServer(), startServer()]);
    expect(a.port).not.toBe(b.port);
    expect(a.pid).not.toBe(b.pid);
    expect(await canConnect(a.port)).toBe(true);
    expect(await canConnect(b.port)).toBe(true);
    await a.close();
    expect(await canConnect(a.port)).toBe(false);
    expect(await canConnect(b.port)).toBe(true);
  });

  it('listens on a port that is asked for', async () => {
    const port = await pickFreePort(LOOPBACK);
    const server = await startServer({ port });
    expect(server.port).toBe(port);
    expect(await canConnect(port)).toBe(true);
  });

  it('rejects a taken port with ServerStartError naming it, and the host process lives on', async () => {
    const blocker = createServer();
    sockets.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, LOOPBACK, resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const before = liveProcessCount();
    const error = await EmbeddedServer.start({ port }).then(
      (server) => {
        servers.push(server);
        return undefined;
      },
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ServerStartError);
    expect((error as ServerStartError).port).toBe(port);
    expect((error as ServerStartError).code).toBe('EADDRINUSE');
    expect((error as Error).message).toContain(String(port));
    expect(liveProcessCount()).toBe(before);
    // The blocker still owns the port: the failed child did not take it or the host down.
    expect(await canConnect(port)).toBe(true);
  });

  it('reports publish and unpublish of an ffmpeg push promptly (no 30 s publish grace), and ffprobe reads the stream back', async () => {
    const server = await startServer();
    const published: PublishEvent[] = [];
    const unpublished: PublishEvent[] = [];
    server.on('publish', (e: PublishEvent) => published.push(e));
    server.on('unpublish', (e: PublishEvent) => unpublished.push(e));
    const url = server.rtmpUrl('live', 'pattern');

    const publisher = await publishTestPattern(url);
    const publish = await server.waitForPublish('/live/pattern', EVENT_TIMEOUT_MS);
    expect(publish).toMatchObject({ app: 'live', stream: 'pattern', streamPath: '/live/pattern' });
    expect(server.activeStreams()).toEqual(['/live/pattern']);

    const probe = await probeStreams(url);
    expect(probe.code).toBe(0);
    const video = probe.json.streams?.find((s) => s.codec_name === 'h264');
    expect(video).toMatchObject({ width: 320, height: 240 });

    const unpublish = await server.waitForUnpublish('/live/pattern', EVENT_TIMEOUT_MS);
    expect(unpublish.streamPath).toBe('/live/pattern');
    expect(unpublish.at).toBeGreaterThanOrEqual(publish.at);
    expect((await publisher.waitExit()).code).toBe(0);
    expect(server.activeStreams()).toEqual([]);
    expect(published.map((e) => e.streamPath)).toEqual(['/live/pattern']);
    expect(unpublished.map((e) => e.streamPath)).toEqual(['/live/pattern']);
  });

  it('ignores a second publisher of a live path, and reports a re-publish after the end', async () => {
    const server = await startServer();
    const events: string[] = [];
    server.on('publish', (e: PublishEvent) => events.push(`publish ${e.streamPath}`));
    server.on('unpublish', (e: PublishEvent) => events.push(`unpublish ${e.streamPath}`));
    const url = server.rtmpUrl('live', 'twice');

    const first = await publishTestPattern(url, '2');
    await server.waitForPublish('/live/twice', EVENT_TIMEOUT_MS);
    const intruder = await publishTestPattern(url, '1');
    expect((await intruder.waitExit()).code).not.toBe(0);
    await server.waitForUnpublish('/live/twice', EVENT_TIMEOUT_MS);
    expect((await first.waitExit()).code).toBe(0);

    const again = await publishTestPattern(url, '1');
    const republish = await server.waitForPublish('/live/twice', EVENT_TIMEOUT_MS);
    expect(republish.streamPath).toBe('/live/twice');
    expect((await again.waitExit()).code).toBe(0);
    await server.waitForUnpublish('/live/twice', EVENT_TIMEOUT_MS);
    expect(events).toEqual(['publish /live/twice', 'unpublish /live/twice', 'publish /live/twice', 'unpublish /live/twice']);
  });

  it('rejects a wait that times out, and waits pending at close', async () => {
    const server = await startServer();
    await expect(server.waitForPublish('/live/nobody', 200)).rejects.toThrow(/no publish of \/live\/nobody/);
    const pending = expect(server.waitForUnpublish('/live/nobody', EVENT_TIMEOUT_MS)).rejects.toThrow(/closed/);
    await server.close();
    await pending;
    await expect(server.waitForPublish('/live/nobody', EVENT_TIMEOUT_MS)).rejects.toThrow(/not running/);
  });

  it("emits 'died' when the child is killed from outside", async () => {
    const server = await startServer();
    const died = new Promise<Error>((resolve) => server.once('died', resolve));
    const pending = expect(server.waitForPublish('/live/never', EVENT_TIMEOUT_MS)).rejects.toThrow(/died/);
    process.kill(server.pid!, 'SIGKILL');
    const err = await died;
    expect(err.message).toMatch(/died \(code -, signal SIGKILL\)/);
    await pending;
    expect(server.activeStreams()).toEqual([]);
    await server.close();
  });

  it('takes its child down when the host process dies without closing it', async () => {
    let childPid = 0;
    const host = await SupervisedProcess.start({
      name: 'host that dies',
      command: process.execPath,
      args: ['--import', TSX_LOADER_URL, HOST_FIXTURE],
      stdin: false,
      stdoutMode: 'lines',
      readyWhen: (line, stream) => {
        const match = stream === 'stdout' ? /^child-pid (\d+)$/.exec(line) : null;
        if (match) childPid = Number(match[1]);
        return match !== null;
      },
      startTimeoutMs: EVENT_TIMEOUT_MS,
    });
    others.push(host);
    expect(childPid).toBeGreaterThan(0);
    expect(pidAlive(childPid)).toBe(true);
    process.kill(host.pid!, 'SIGKILL');
    await host.waitExit();
    let polls = 0;
    while (pidAlive(childPid) && polls < ORPHAN_POLLS) {
      await sleep(ORPHAN_POLL_MS);
      polls++;
    }
    expect(pidAlive(childPid)).toBe(false);
  });
});
