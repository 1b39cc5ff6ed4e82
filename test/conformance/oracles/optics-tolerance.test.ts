// How the picture and sound oracles tolerate a physical camera filming the chart and a
// microphone hearing the tone through the air (issue 11 "Physical cameras see the chart"): the
// synthetic pattern distorted by ffmpeg the way optics distort it (perspective = a chart not
// square to the lens, eq = exposure and contrast, colorchannelmixer = a colour cast, gblur =
// focus, noise = sensor noise) and the tone through a speaker's band, a room's echoes and noise,
// each H.264/AAC-encoded and decoded, then read by the oracles. Measured on this machine
// (360x640, 8 frames; 4 s of tone):
//   - identifyPattern (which camera, mirror/rotation): unchanged under every distortion and all
//     of them together (worst quadrant distance 65 of the 90 allowed, dark exposure).
//   - readFrameCounter: reads every frame under each distortion alone; not under all together
//     (perspective + exposure + cast + blur + noise), so fps checks need a chart filmed square.
//   - readFit / cropProblem (aspect, size checks): tolerate blur (crop distance 5.5 at sigma 4)
//     and noise (2.8), but not exposure (41), a colour cast (21) or perspective (19) against the
//     15 allowed: the geometry checks compare absolute colours and positions, so they are for
//     digital paths (synthetic, v4l2loopback), not a filmed chart.
//   - toneFrequency: 999.9 Hz under reverb, noise, a speaker's band limit and all together.
//   - alignTone: the on/off schedule is still found (on-minus-gap ≥ 22 dB); absolute levels move
//     with the acoustic path (a -8 dB speaker reads -8 dB), so level checks through the air
//     must be relative (muted vs not, volume steps), never absolute dBFS.
import { describe, expect, it } from 'vitest';
import { renderClip, renderTone } from './media-fixtures.ts';
import { identifyPattern, readFrameCounter, PATTERN_MATCH_MAX_DISTANCE } from '../../../conformance/oracles/video.ts';
import { cropProblem, FIT_MAX_DISTANCE, readFit } from '../../../conformance/oracles/geometry.ts';
import { alignTone, toneFrequency } from '../../../conformance/oracles/audio.ts';
import { DEFAULT_TONE } from '../../../adapters/microphone/synthetic.ts';

const FRAMES = 8;
const SIZE = '360x640';
const SAMPLE_RATE = 48_000;
const TONE_SECONDS = 4;
/** The tone's on-window RMS on the digital path: −12 dBFS peak − 3.01 dB. */
const ON_RMS_DBFS = DEFAULT_TONE.levelDbfs - 3.01;
const FREQUENCY_TOLERANCE = 0.01;
const MIN_ON_OVER_GAP_DB = 20;
const SPEAKER_GAIN_DB = -8;
const LEVEL_TOLERANCE_DB = 1;

const PERSPECTIVE = 'perspective=x0=W*0.04:y0=H*0.03:x1=W*0.97:y1=H*0.01:x2=W*0.01:y2=H*0.97:x3=W*0.95:y3=H*0.99';
const OPTICS: Record<string, string> = {
  perspective: PERSPECTIVE,
  exposure: 'eq=brightness=0.08:contrast=0.8',
  dark: 'eq=brightness=-0.1:gamma=0.8',
  'colour cast': 'colorchannelmixer=rr=1.08:gg=0.97:bb=0.85',
  focus: 'gblur=sigma=4',
  'sensor noise': 'noise=alls=12:allf=t',
};
const ALL_OPTICS = `${PERSPECTIVE},eq=brightness=0.05:contrast=0.85,colorchannelmixer=rr=1.05:bb=0.9,gblur=sigma=1.5,noise=alls=8:allf=t`;

const SPEAKER = `highpass=f=200,lowpass=f=6000,volume=${SPEAKER_GAIN_DB}dB`;
const ECHOES = 'aecho=0.8:0.7:40|70:0.35|0.25';
const ROOM_NOISE = 'anoisesrc=c=pink:a=0.03:r=48000[n];[in][n]amix=inputs=2:duration=first';
const AIR: Record<string, string> = {
  reverb: ECHOES,
  'room noise': ROOM_NOISE,
  speaker: SPEAKER,
  'speaker in a noisy room': `${SPEAKER},${ECHOES}[s];anoisesrc=c=pink:a=0.02:r=48000[n];[s][n]amix=inputs=2:duration=first`,
};

describe('picture oracles under real optics', () => {
  it.each(Object.entries(OPTICS))('%s: camera, mirror and frame counter read unchanged', async (_name, filter) => {
    for (const mirror of [false, true]) {
      const frames = await renderClip({ frames: FRAMES, size: SIZE, filter: mirror ? `${filter},hflip` : filter });
      const transform = mirror ? 'mirror' : 'identity';
      for (const f of frames) {
        const id = identifyPattern(f);
        expect([id.camera, id.transform]).toEqual(['front', transform]);
        expect(id.distance).toBeLessThan(PATTERN_MATCH_MAX_DISTANCE);
      }
      expect(frames.map((f) => readFrameCounter(f, transform))).toEqual([...Array(FRAMES).keys()]);
    }
  }, 60_000);

  it('all distortions together: camera and mirror still identified', async () => {
    const frames = await renderClip({ frames: FRAMES, size: SIZE, filter: `${ALL_OPTICS},hflip` });
    for (const f of frames) expect([identifyPattern(f).camera, identifyPattern(f).transform]).toEqual(['front', 'mirror']);
  }, 60_000);

  it('geometry (aspect, size) tolerates focus and noise; exposure, a colour cast and perspective exceed it (digital paths only)', async () => {
    for (const name of ['focus', 'sensor noise']) {
      for (const f of await renderClip({ frames: 3, size: SIZE, filter: OPTICS[name] })) expect(cropProblem(readFit(f, { camera: 'front' })), name).toBeNull();
    }
    for (const name of ['exposure', 'colour cast', 'perspective']) {
      const [f] = await renderClip({ frames: 1, size: SIZE, filter: OPTICS[name] });
      expect(readFit(f!, { camera: 'front' }).distances.crop, name).toBeGreaterThan(FIT_MAX_DISTANCE);
    }
  }, 60_000);
});

describe('sound oracles through the air', () => {
  it.each(Object.entries(AIR))('%s: frequency and on/off schedule unchanged', async (_name, filter) => {
    const s = await renderTone({ seconds: TONE_SECONDS, filter, aac: true, sampleRate: SAMPLE_RATE });
    const hz = toneFrequency(s, SAMPLE_RATE)!;
    expect(Math.abs(hz - DEFAULT_TONE.frequencyHz)).toBeLessThan(DEFAULT_TONE.frequencyHz * FREQUENCY_TOLERANCE);
    const a = alignTone(s, SAMPLE_RATE)!;
    expect(a.onRmsDbfs - a.gapRmsDbfs).toBeGreaterThan(MIN_ON_OVER_GAP_DB);
  }, 30_000);

  it('absolute level follows the acoustic path (a speaker at -8 dB reads -8 dB): level checks through the air must be relative', async () => {
    const s = await renderTone({ seconds: TONE_SECONDS, filter: SPEAKER, aac: true, sampleRate: SAMPLE_RATE });
    expect(Math.abs(alignTone(s, SAMPLE_RATE)!.onRmsDbfs - (ON_RMS_DBFS + SPEAKER_GAIN_DB))).toBeLessThan(LEVEL_TOLERANCE_DB);
  }, 30_000);
});
