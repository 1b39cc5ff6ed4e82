// The IUT starter (conformance/iut-starter.ts): each check gets a process of its own, the next
// one started ahead and hello'd; a spare that died while it waited is never handed out; nothing
// is left running after close(); by default (LPB_WARM_IUT unset or 0) each process is started
// only when it is taken.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IutClient } from '../../../conformance/iut-client.ts';
import { iutStarter, warmIutFrom, type StartIut } from '../../../conformance/iut-starter.ts';
import { liveProcessCount } from '../../../adapters/process/supervised.ts';

const DRIVERS = fileURLToPath(new URL('../drivers/', import.meta.url));
const GOOD = `node ${join(DRIVERS, 'good-driver.mjs')}`;

/** A start function that remembers every client it started. */
function counting(): { start: StartIut; started: IutClient[] } {
  const started: IutClient[] = [];
  return {
    started,
    start: async () => {
      const c = await IutClient.start(GOOD);
      started.push(c);
      return c;
    },
  };
}

const toDispose: IutClient[] = [];
afterEach(async () => {
  await Promise.all(toDispose.splice(0).map((c) => c.dispose()));
  expect(liveProcessCount()).toBe(0);
});

describe('the IUT starter', () => {
  it('hands each check a hello\'d process of its own and starts the next one ahead', async () => {
    const { start, started } = counting();
    const starter = iutStarter(start, true);
    const first = await starter.take();
    toDispose.push(first.iut);
    expect((await first.hello).name).toBe('good');
    await expect.poll(() => started.length, { timeout: 5_000 }).toBe(2); // the taken one and the spare
    const second = await starter.take();
    toDispose.push(second.iut);
    expect(second.iut).toBe(started[1]);
    expect(second.iut.pid).not.toBe(first.iut.pid);
    expect((await second.hello).name).toBe('good');
    expect(second.iut.info?.name).toBe('good'); // hello was asked while the first check ran
    await starter.close();
    expect(started).toHaveLength(3);
    expect(started[2]!.exitInfo).toBeDefined(); // the spare nobody took is disposed
  });

  it('never hands out a spare that died while it waited: a fresh one replaces it', async () => {
    const { start, started } = counting();
    const starter = iutStarter(start, true);
    const first = await starter.take();
    toDispose.push(first.iut);
    await first.hello;
    await expect.poll(() => started.length, { timeout: 5_000 }).toBe(2);
    const spare = started[1]!;
    await spare.hello();
    process.kill(spare.pid!, 'SIGKILL');
    await expect.poll(() => spare.exitInfo, { timeout: 5_000 }).toBeDefined();
    const second = await starter.take();
    toDispose.push(second.iut);
    expect(second.iut).not.toBe(spare);
    expect(second.iut.exitInfo).toBeUndefined();
    expect((await second.hello).name).toBe('good');
    await starter.close();
  });

  it('a start that fails is the taking check\'s error; the next take starts again', async () => {
    let calls = 0;
    const inner = counting();
    const starter = iutStarter(async () => {
      calls += 1;
      if (calls === 1) throw new Error('driver not found');
      return inner.start();
    }, true);
    await expect(starter.take()).rejects.toThrow('driver not found');
    const next = await starter.take();
    toDispose.push(next.iut);
    expect((await next.hello).name).toBe('good');
    await starter.close();
    expect(inner.started.every((c) => c === next.iut || c.exitInfo !== undefined)).toBe(true);
  });

  it('cold (the default) starts nothing ahead', async () => {
    const { start, started } = counting();
    const starter = iutStarter(start, false);
    const first = await starter.take();
    toDispose.push(first.iut);
    expect(started).toHaveLength(1);
    await starter.close();
    await expect(starter.take()).rejects.toThrow(/closed/);
  });

  it('reads LPB_WARM_IUT: off by default, 1 turns it on, anything else is refused naming the legal values', () => {
    expect([warmIutFrom(undefined), warmIutFrom(''), warmIutFrom('0'), warmIutFrom('1')]).toEqual([false, false, false, true]);
    expect(() => warmIutFrom('yes')).toThrow(/LPB_WARM_IUT="yes" is not legal; expected 0 .* or 1/);
  });
});
