// The synthetic microphone through real ffmpeg: the gated tone has the frequency, on/off
// schedule and level it declares, at 48 kHz and 16 kHz, before and after AAC.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TONE, MICROPHONE_SIGNALS, dbfsToAmplitude, syntheticMicrophone, toneExpression, toneOfSignal } from '../../../adapters/microphone/synthetic.ts';
import { alignTone, toneFrequency, toneSegments } from '../../../conformance/oracles/audio.ts';
import { renderTone } from '../../conformance/oracles/media-fixtures.ts';

const SINE_RMS_BELOW_PEAK_DB = 20 * Math.log10(Math.SQRT2);

describe('syntheticMicrophone', () => {
  it('defaults to a 1 kHz tone, 700 ms on / 300 ms off at -12 dBFS, live-paced', async () => {
    expect(DEFAULT_TONE).toEqual({ frequencyHz: 1000, onMs: 700, offMs: 300, levelDbfs: -12 });
    const mic = syntheticMicrophone();
    expect(mic.kind).toBe('synthetic');
    expect(mic.tone).toEqual(DEFAULT_TONE);
    const args = await mic.inputArgs({ sampleRate: 44100 });
    expect(args.slice(0, 3)).toEqual(['-re', '-f', 'lavfi']);
    expect(args[4]).toContain(':s=44100:c=mono');
    expect(toneExpression(DEFAULT_TONE)).toContain(dbfsToAmplitude(-12).toFixed(6));
    expect(() => syntheticMicrophone({ levelDbfs: 3 })).toThrow(RangeError);
    expect(() => syntheticMicrophone({ frequencyHz: 0 })).toThrow(RangeError);
  });

  it('plays the declared tone, schedule and level at 48 kHz', async () => {
    const s = await renderTone({ seconds: 3 });
    expect(s.length).toBe(3 * 48000);
    expect(toneFrequency(s, 48000)! / 1000).toBeCloseTo(1, 2);
    const on = toneSegments(s, 48000).filter((x) => x.on);
    expect(on).toHaveLength(3);
    for (const seg of on) {
      expect(Math.abs(seg.endMs - seg.startMs - 700)).toBeLessThanOrEqual(15);
      expect(seg.rmsDbfs).toBeCloseTo(-12 - SINE_RMS_BELOW_PEAK_DB, 0);
    }
    const aligned = alignTone(s, 48000)!;
    expect(aligned.offsetMs).toBeLessThanOrEqual(5);
    expect(aligned.onRmsDbfs).toBeCloseTo(-12 - SINE_RMS_BELOW_PEAK_DB, 1);
  });

  it('honours custom tones and a 16 kHz rate, through AAC', async () => {
    const tone = { frequencyHz: 440, onMs: 400, offMs: 400, levelDbfs: -20 };
    const s = await renderTone({ tone, seconds: 2.4, sampleRate: 16000, aac: true });
    expect(Math.abs(toneFrequency(s, 16000)! - 440) / 440).toBeLessThan(0.02);
    const aligned = alignTone(s, 16000, tone)!;
    expect(aligned.onRmsDbfs).toBeGreaterThan(-20 - SINE_RMS_BELOW_PEAK_DB - 1);
    expect(aligned.onRmsDbfs).toBeLessThan(-20 - SINE_RMS_BELOW_PEAK_DB + 1);
    expect(aligned.gapRmsDbfs).toBeLessThan(-60);
  });

  it('names its signals: the tone by default, tone-noise and quiet-tone; another is a clear error', () => {
    expect(toneOfSignal(undefined)).toEqual(DEFAULT_TONE);
    expect(toneOfSignal('tone')).toEqual(DEFAULT_TONE);
    expect(toneOfSignal('tone-noise')).toEqual({ ...DEFAULT_TONE, noiseDbfs: -40 });
    expect(toneOfSignal('quiet-tone')).toEqual({ ...DEFAULT_TONE, levelDbfs: -40 });
    expect(() => toneOfSignal('pink')).toThrow('signal "pink" is not legal; legal values: tone, tone-noise, quiet-tone');
    expect(toneExpression(MICROPHONE_SIGNALS['tone-noise'])).toContain('random(0)');
    expect(toneExpression(DEFAULT_TONE)).not.toContain('random');
    expect(syntheticMicrophone(MICROPHONE_SIGNALS['tone-noise']).describe()).toContain('white noise -40 dBFS RMS');
    expect(() => syntheticMicrophone({ noiseDbfs: -3 })).toThrow(RangeError);
  });
});
