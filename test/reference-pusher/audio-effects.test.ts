// The reference's microphone processing (reference-pusher/audio-effects.ts) and its captured
// level (mic-level.ts): which filters each setting adds, the MIC volume's legal values, reverb
// taps that fall 60 dB over the preset's T60, and the volume scale of known PCM levels.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MIC_VOLUME, REVERB_PRESETS, VOICE_PRESETS, audioEffectFilters, audioEffectsFromAttributes, micVolumeProblem, reverbFilter } from '../../reference-pusher/audio-effects.ts';
import { LEVEL_TAP_RATE, MicLevelMeter, VOLUME_NOTIFY_INTERVAL_MS, volumeOfDbfs } from '../../reference-pusher/mic-level.ts';

const OFF = { micVolume: DEFAULT_MIC_VOLUME, agc: false, ans: false, reverbType: 0, voiceChangerType: 0 };

describe('audio effects', () => {
  it('adds nothing at the defaults and one filter per setting, gain first', () => {
    expect(audioEffectFilters(OFF)).toEqual([]);
    expect(audioEffectsFromAttributes({})).toEqual(OFF);
    const all = audioEffectFilters({ micVolume: 0.5, agc: true, ans: true, reverbType: 1, voiceChangerType: 1 });
    expect(all[0]).toBe('volume=0.5000');
    expect(all.some((f) => f.startsWith('afftdn'))).toBe(true);
    expect(all.some((f) => f.startsWith('dynaudnorm'))).toBe(true);
    expect(all.some((f) => f.startsWith('rubberband=pitch=1.5'))).toBe(true);
    expect(all[all.length - 1]!.startsWith('aecho=')).toBe(true);
  });

  it('has a voice for every legal voice-changer-type and none for 5', () => {
    for (const t of [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11]) expect(VOICE_PRESETS[t], `type ${t}`).toBeDefined();
    expect(VOICE_PRESETS[5]).toBeUndefined();
  });

  it('builds reverb taps that fall 60 dB by the T60, distinct per type', () => {
    expect(reverbFilter(0)).toBeNull();
    const t60s = new Set<number>();
    for (const t of [1, 2, 3, 4, 5, 6, 7]) {
      const p = REVERB_PRESETS[t]!;
      t60s.add(p.t60Ms);
      const [, , delays, decays] = reverbFilter(t)!.split(':');
      const d = delays!.split('|').map(Number);
      const g = decays!.split('|').map(Number);
      expect(d.length).toBe(g.length);
      expect(Math.max(...d)).toBeLessThanOrEqual(p.t60Ms + 3);
      // the decays are written to 4 decimals, so the check reads a tap halfway down (−30 dB)
      const mid = Math.floor(d.length / 2);
      expect(20 * Math.log10(g[mid]! / p.wet)).toBeCloseTo((-60 * d[mid]!) / p.t60Ms, 0);
    }
    expect(t60s.size).toBe(7);
  });

  it('takes a MIC volume from 0 to 1 and names anything else', () => {
    for (const v of [0, 0.5, 1]) expect(micVolumeProblem(v)).toBeNull();
    expect(micVolumeProblem(1.5)).toMatch(/volume: 1\.5 is not legal; expected a number from 0 to 1/);
    expect(micVolumeProblem('0.5')).toMatch(/volume: "0\.5" is not legal/);
    expect(micVolumeProblem(Number.NaN)).toMatch(/not legal/);
  });
});

describe('captured level', () => {
  it('maps dBFS to 0-100 linearly from the -60 dBFS floor', () => {
    expect(volumeOfDbfs(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(volumeOfDbfs(-60)).toBe(0);
    expect(volumeOfDbfs(-30)).toBe(50);
    expect(volumeOfDbfs(0)).toBe(100);
    expect(volumeOfDbfs(6)).toBe(100);
  });

  it('reports one volume per block of PCM, whatever the chunking', () => {
    const block = (LEVEL_TAP_RATE * VOLUME_NOTIFY_INTERVAL_MS) / 1000;
    const pcm = Buffer.alloc(block * 3 * 2);
    // block 0 silent, block 1 a full-scale square (0 dBFS RMS), block 2 at -20 dBFS RMS (0.1 of full scale)
    for (let i = 0; i < block; i++) pcm.writeInt16LE(i % 2 ? 32767 : -32767, (block + i) * 2);
    for (let i = 0; i < block; i++) pcm.writeInt16LE(i % 2 ? 3277 : -3277, (2 * block + i) * 2);
    const seen: number[] = [];
    const meter = new MicLevelMeter((v) => seen.push(v));
    for (let at = 0; at < pcm.length; at += 333) meter.feed(pcm.subarray(at, Math.min(pcm.length, at + 333)));
    expect(seen).toEqual([0, 100, 67]);
  });
});
