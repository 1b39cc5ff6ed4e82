// The spectral oracles on ffmpeg-made audio of known properties, round-tripped through AAC as a
// stream is: the level of a band (a tone scaled by volume=), the power away from a tone (pitch
// moved by asetrate, sidebands of a tremolo), and the decay time of dense exponential echo
// tails (aecho taps falling 60 dB over a known T60). Accuracy reached here: band level within
// 0.3 dB; T60 within 20 % for T60 ≤ 700 ms (longer tails overlap the next gap and read long,
// by up to 40 % at 1.7 s, in order); the synthetic microphone's signals at their declared levels
// (tone-noise: noise in the gaps and beside the tone, white, within 0.5 dB; quiet-tone within
// 0.2 dB), and a 20 dB noise drop read as such within 1 dB with the tone untouched.
import { describe, expect, it } from 'vitest';
import { bandLevelDbfs, decayInGaps, gatedOnLevelDbfs, peakFrequencyIn, powerAwayFrom, toneAndNoise } from '../../../conformance/oracles/spectrum.ts';
import { DEFAULT_TONE, MICROPHONE_SIGNALS } from '../../../adapters/microphone/synthetic.ts';
import { renderTone } from './media-fixtures.ts';

const RATE = 48000;
/** The gated tone's RMS over a whole period: peak −3.01 dB, on 70 % of the time. */
const GATED_RMS_DBFS = DEFAULT_TONE.levelDbfs - 3.01 + 10 * Math.log10(DEFAULT_TONE.onMs / (DEFAULT_TONE.onMs + DEFAULT_TONE.offMs));

/** An echo tail of taps every `spacingMs` (off the tone's period) falling 60 dB in t60Ms. */
function tail(t60Ms: number, spacingMs: number): string {
  const delays: string[] = [];
  const decays: string[] = [];
  for (let k = 1; k * spacingMs <= t60Ms; k++) {
    const d = k * spacingMs + ((k * 0.618) % 1) * 2.5;
    delays.push(d.toFixed(2));
    decays.push(Math.max(0.0001, 0.4 * 10 ** ((-3 * d) / t60Ms)).toFixed(4));
  }
  return `aecho=1:0.8:${delays.join('|')}:${decays.join('|')}`;
}

describe('spectrum oracles on ffmpeg-made audio', () => {
  it('reads the level of the tone band within 0.3 dB at 0, -6 and -20 dB of gain', async () => {
    for (const gainDb of [0, -6, -20]) {
      const s = await renderTone({ seconds: 3, filter: `volume=${gainDb}dB`, aac: true });
      expect(Math.abs(bandLevelDbfs(s, RATE, 950, 1050) - (GATED_RMS_DBFS + gainDb))).toBeLessThan(0.3);
      expect(bandLevelDbfs(s, RATE, 400, 480)).toBeLessThan(GATED_RMS_DBFS + gainDb - 40);
    }
  });

  it('reads the on-level of a gated tone within 0.2 dB from stretches shorter than its period', async () => {
    const s = await renderTone({ seconds: 3, filter: 'volume=-7dB', aac: true });
    const onRms = DEFAULT_TONE.levelDbfs - 3.01 - 7;
    for (const [fromS, lenS] of [[0.2, 0.4], [0.65, 0.5], [1.1, 1.5]] as const) {
      const part = s.subarray(Math.round(fromS * RATE), Math.round((fromS + lenS) * RATE));
      expect(Math.abs(gatedOnLevelDbfs(part, RATE)! - onRms), `${fromS}+${lenS} s`).toBeLessThan(0.2);
    }
    expect(gatedOnLevelDbfs(new Float32Array(RATE), RATE)).toBeNull();
  });

  it('finds the strongest frequency of a band within 0.5 %, beside a louder tone outside it', async () => {
    const s = await renderTone({ seconds: 2, filter: `aeval=exprs=val(0)+0.05*sin(2*PI*437*t):c=same`, aac: true });
    expect(Math.abs(peakFrequencyIn(s, RATE, 250, 700)! / 437 - 1)).toBeLessThan(0.005);
    expect(peakFrequencyIn(s, RATE, 1500, 2500)).toBeNull();
  });

  it('finds no power away from an untouched tone and nearly all of it once the pitch moved', async () => {
    const clean = await renderTone({ seconds: 2, aac: true });
    expect(powerAwayFrom(clean, RATE, 1000, 0.05)).toBeLessThan(0.01);
    const moved = await renderTone({ seconds: 2, filter: `asetrate=${RATE * 0.8},aresample=${RATE}`, aac: true });
    expect(powerAwayFrom(moved, RATE, 1000, 0.05)).toBeGreaterThan(0.95);
    const tremolo = await renderTone({ seconds: 2, filter: 'tremolo=f=60:d=1', aac: true });
    expect(powerAwayFrom(tremolo, RATE, 1000, 0.05)).toBeGreaterThan(0.2);
  });

  it('measures no tail in the gaps of a dry tone', async () => {
    const dry = await renderTone({ seconds: 4, aac: true });
    expect(decayInGaps(dry, RATE)).toBeNull();
  });

  it('measures T60 within 20 % up to 700 ms, and longer tails in order', async () => {
    const measured: number[] = [];
    for (const [t60, spacing] of [[180, 5.3], [300, 3.3], [450, 11.6], [700, 9.4], [1200, 7.7], [1700, 13.2]] as const) {
      const s = await renderTone({ seconds: 5, filter: tail(t60, spacing), aac: true });
      const d = decayInGaps(s, RATE);
      expect(d, `T60 ${t60} ms`).not.toBeNull();
      if (t60 <= 700) expect(Math.abs(d!.t60Ms / t60 - 1), `T60 ${t60} ms read ${d!.t60Ms.toFixed(0)}`).toBeLessThan(0.2);
      measured.push(d!.t60Ms);
    }
    for (let i = 1; i < measured.length; i++) expect(measured[i]!).toBeGreaterThan(measured[i - 1]!);
  }, 60_000);

  describe('the synthetic microphone signals at their known levels', () => {
    const noisy = MICROPHONE_SIGNALS['tone-noise'];
    /** White noise's share of a band: its power is flat from 0 Hz to half the sample rate. */
    const bandShareDb = (lowHz: number, highHz: number) => 10 * Math.log10((highHz - lowHz) / (RATE / 2));
    const BAND = { lowHz: 2000, highHz: 8000 };
    const ON_RMS = DEFAULT_TONE.levelDbfs - 3.01;

    it('tone-noise: the tone at its level, the noise at -40 dBFS RMS in the gaps and beside the tone, white, within 0.5 dB (AAC)', async () => {
      const s = await renderTone({ tone: noisy, seconds: 4, aac: true });
      const m = toneAndNoise(s, RATE, noisy, BAND)!;
      expect(m.windows).toBeGreaterThanOrEqual(3);
      expect(Math.abs(m.toneDbfs - ON_RMS)).toBeLessThan(0.2);
      expect(Math.abs(gatedOnLevelDbfs(s, RATE)! - ON_RMS)).toBeLessThan(0.2);
      // AAC at 64k low-passes the noise near 16 kHz (24 kHz of flat noise less a third: -1.8 dB in all).
      expect(m.gapDbfs).toBeLessThan(noisy.noiseDbfs + 0.5);
      expect(m.gapDbfs).toBeGreaterThan(noisy.noiseDbfs - 2.5);
      expect(Math.abs(m.besideToneDbfs - (noisy.noiseDbfs + bandShareDb(BAND.lowHz, BAND.highHz)))).toBeLessThan(0.5);
      const raw = await renderTone({ tone: noisy, seconds: 4 });
      const r = toneAndNoise(raw, RATE, noisy, BAND)!;
      expect(Math.abs(r.gapDbfs - noisy.noiseDbfs)).toBeLessThan(0.5);
      for (const [lo, hi] of [[100, 1000], [4000, 12000], [12000, 23000]] as const) {
        const gap = raw.subarray(Math.round(0.75 * RATE), Math.round(0.95 * RATE));
        expect(Math.abs(bandLevelDbfs(gap, RATE, lo, hi) - (noisy.noiseDbfs + bandShareDb(lo, hi))), `${lo}-${hi} Hz`).toBeLessThan(1);
      }
    });

    it('quiet-tone: on-level -43 dBFS RMS within 0.2 dB, silent gaps', async () => {
      const quiet = MICROPHONE_SIGNALS['quiet-tone'];
      const s = await renderTone({ tone: quiet, seconds: 3, aac: true });
      expect(Math.abs(gatedOnLevelDbfs(s, RATE)! - (quiet.levelDbfs - 3.01))).toBeLessThan(0.2);
      expect(toneAndNoise(s, RATE, quiet, BAND)!.gapDbfs).toBeLessThan(-80);
    });

    it('reads a 20 dB noise drop within 1 dB, the tone untouched, and a gate on the gaps as no drop beside the tone', async () => {
      const before = toneAndNoise(await renderTone({ tone: noisy, seconds: 4, aac: true }), RATE, noisy, BAND)!;
      // The noise alone 20 dB down: the same tone over noise at -60 dBFS.
      const after = toneAndNoise(await renderTone({ tone: { ...noisy, noiseDbfs: noisy.noiseDbfs - 20 }, seconds: 4, aac: true }), RATE, noisy, BAND)!;
      expect(Math.abs(before.gapDbfs - after.gapDbfs - 20)).toBeLessThan(1);
      expect(Math.abs(before.besideToneDbfs - after.besideToneDbfs - 20)).toBeLessThan(1);
      expect(Math.abs(before.toneDbfs - after.toneDbfs)).toBeLessThan(0.2);
      const gated = toneAndNoise(await renderTone({ tone: noisy, seconds: 4, filter: 'agate=threshold=0.05:ratio=9000:range=0.001:attack=1:release=20', aac: true }), RATE, noisy, BAND)!;
      expect(before.gapDbfs - gated.gapDbfs).toBeGreaterThan(15);
      expect(Math.abs(before.besideToneDbfs - gated.besideToneDbfs)).toBeLessThan(1);
    });
  });
});
