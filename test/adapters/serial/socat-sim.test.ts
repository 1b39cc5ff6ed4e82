// The simulated gear over a real socat pty pair with the hardware binding
// (@serialport/bindings-cpp): the same path a lab's USB-serial relay takes, proven in CI.
// Skipped with the reason when socat is not installed.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { startSimulatedGear } from '../../../adapters/serial/socat-pair.ts';
import { hardwareBinding, SerialGear } from '../../../adapters/serial/serial-gear.ts';
import { findExecutable } from '../../../bench/doctor/find-executable.ts';

const socat = findExecutable('socat');

describe.skipIf(!socat)('simulated gear on a socat pty pair (needs socat: apt-get install socat)', () => {
  it('relay and marker answer through real ptys; everything is closed afterwards', async () => {
    const switched: string[] = [];
    const relay = await startSimulatedGear('relay', { onPower: (c, on) => void switched.push(`${c} ${on ? 'on' : 'off'}`) });
    let gear: SerialGear | undefined;
    try {
      gear = await SerialGear.open(relay.benchPort, await hardwareBinding());
      expect((await gear.hello('relay')).gear).toBe('relay');
      await gear.power('camera-front', false);
      await gear.power('camera-front', true);
      expect(await gear.state('camera-front')).toBe(true);
      expect(switched).toEqual(['camera-front off', 'camera-front on']);
      const rtts: number[] = [];
      for (let i = 0; i < 20; i++) rtts.push(await gear.ping());
      expect(Math.max(...rtts)).toBeLessThan(1000);
    } finally {
      await gear?.close();
      await relay.close();
    }
    expect(existsSync(relay.benchPort)).toBe(false);

    const marker = await startSimulatedGear('marker');
    try {
      const g = await SerialGear.open(marker.benchPort, await hardwareBinding());
      try {
        const t = await g.mark(1);
        expect(t.repliedAtMs - t.sentAtMs).toBeLessThan(1000);
      } finally {
        await g.close();
      }
    } finally {
      await marker.close();
    }
  }, 30_000);
});
