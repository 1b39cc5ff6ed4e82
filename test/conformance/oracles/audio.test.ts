// Audio oracles on pure signals (FFT, tone frequency accuracy) and on ffmpeg-made audio of
// known properties: pitch changed by asetrate, silence by volume=0, gap energy raised by aecho.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DBFS_FLOOR,
  alignTone,
  fft,
  gapEnergyDbfs,
  isSilent,
  rmsDbfs,
  spectrumPng,
  toneFrequency,
  toneSegments,
} from '../../../conformance/oracles/audio.ts';
import { renderTone } from './media-fixtures.ts';

function sine(freq: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const s = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < s.length; i++) s[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return s;
}

describe('audio oracles, pure signals', () => {
  it('fft finds a bin-centred cosine in its bin', () => {
    const n = 64;
    const re = new Float64Array(n).map((_, i) => Math.cos((2 * Math.PI * 5 * i) / n));
    const im = new Float64Array(n);
    fft(re, im);
    expect(re[5]).toBeCloseTo(n / 2, 6);
    expect(Math.abs(re[6]!)).toBeLessThan(1e-9);
    expect(() => fft(new Float64Array(3), new Float64Array(3))).toThrow(RangeError);
  });

  it('measures a tone frequency within 0.5% from 100 Hz to 0.4 x the sample rate (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(16000, 44100, 48000), (x, rate) => {
        const f = 100 + x * (0.4 * rate - 100);
        return Math.abs(toneFrequency(sine(f, rate, 0.5), rate)! - f) / f < 0.005;
      }),
      { numRuns: 30 },
    );
  });

  it('reads levels, silence and digital zero', () => {
    expect(rmsDbfs(sine(1000, 48000, 0.2, 1))).toBeCloseTo(-3.01, 1);
    expect(rmsDbfs(new Float32Array(100))).toBe(DBFS_FLOOR);
    expect(isSilent(new Float32Array(4800))).toBe(true);
    expect(isSilent(sine(1000, 48000, 0.1, 0.001))).toBe(true);
    expect(isSilent(sine(1000, 48000, 0.1, 0.01))).toBe(false);
    expect(toneFrequency(new Float32Array(48000), 48000)).toBeNull();
    expect(toneSegments(new Float32Array(48000), 48000)).toEqual([]);
    expect(alignTone(new Float32Array(100), 48000)).toBeNull();
  });
});

describe('audio oracles, ffmpeg-made audio', () => {
  it('measures 1000 Hz within 2% after AAC, and asetrate moving the pitch', async () => {
    const plain = await renderTone({ seconds: 2, aac: true });
    expect(Math.abs(toneFrequency(plain, 48000)! - 1000) / 1000).toBeLessThan(0.02);
    const raised = await renderTone({ seconds: 2, filter: 'asetrate=60000,aresample=48000' });
    expect(Math.abs(toneFrequency(raised, 48000)! - 1250) / 1250).toBeLessThan(0.02);
  });

  it('reads volume=0 as silent and the plain tone as not', async () => {
    expect(isSilent(await renderTone({ seconds: 1, filter: 'volume=0' }))).toBe(true);
    expect(isSilent(await renderTone({ seconds: 1 }))).toBe(false);
  });

  it('finds the gaps quiet, and aecho filling them', async () => {
    const dry = await renderTone({ seconds: 3, aac: true });
    const wet = await renderTone({ seconds: 3, aac: true, filter: 'aecho=0.8:0.9:150:0.5' });
    const dryGap = gapEnergyDbfs(dry, 48000);
    const wetGap = gapEnergyDbfs(wet, 48000);
    expect(dryGap).toBeLessThan(-60);
    expect(wetGap - dryGap).toBeGreaterThan(20);
  });

  it('draws a spectrum PNG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lpbench-spec-'));
    try {
      const path = join(dir, 'spectrum.png');
      await spectrumPng(sine(1000, 16000, 0.5), 16000, path);
      expect((await readFile(path)).subarray(1, 4).toString('ascii')).toBe('PNG');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
