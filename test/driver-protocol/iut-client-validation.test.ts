// The bench validates every driver line against the protocol schema (conformance/iut-client.ts,
// docs/driver-protocol.md "Validation"): a violation breaks the client naming the schema part and
// JSON pointer, with the driver's stderr tail; protocolVersion absent is a warning, another
// version is broken.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { IutBrokenError, IutClient } from '../../conformance/iut-client.ts';

const DRIVER = fileURLToPath(new URL('./drivers/shape-driver.mjs', import.meta.url));
const clients: IutClient[] = [];

async function start(shape: string): Promise<IutClient> {
  const c = await IutClient.start(`node ${DRIVER} ${shape}`, { requestTimeoutMs: 5000 });
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

describe('IutClient schema validation', () => {
  it('a driver with protocolVersion 1: no warning', async () => {
    const c = await start('ok');
    expect((await c.hello()).protocolVersion).toBe(1);
    expect(c.protocolVersion).toBe(1);
    expect(c.warnings).toEqual([]);
    expect(await c.call('start')).toEqual({ errMsg: 'ok' });
  });

  it('a hello without protocolVersion is read as version 1 with a warning', async () => {
    const c = await start('no-version');
    const hello = await c.hello();
    expect(hello.protocolVersion).toBeUndefined();
    expect(c.protocolVersion).toBe(1);
    expect(c.warnings.join('\n')).toContain('no protocolVersion: read as driver protocol version 1');
  });

  it('protocolVersion 2 is broken, naming the versions', async () => {
    const c = await start('version-2');
    const err = await c.hello().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IutBrokenError);
    expect((err as Error).message).toContain('hello.protocolVersion 2 is not supported: this bench speaks driver protocol version 1');
  });

  it.each([
    ['event-no-ts', 'ts is missing: expected a number (schema #/$defs/EventMessage at /ts)'],
    ['error-not-object', 'error is not an object: "nope" (schema #/$defs/ErrorReply at /error)'],
    ['reply-no-result', 'result is missing: expected a value (schema #/$defs/ResultReply at /result)'],
  ])('%s -> broken naming the schema path, with the stderr tail', async (shape, what) => {
    const c = await start(shape);
    await c.hello();
    const err = await c.call('start').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IutBrokenError);
    expect((err as Error).message).toContain(`line on stdout breaks the driver protocol: ${what}`);
    expect((err as IutBrokenError).stderrTail).toContain('shape-driver: call');
    expect(c.broken).toBe(err);
  });
});
