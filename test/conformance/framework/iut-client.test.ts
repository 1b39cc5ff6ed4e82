// IutClient against small NDJSON test drivers: replies, fail payloads, events, and every way a
// driver can break (garbage, unknown ids, silence, death, no hello) ending in IutBrokenError.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IutBrokenError, IutCallError, IutClient } from '../../../conformance/iut-client.ts';
import { liveProcessCount } from '../../../adapters/process/supervised.ts';

const DRIVERS = fileURLToPath(new URL('../drivers/', import.meta.url));
const driver = (file: string) => `node ${join(DRIVERS, file)}`;
const SHORT_TIMEOUT_MS = 800;

const clients: IutClient[] = [];
async function start(file: string, requestTimeoutMs?: number, stderrFile?: string): Promise<IutClient> {
  const c = await IutClient.start(driver(file), { requestTimeoutMs, stderrFile });
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  expect(liveProcessCount()).toBe(0);
});

describe('IutClient with a good driver', () => {
  it('says hello with name, version and capabilities', async () => {
    const c = await start('good-driver.mjs');
    const hello = await c.hello();
    expect(hello).toEqual({
      name: 'good',
      version: '1.2.3',
      platform: 'test',
      capabilities: { attributes: ['url', 'mirror'], methods: ['start', 'stop', 'fail', 'echo', 'emit'], events: ['statechange'] },
    });
    expect(c.info).toEqual(hello);
  });

  it('passes create attrs and rig verbatim, update and call results', async () => {
    const c = await start('good-driver.mjs');
    await c.hello();
    const rig = { camera: { front: { kind: 'synthetic' } } };
    expect(await c.create({ url: 'rtmp://127.0.0.1/live/x' }, rig)).toEqual({ created: true, rig });
    expect(await c.update({ mirror: true })).toEqual({ updated: ['mirror'] });
    expect(await c.call('echo', { a: 1 })).toEqual({ name: 'echo', args: { a: 1 } });
  });

  it('turns an error reply into IutCallError with errMsg and errCode (not broken)', async () => {
    const c = await start('good-driver.mjs');
    await c.hello();
    const err = await c.call('fail').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IutCallError);
    expect(err).toMatchObject({ errMsg: 'fail:denied', errCode: 10001 });
    expect(c.broken).toBeUndefined();
    expect(await c.call('echo')).toEqual({ name: 'echo', args: {} });
  });

  it('logs events with receivedAt and waits for status codes', async () => {
    const c = await start('good-driver.mjs');
    await c.hello();
    await c.call('start');
    const e = await c.waitForStatus(1002, 5000);
    expect(e.detail).toEqual({ code: 1002, message: 'publishing' });
    expect(c.events('statechange').map((x) => (x.detail as { code: number }).code)).toEqual([1001, 1002]);
    expect(e.receivedAt).toBeGreaterThanOrEqual(e.ts - 1000);
    const already = await c.waitForEvent('statechange', (x) => (x.detail as { code: number }).code === 1001, 10);
    expect(already.event).toBe('statechange');
    await c.call('emit', { event: 'bgmstart', detail: {} });
    expect((await c.waitForEvent('bgmstart', undefined, 5000)).event).toBe('bgmstart');
    expect(c.events().length).toBe(3);
  });

  it('waitForEvent times out with an AssertionError listing what came', async () => {
    const c = await start('good-driver.mjs');
    await c.hello();
    await c.call('start');
    await c.waitForStatus(1002, 5000);
    const err = await c.waitForStatus(3004, 100).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AssertionError');
    expect((err as Error).message).toContain('statechange:1001, statechange:1002');
    expect(c.broken).toBeUndefined();
  });

  it('keeps stderr in memory and in a file; dispose is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpb-iut-'));
    try {
      const file = join(dir, 'stderr.log');
      const c = await start('good-driver.mjs', undefined, file);
      await c.hello();
      await c.create({ url: 'rtmp://127.0.0.1/live/s' });
      await c.dispose();
      await c.dispose();
      expect(c.stderr()).toContain('good-driver: ready');
      expect(c.stderr()).toContain('good-driver: create');
      expect(readFileSync(file, 'utf8')).toContain('good-driver: create');
      expect(c.exitInfo?.code).toBe(0);
      await expect(c.call('echo')).rejects.toBeInstanceOf(IutBrokenError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('IutBrokenError', () => {
  it('renews message and stack header when the stderr tail arrives late', () => {
    const err = new IutBrokenError('malformed line', { stderrTail: 'early' });
    expect(err.stack).toContain('early');
    err.setStderrTail('late');
    expect(err.message).toBe('IUT driver broken: malformed line\n--- driver stderr (tail) ---\nlate');
    expect(err.stack!.startsWith(`IutBrokenError: ${err.message}\n    at `)).toBe(true);
    expect(err.stack).not.toContain('early');
  });
});

describe('IutClient with broken drivers', () => {
  it('garbage on stdout -> IutBrokenError naming the line', async () => {
    const c = await start('garbage-driver.mjs');
    await c.hello();
    const err = await c.call('start').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IutBrokenError);
    expect((err as Error).message).toContain('malformed line');
    expect((err as Error).message).toContain('this is {not json');
    expect((err as Error).message).toContain('about to print garbage');
  });

  it('a driver that dies -> IutBrokenError with exit code and stderr tail', async () => {
    const c = await start('dies-after-hello-driver.mjs');
    await c.hello();
    const err = (await c.create({}).catch((e: unknown) => e)) as IutBrokenError;
    expect(err).toBeInstanceOf(IutBrokenError);
    expect(err.exitCode).toBe(3);
    expect(err.stderrTail).toContain('camera exploded');
    expect(err.message).toContain('died (exit code 3');
    expect(c.stderr()).toContain('camera exploded');
    await expect(c.call('start')).rejects.toBe(err);
  });

  it('a silent driver -> IutBrokenError after the request timeout, no hang', async () => {
    const c = await start('silent-driver.mjs', SHORT_TIMEOUT_MS);
    const err = await c.hello().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IutBrokenError);
    expect((err as Error).message).toContain(`no reply to hello (id 1) within ${SHORT_TIMEOUT_MS} ms`);
    expect((err as Error).message).toContain('silent-driver: listening');
  });

  it('a reply with an unknown id -> IutBrokenError', async () => {
    const c = await start('unknown-id-driver.mjs');
    const err = await c.hello().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IutBrokenError);
    expect((err as Error).message).toContain('unknown id 1001');
  });

  it('an unknown-method error to hello -> IutBrokenError', async () => {
    const c = await start('no-hello-driver.mjs');
    const err = await c.hello().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IutBrokenError);
    expect((err as Error).message).toContain('hello was refused (unknown method: hello');
  });

  it('a command that does not exist -> broken at the first request with the shell stderr', async () => {
    const c = await IutClient.start('/nonexistent/lpb-driver --x');
    clients.push(c);
    const err = await c.hello().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IutBrokenError);
    expect((err as IutBrokenError).exitCode).toBe(127);
    expect((err as IutBrokenError).message).toMatch(/not found|No such file/);
  });

  it('an event wait fails as broken when the driver dies during it', async () => {
    const c = await start('dies-after-hello-driver.mjs');
    await c.hello();
    const wait = c.waitForStatus(1002, 10_000).catch((e: unknown) => e);
    await c.call('start').catch(() => undefined);
    expect(await wait).toBeInstanceOf(IutBrokenError);
  });
});

describe('IutClient hello shapes (claims-driver)', () => {
  it('keeps well-formed claims as written, duplicates and look-alikes included (conformance/core judges them)', async () => {
    const c = await IutClient.start(`${driver('claims-driver.mjs')} twice`);
    clients.push(c);
    const hello = await c.hello();
    expect(hello.capabilities.methods).toEqual(['start', 'stop', 'start']);
    const d = await IutClient.start(`${driver('claims-driver.mjs')} look-alikes`);
    clients.push(d);
    expect((await d.hello()).capabilities.attributes.slice(-2)).toEqual(['Mirror', ' remote-mirror ']);
  });

  it.each([
    ['caps-string', 'capabilities is not an object: "everything"'],
    ['caps-missing', 'capabilities is missing: expected an object (schema #/$defs/HelloResult at /result/capabilities)'],
    ['list-not-array', 'capabilities.methods is not an array: "start,stop"'],
    ['list-number', 'capabilities.events[1] is not a string: 7'],
    ['events-missing', 'capabilities.events is missing'],
    ['name-number', 'name is not a non-empty string: 42'],
    ['version-missing', 'version is missing: expected a non-empty string'],
    ['platform-number', 'platform is not a string: 1'],
    ['result-array', 'hello result is not an object'],
  ])('%s -> broken, naming what is malformed (never read as "claims nothing")', async (shape, what) => {
    const c = await IutClient.start(`${driver('claims-driver.mjs')} ${shape}`);
    clients.push(c);
    const err = await c.hello().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IutBrokenError);
    expect((err as Error).message).toContain(what);
    expect(c.broken).toBe(err);
    expect(c.info).toBeUndefined();
    await expect(c.create({})).rejects.toBe(err);
  });
});
