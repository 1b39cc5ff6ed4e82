// The serial relay as a check uses it (issue 11 "Serial lab gear": device loss mid-push;
// conformance/tests/devices/relay-device-loss.check.ts). The bench always switches through the
// line protocol (adapters/serial/line-protocol.ts) with its SerialGear client; what is behind the
// port depends on the rig:
// - a real relay (serial.relay.port a device), or the lab's simulated one (port already a pty,
//   adapters/lab/prepare.ts: it cuts the v4l2loopback feeds and the virtual microphone): the
//   rig's own camera is cut, the rig is handed on unchanged;
// - `port: simulated` left for the checks (the lab had nothing to cut: synthetic sources), or any
//   relay in front of a synthetic front camera (which has no power to cut; the lab's simulated
//   relay may still cut its virtual microphone): the check gets its own simulated relay on a
//   socat pty pair, wired to a camera with a power switch (adapters/lab/fed-camera.ts) that the
//   IUT opens instead of its synthetic front camera.
// Whatever fails, what was started is stopped before the error is thrown; close() on every path.
import type { Rig } from '../../rig/types.ts';
import { SIMULATED_SERIAL_PORT } from '../../rig/types.ts';
import { patternKnown } from '../../rig/known-sources.ts';
import type { Channel } from '../serial/line-protocol.ts';
import { hardwareBinding, SerialGear, type SerialBinding } from '../serial/serial-gear.ts';
import { startSimulatedGear } from '../serial/socat-pair.ts';
import { startFedCamera } from './fed-camera.ts';

export class RelayUnusableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RelayUnusableError';
  }
}

export interface RelayBench {
  /** The rig to hand the IUT. */
  rig: Rig;
  /** Whether the front camera shows the synthetic pattern (frame counter readable). */
  patternOnFront: boolean;
  /** What is wired, for the check's log. */
  notes: string[];
  /** Switches a channel through the relay (POWER over the serial line); resolves on its reply. */
  power(channel: Channel, on: boolean): Promise<void>;
  close(): Promise<void>;
}

/** The relay of `rig` ready to cut the front camera; throws RelayUnusableError when it cannot. */
export async function relayBench(rig: Rig, opts: { binding?: SerialBinding } = {}): Promise<RelayBench> {
  const relay = rig.serial?.relay;
  if (!relay) throw new RelayUnusableError('the rig has no serial.relay');
  const undo: (() => Promise<unknown>)[] = [];
  const close = async (): Promise<void> => {
    for (const step of undo.splice(0).reverse()) await step().catch(() => undefined);
  };
  const notes: string[] = [];
  try {
    let out: Rig = rig;
    let port = relay.port;
    const ownRelay = relay.port === SIMULATED_SERIAL_PORT || rig.camera.front.kind === 'synthetic';
    if (ownRelay) {
      if (rig.camera.front.kind !== 'synthetic') {
        throw new RelayUnusableError(`a simulated relay cuts the bench's own synthetic camera; the front camera is ${rig.camera.front.kind} (a lab rig gives its relay a port, or feeds a v4l2loopback camera the lab's simulated relay cuts)`);
      }
      const camera = await startFedCamera('front');
      undo.push(() => camera.close());
      await camera.power(true);
      const sim = await startSimulatedGear('relay', {
        onPower: async (channel, on) => {
          if (channel !== 'camera-front') throw new Error(`${channel} is not wired to this simulated relay (only camera-front)`);
          await camera.power(on);
        },
        ...(opts.binding ? { binding: opts.binding } : {}),
      });
      undo.push(() => sim.close());
      port = sim.benchPort;
      out = { ...rig, camera: { ...rig.camera, front: { kind: 'file', path: camera.path } } } as Rig;
      if (relay.port !== SIMULATED_SERIAL_PORT) notes.push(`the rig's relay at ${relay.port} cannot cut the synthetic front camera (it has no power): this check wires its own`);
      notes.push(`simulated relay on a socat pty pair at ${port}; its camera-front channel powers the front pattern fed into the named pipe ${camera.path} (the IUT's front camera)`);
    }
    const gear = await SerialGear.open(port, opts.binding ?? (await hardwareBinding()), ownRelay ? undefined : relay.baudRate);
    undo.push(() => gear.close());
    const hello = await gear.hello('relay');
    notes.push(`relay at ${port} answers: ${hello.model}`);
    return {
      rig: out,
      patternOnFront: ownRelay || patternKnown(rig, 'front'),
      notes,
      power: (channel, on) => gear.power(channel, on),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
