// Starts each check's IUT process; with LPB_WARM_IUT=1, one check ahead (docs/driver-protocol.md
// "hello"). When a check takes its IUT, the starter then spawns the next check's process and asks
// its hello in the background; the next check takes that one, already hello'd. Every check still
// gets a process of its own, used by no other check. A spare that died or broke while it waited
// is replaced by a fresh start; the spare left when the worker ends is disposed.
// Off by default: the reference driver answers hello 0.3 s after spawn, and starting the spare
// while a check's push begins cost the whole run only 11 s (389 -> 378 s) but loaded the CPU just
// when checks measure: the reference then failed attributes/fps/30 (33.9 fps, its stream clock
// 14 % fast) and the HD netstatus checks in one of two runs. For an IUT that takes seconds to
// start (a browser, a phone bridge) it saves those seconds per check.
import { IutClient, type IutHello, type IutStartOptions } from './iut-client.ts';

export const ENV_WARM_IUT = 'LPB_WARM_IUT';

/** A started IUT and its hello (the promise rejects as hello() would). */
export interface StartedIut {
  iut: IutClient;
  hello: Promise<IutHello>;
}

/** Whether checks take a pre-started IUT: only when LPB_WARM_IUT is "1"; anything but 0 or 1 is refused. */
export function warmIutFrom(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new Error(`${ENV_WARM_IUT}=${JSON.stringify(value)} is not legal; expected 0 (each check spawns its IUT when it starts, the default) or 1 (the next check's IUT is started ahead)`);
}

export interface IutStarter {
  /** This check's IUT: the spare started ahead when it is still alive, else a fresh one. */
  take(): Promise<StartedIut>;
  /** Disposes the spare (when the worker ends). */
  close(): Promise<void>;
}

export type StartIut = () => Promise<IutClient>;

function startWithHello(start: StartIut): Promise<StartedIut> {
  return start().then((iut) => {
    const hello = iut.hello();
    // The check awaits it; a spare nobody takes must not leave an unhandled rejection.
    hello.catch(() => undefined);
    return { iut, hello };
  });
}

export function iutStarter(start: StartIut, warm: boolean): IutStarter {
  let spare: Promise<StartedIut> | undefined;
  let closed = false;
  const usable = async (candidate: Promise<StartedIut>): Promise<StartedIut | undefined> => {
    const started = await candidate.catch(() => undefined);
    if (!started) return undefined;
    if (started.iut.exitInfo === undefined && !started.iut.broken) return started;
    await started.iut.dispose();
    return undefined;
  };
  return {
    async take() {
      if (closed) throw new Error('the IUT starter is closed (the worker is ending)');
      const waiting = spare;
      spare = undefined;
      // A spare that failed to start is retried now: the error this check reports is its own start's.
      const taken = (waiting && (await usable(waiting))) ?? (await startWithHello(start));
      if (warm && !closed) {
        spare = startWithHello(start);
        spare.catch(() => undefined);
      }
      return taken;
    },
    async close() {
      closed = true;
      const waiting = spare;
      spare = undefined;
      const started = await waiting?.catch(() => undefined);
      await started?.iut.dispose();
    },
  };
}

/** The options every check's IUT is started with (no stderr file: the stderr kept in memory is the evidence). */
export function startIutWith(command: string, opts: IutStartOptions): StartIut {
  return () => IutClient.start(command, opts);
}
