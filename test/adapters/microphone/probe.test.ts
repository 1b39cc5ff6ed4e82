// The microphone probe (adapters/microphone/probe.ts) against real inputs: the silent device of
// the no-samples fault (silent-device.ts) opens and stays silent, a tone delivers, a missing file
// fails; no probe process outlives its answer. And the no-samples fault's input is that device.
import { describe, expect, it } from 'vitest';
import { probeMicrophone } from '../../../adapters/microphone/probe.ts';
import { silentDevicePath, silentInputArgs } from '../../../adapters/microphone/silent-device.ts';
import { faultyMicrophone } from '../../../adapters/microphone/faulty.ts';
import { syntheticMicrophone } from '../../../adapters/microphone/synthetic.ts';
import { liveProcessCount } from '../../../adapters/process/supervised.ts';

const WAIT_MS = 1500;

describe('probeMicrophone', () => {
  it('finds the silent device open and silent, a tone delivering, a missing file failing', async () => {
    const before = liveProcessCount();
    expect(await probeMicrophone(await silentInputArgs(48_000), WAIT_MS)).toBe('silent');
    expect(await probeMicrophone(await syntheticMicrophone().inputArgs({ sampleRate: 48_000 }), WAIT_MS)).toBe('delivers');
    expect(await probeMicrophone(['-i', '/nonexistent/lpb-probe-test.wav'], WAIT_MS)).toBe('fails');
    expect(liveProcessCount()).toBe(before);
  }, 20_000);

  it('the no-samples fault opens the silent device, for its `times` openings only', async () => {
    const mic = faultyMicrophone(syntheticMicrophone(), { kind: 'no-samples', times: 1 });
    const device = await silentDevicePath();
    expect(device).toMatch(/^\/proc\/\d+\/fd\/\d+$/);
    expect(await mic.inputArgs({ sampleRate: 16_000 })).toEqual(['-f', 's16le', '-ar', '16000', '-ac', '1', '-i', device]);
    expect(await mic.inputArgs({ sampleRate: 16_000 })).toEqual(await syntheticMicrophone().inputArgs({ sampleRate: 16_000 }));
  });
});
