// SerialGear over @serialport/binding-mock: a mock port whose writes are answered by the
// simulated gear (or by a misbehaving device), so the client's request/reply pairing, timeouts,
// device errors and closing are tested without hardware.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
// binding-mock's package.json points its types only at the CommonJS entry: load it that way.
import type { MockBindingInterface, MockPortBinding } from '@serialport/binding-mock' with { 'resolution-mode': 'require' };
import { SerialGear, SerialGearError, type SerialBinding } from '../../../adapters/serial/serial-gear.ts';
import { SimulatedGear } from '../../../adapters/serial/simulated-gear.ts';
import { LineSplitter } from '../../../adapters/serial/line-protocol.ts';

const { MockBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as { MockBinding: MockBindingInterface };
const PORT = '/dev/ttyLPBMOCK0';
const SHORT_TIMEOUT_MS = 150;

/** A binding whose opened port answers each written line with `respond(line)` (undefined = silence). */
function answeringBinding(respond: (line: string) => string | undefined): SerialBinding {
  return {
    ...MockBinding,
    async open(options) {
      const port = (await MockBinding.open(options)) as MockPortBinding;
      const write = port.write.bind(port);
      const lines = new LineSplitter();
      port.write = async (buffer: Buffer) => {
        await write(buffer);
        for (const line of lines.push(buffer)) {
          const reply = respond(line);
          if (reply !== undefined) setImmediate(() => port.emitData(reply));
        }
      };
      return port;
    },
  } as SerialBinding;
}

describe('SerialGear on a mock port', () => {
  beforeEach(() => MockBinding.createPort(PORT, { echo: false, record: true }));
  afterEach(() => MockBinding.reset());

  it('speaks to a simulated relay: HELLO, PING, POWER, STATE', async () => {
    const relay = new SimulatedGear({ gear: 'relay' });
    const gear = await SerialGear.open(PORT, answeringBinding((l) => relay.handle(l)));
    try {
      expect(await gear.hello('relay')).toEqual({ gear: 'relay', model: 'lpbench simulated relay' });
      expect(await gear.ping()).toBeGreaterThanOrEqual(0);
      await gear.power('microphone', false);
      expect(await gear.state('microphone')).toBe(false);
      expect(relay.power.get('microphone')).toBe(false);
      // requests issued together are answered in order
      const [a, b] = await Promise.all([gear.state('camera-front'), gear.state('microphone')]);
      expect([a, b]).toEqual([true, false]);
    } finally {
      await gear.close();
    }
  });

  it('times a marker: the lit estimate lies inside the round trip', async () => {
    const marker = new SimulatedGear({ gear: 'marker' });
    const gear = await SerialGear.open(PORT, answeringBinding((l) => marker.handle(l)));
    try {
      const t = await gear.mark(9);
      expect(t.n).toBe(9);
      expect(t.litAtMs).toBeGreaterThanOrEqual(t.sentAtMs);
      expect(t.litAtMs).toBeLessThanOrEqual(t.repliedAtMs);
      expect(t.deviceUs).toBeGreaterThan(0);
    } finally {
      await gear.close();
    }
  });

  it('names the device error, a wrong gear, a reply that does not answer and silence', async () => {
    const relay = new SimulatedGear({ gear: 'relay' });
    const gear = await SerialGear.open(PORT, answeringBinding((l) => (l === 'STATE camera-back' ? 'STATE microphone ON\n' : l.startsWith('MARK 5') ? undefined : relay.handle(l))));
    try {
      await expect(gear.mark(1)).rejects.toThrow(`serial ${PORT}: MARK 1: device says ERR not-supported a relay has no marker`);
      await expect(gear.hello('marker')).rejects.toThrow('is a relay (lpbench simulated relay), the rig names it as the marker');
      await expect(gear.state('camera-back')).rejects.toThrow('reply "STATE microphone ON" does not answer it');
      await expect(gear.request({ cmd: 'MARK', n: 5 }, SHORT_TIMEOUT_MS)).rejects.toThrow(`MARK 5: no reply within ${SHORT_TIMEOUT_MS} ms`);
      expect(await gear.ping()).toBeGreaterThanOrEqual(0); // still usable after a timeout
    } finally {
      await gear.close();
    }
    await gear.close(); // idempotent
    await expect(gear.ping()).rejects.toBeInstanceOf(SerialGearError);
  });

  it('a port that does not exist is a clear open error', async () => {
    await expect(SerialGear.open('/dev/ttyLPBMISSING', MockBinding as SerialBinding)).rejects.toThrow('serial /dev/ttyLPBMISSING: cannot be opened');
  });
});
