// A virtual serial cable: socat joins two pseudo-terminals (`pty,raw,echo=0`), each reachable
// by a stable symlink, so a simulated device (adapters/serial/simulated-gear.ts) can sit on one
// end and the bench's SerialGear on the other exactly as with a USB-serial adapter (issue 11
// "Serial lab gear": a simulated device over a socat pty pair in CI). socat runs supervised and
// is stopped by close().
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupervisedProcess } from '../process/supervised.ts';
import { hardwareBinding, type SerialBinding } from './serial-gear.ts';
import { SerialPortStream } from '@serialport/stream';
import { SimulatedGear } from './simulated-gear.ts';
import { DEFAULT_BAUD, type GearKind, type Channel } from './line-protocol.ts';

export const SOCAT = 'socat';
const SOCAT_START_TIMEOUT_MS = 5_000;
const CLOSE_GRACE_MS = 1_000;
/** socat -d -d prints this once both ends are open. */
const SOCAT_READY = /starting data transfer loop/;

export function socatArgs(gearLink: string, benchLink: string): string[] {
  return ['-d', '-d', `pty,raw,echo=0,link=${gearLink}`, `pty,raw,echo=0,link=${benchLink}`];
}

export interface SocatPair {
  /** Where the device sits. */
  gearPort: string;
  /** What a rig file names as serial.<gear>.port. */
  benchPort: string;
  close(): Promise<void>;
}

export async function startSocatPair(): Promise<SocatPair> {
  const dir = await mkdtemp(join(tmpdir(), 'lpb-serial-'));
  const gearPort = join(dir, 'gear');
  const benchPort = join(dir, 'bench');
  let socat: SupervisedProcess;
  try {
    socat = await SupervisedProcess.start({
      name: 'socat (virtual serial pair)',
      command: SOCAT,
      args: socatArgs(gearPort, benchPort),
      stdin: false,
      stdoutMode: 'ignore',
      readyWhen: (line, stream) => stream === 'stderr' && SOCAT_READY.test(line),
      startTimeoutMs: SOCAT_START_TIMEOUT_MS,
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    gearPort,
    benchPort,
    async close() {
      await socat.close('SIGTERM', CLOSE_GRACE_MS);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface SimulatedGearOnPty {
  gear: SimulatedGear;
  /** The port the bench opens (put it in the rig file's serial.<gear>.port). */
  benchPort: string;
  close(): Promise<void>;
}

/** A simulated relay or marker on one end of a fresh socat pair. */
export async function startSimulatedGear(
  kind: GearKind,
  opts: { onPower?: (channel: Channel, on: boolean) => void | Promise<void>; onMark?: (n: number) => void; binding?: SerialBinding } = {},
): Promise<SimulatedGearOnPty> {
  const pair = await startSocatPair();
  try {
    const binding = opts.binding ?? (await hardwareBinding());
    const port = new SerialPortStream({ binding, path: pair.gearPort, baudRate: DEFAULT_BAUD, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    const gear = new SimulatedGear({ gear: kind, onPower: opts.onPower, onMark: opts.onMark });
    const detach = gear.attach(port);
    return {
      gear,
      benchPort: pair.benchPort,
      async close() {
        detach();
        if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
        await pair.close();
      },
    };
  } catch (err) {
    await pair.close();
    throw err;
  }
}
