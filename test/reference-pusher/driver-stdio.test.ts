// The driver protocol over stdio, as a third party sees it: `node bin/lpbench.js driver`.
// Replies, error replies for bad lines, events with ts, a real push to the embedded server,
// and a clean exit on dispose.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedServer } from '../../adapters/server/embedded.ts';

const BIN = fileURLToPath(new URL('../../bin/lpbench.js', import.meta.url));

type Msg = Record<string, unknown>;

class Driver {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly lines: Msg[] = [];
  private waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor() {
    this.proc = spawn(process.execPath, [BIN, 'driver'], { stdio: 'pipe' });
    this.exited = new Promise((resolve) => this.proc.once('close', (code) => resolve(code)));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as Msg;
      this.lines.push(msg);
      this.waiters = this.waiters.filter((w) => (w.pred(msg) ? (w.resolve(msg), false) : true));
    });
  }

  send(raw: string): void {
    this.proc.stdin.write(raw + '\n');
  }

  waitFor(pred: (m: Msg) => boolean, timeoutMs = 15_000): Promise<Msg> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching line in ${timeoutMs} ms; got ${JSON.stringify(this.lines)}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  async request(id: number, method: string, params?: unknown): Promise<Msg> {
    this.send(JSON.stringify({ id, method, params }));
    return this.waitFor((m) => m['id'] === id);
  }

  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}

describe('lpbench driver over stdio', () => {
  let server: EmbeddedServer;
  const drivers: Driver[] = [];
  const driver = () => {
    const d = new Driver();
    drivers.push(d);
    return d;
  };

  beforeAll(async () => {
    server = await EmbeddedServer.start();
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    for (const d of drivers.splice(0)) d.kill();
  });

  it('answers hello with its name, version and honest capabilities', async () => {
    const d = driver();
    const r = (await d.request(1, 'hello'))['result'] as Msg;
    expect(r['name']).toBe('reference');
    expect(r['version']).toMatch(/^\d+\.\d+\.\d+/);
    const caps = r['capabilities'] as Record<string, string[]>;
    expect(caps['methods']).toContain('start');
    expect(caps['attributes']).toContain('remote-mirror');
    // Rows the reference does not implement (declared not applicable on a desk) are not claimed.
    expect(caps['attributes']).not.toContain('picture-in-picture-mode');
    expect(caps['attributes']).not.toContain('face-thinness');
  });

  it('replies with an error to malformed lines, unknown methods and calls before create', async () => {
    const d = driver();
    d.send('{not json');
    const bad = await d.waitFor((m) => m['id'] === null);
    expect((bad['error'] as Msg)['errMsg']).toMatch(/malformed JSON/);
    expect((await d.request(2, 'teleport'))['error']).toMatchObject({ errMsg: expect.stringMatching(/unknown method "teleport"/) });
    expect((await d.request(3, 'call', { name: 'start' }))['error']).toMatchObject({ errMsg: expect.stringMatching(/create/) });
    expect((await d.request(4, 'create', { attrs: { fps: 45 } }))['error']).toMatchObject({ errMsg: expect.stringMatching(/fps: 45 is not legal/) });
    expect((await d.request(5, 'create', { attrs: {} }))['result']).toBeDefined();
    expect((await d.request(6, 'call', { name: 'teleport' }))['error']).toMatchObject({ errMsg: expect.stringMatching(/not supported/) });
    expect((await d.request(7, 'call', { name: 'toString' }))['error']).toMatchObject({ errMsg: expect.stringMatching(/toString:fail not supported/) });
    expect((await d.request(8, 'bench', { event: 'sleep', phase: 'begin' }))['error']).toMatchObject({ errMsg: expect.stringMatching(/event "sleep" is not known; expected "interruption" or "background"/) });
  });

  it('pushes to the server with the start codes in order, sends netstatus, and exits on dispose', async () => {
    const d = driver();
    const stream = `driver-${process.pid}`;
    await d.request(1, 'hello');
    expect((await d.request(2, 'create', { attrs: { url: server.rtmpUrl('live', stream) } }))['result']).toBeDefined();
    const published = server.waitForPublish(`/live/${stream}`, 20_000);
    expect((await d.request(3, 'call', { name: 'start' }))['result']).toMatchObject({ errMsg: 'start:ok' });
    await published;
    await d.waitFor((m) => m['event'] === 'statechange' && (m['detail'] as Msg)['code'] === 1002);
    const net = await d.waitFor((m) => m['event'] === 'netstatus', 10_000);
    expect(typeof net['ts']).toBe('number');
    expect(Object.keys((net['detail'] as Msg)['info'] as Msg).sort()).toEqual(
      ['audioBitrate', 'audioCache', 'netJitter', 'netQualityLevel', 'netSpeed', 'videoBitrate', 'videoCache', 'videoFPS', 'videoGOP', 'videoHeight', 'videoWidth'],
    );
    const codes = d.lines.filter((m) => m['event'] === 'statechange').map((m) => (m['detail'] as Msg)['code']);
    expect(codes.slice(0, 5)).toEqual([1003, 1007, 1008, 1001, 1002]);
    expect((await d.request(4, 'dispose'))['result']).toBeDefined();
    expect(await d.exited).toBe(0);
    await server.waitForUnpublish(`/live/${stream}`, 5000);
  });

  it('cleans up and exits when stdin closes', async () => {
    const d = driver();
    await d.request(1, 'hello');
    d.proc.stdin.end();
    expect(await d.exited).toBe(0);
  });
});
