// sourceLimitReport (reference-pusher/source-limits.ts): -1305 for a picture larger than the
// camera gives (either way up), -1306 for a sample rate the microphone does not give, null when
// the push fits or does not use the source.
import { describe, expect, it } from 'vitest';
import { sourceLimitReport } from '../../reference-pusher/source-limits.ts';

const ask = { width: 360, height: 640, sampleRate: 48_000, usesCamera: true, usesMicrophone: true };
const camera = { maxResolution: { width: 640, height: 360 } };

describe('sourceLimitReport', () => {
  it('compares long side with long side: a portrait push fits a landscape camera of the same size', () => {
    expect(sourceLimitReport(ask, camera, undefined)).toBeNull();
    expect(sourceLimitReport({ ...ask, width: 640, height: 360 }, camera, undefined)).toBeNull();
  });

  it('-1305 for a larger picture, naming both sizes', () => {
    const r = sourceLimitReport({ ...ask, width: 720, height: 1280 }, camera, undefined);
    expect(r?.code).toBe(-1305);
    expect(r?.message).toContain('720x1280 asked, the camera gives at most 640x360');
    expect(sourceLimitReport({ ...ask, width: 368, height: 640 }, camera, undefined)?.code).toBe(-1305);
  });

  it('-1306 for a sample rate the microphone does not give; the camera is judged first', () => {
    expect(sourceLimitReport(ask, undefined, { sampleRates: [16_000] })?.message).toContain('48000 Hz asked, the microphone gives 16000 Hz');
    expect(sourceLimitReport({ ...ask, sampleRate: 16_000 }, undefined, { sampleRates: [16_000, 44_100] })).toBeNull();
    expect(sourceLimitReport({ ...ask, width: 720, height: 1280 }, camera, { sampleRates: [16_000] })?.code).toBe(-1305);
  });

  it('a source the push does not open is not judged', () => {
    expect(sourceLimitReport({ ...ask, width: 720, height: 1280, usesCamera: false }, camera, undefined)).toBeNull();
    expect(sourceLimitReport({ ...ask, usesMicrophone: false }, undefined, { sampleRates: [16_000] })).toBeNull();
  });
});
