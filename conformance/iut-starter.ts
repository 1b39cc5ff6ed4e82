// Starts each check's IUT process, one check ahead (docs/driver-protocol.md "Processes"). A
// driver takes about half a second from spawn to its hello answer (the reference: 0.3 s idle,
// 0.5 s on a loaded machine), paid by each of a full run's 229 checks. So when a check takes its
// IUT, the starter spawns the next check's process and asks its hello in the background; the next
// check takes that one, already hello'd. Every check still gets a process of its own, started
// for it and used by no other check. A spare that died or broke while it waited is replaced by a
// fresh start; the spare left when the worker ends is disposed. LPB_WARM_IUT=0 turns it off
// (each check spawns its own when it starts), for a driver that cannot have two processes alive.
import { IutClient, type IutHello, type IutStartOptions } from './iut-client.ts';

export const ENV_WARM_IUT = 'LPB_WARM_IUT';

/** A started IUT and its hello (the promise rejects as hello() would). */
export interface StartedIut {
  iut: IutClient;
  hello: Promise<IutHello>;
}

/** Whether checks take a pre-started IUT: on unless LPB_WARM_IUT is "0"; anything but 0 or 1 is refused. */
export function warmIutFrom(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '1') return true;
  if (value === '0') return false;
  throw new Error(`${ENV_WARM_IUT}=${JSON.stringify(value)} is not legal; expected 0 (each check spawns its IUT when it starts) or 1 (the next check's IUT is started ahead, the default)`);
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
