// Materialized sources (adapters/sources/materialize.ts; docs/driver-protocol.md "Sources"): the
// default rig's synthetic cameras and microphone are published to an embedded RTMP server; a
// reader of each url gets the right pattern (front / back colours, upright), the frame counter
// advancing about one per frame at 30 fps, and the 1000 Hz tone; close() ends every publisher.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRig } from '../../rig/load.ts';
import { EmbeddedServer } from '../../adapters/server/embedded.ts';
import { liveProcessCount } from '../../adapters/process/supervised.ts';
import { DEFAULT_TONE } from '../../adapters/microphone/synthetic.ts';
import { materializeSources, SOURCE_FPS, SOURCE_SAMPLE_RATE, SOURCE_STREAM_PREFIX, TONE_FILE_SECONDS, type MaterializedSources } from '../../adapters/sources/materialize.ts';
import { observeStream } from '../../conformance/oracles/observe.ts';
import { counterDelta, identifyPattern, readFrameCounter } from '../../conformance/oracles/video.ts';
import { toneFrequency } from '../../conformance/oracles/audio.ts';
import { validateRig } from '../../driver-protocol/validate.ts';

const APP = 'live';
const OBSERVE_MS = 2000;
/** Counter steps per decoded frame: 1 at the source rate, allowing a dropped frame now and then. */
const MEDIAN_STEP = 1;
const TONE_TOLERANCE_HZ = 20;
const TIMEOUT_MS = 60_000;
const WAV_CHUNK_SIZE_OFFSET = 4;
const WAV_CHUNK_HEADER_BYTES = 8;
const PCM16_FULL_SCALE = 32768;

let server: EmbeddedServer;
let sources: MaterializedSources;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lpb-sources-'));
  server = await EmbeddedServer.start({});
  sources = await materializeSources(loadRig(), {
    rtmpUrl: (s) => server.rtmpUrl(APP, s),
    waitForPublish: async (s, ms) => {
      await server.waitForPublish(`/${APP}/${s}`, ms);
    },
  }, 'test');
}, TIMEOUT_MS);

afterAll(async () => {
  await sources?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('materializeSources', () => {
  it('puts a url next to every synthetic source, under the reserved prefix, and the rig still matches the schema', () => {
    expect(Object.keys(sources.streams).sort()).toEqual(['camera.back', 'camera.front', 'microphone']);
    for (const s of Object.values(sources.streams)) expect(s.startsWith(SOURCE_STREAM_PREFIX)).toBe(true);
    expect(sources.rig.camera.front).toEqual({ kind: 'synthetic', url: server.rtmpUrl(APP, sources.streams['camera.front']!) });
    expect(() => validateRig(sources.rig)).not.toThrow();
    expect(server.activeStreams()).toHaveLength(3);
    expect(sources.failure()).toBeUndefined();
  });

  it.each(['front', 'back'] as const)('the %s camera url carries its pattern with the counter advancing at the source rate', async (position) => {
    const o = await observeStream((sources.rig.camera[position] as { url: string }).url, {
      durationMs: OBSERVE_MS,
      frames: { all: true },
      audio: false,
      workDir: work,
    });
    expect(o.frames.length).toBeGreaterThan(SOURCE_FPS);
    const p = identifyPattern(o.frames[o.frames.length - 1]!);
    expect(p.camera).toBe(position);
    expect(p.transform).toBe('identity');
    const counters = o.frames.map((f) => readFrameCounter(f)).filter((c): c is number => c !== null);
    expect(counters.length).toBeGreaterThan(SOURCE_FPS);
    const steps = counters.slice(1).map((c, i) => counterDelta(counters[i]!, c)).sort((a, b) => a - b);
    expect(steps[Math.floor(steps.length / 2)]).toBe(MEDIAN_STEP);
  }, TIMEOUT_MS);

  it('the microphone url carries the tone', async () => {
    const o = await observeStream((sources.rig.microphone as { url: string }).url, { durationMs: OBSERVE_MS, frames: false, audio: true, workDir: work });
    expect(o.audio).not.toBeNull();
    const f = toneFrequency(o.audio!.samples, o.audio!.sampleRate);
    expect(Math.abs((f ?? 0) - DEFAULT_TONE.frequencyHz)).toBeLessThanOrEqual(TONE_TOLERANCE_HZ);
  }, TIMEOUT_MS);

  it('the microphone file is the tone, a whole number of seconds of 16-bit mono PCM', () => {
    const wav = readFileSync((sources.rig.microphone as { file: string }).file);
    const data = wav.indexOf('data');
    const bytes = wav.readUInt32LE(data + WAV_CHUNK_SIZE_OFFSET);
    const pcm = new Int16Array(wav.buffer.slice(wav.byteOffset + data + WAV_CHUNK_HEADER_BYTES, wav.byteOffset + data + WAV_CHUNK_HEADER_BYTES + bytes));
    expect(pcm.length).toBe(SOURCE_SAMPLE_RATE * TONE_FILE_SECONDS);
    const samples = Float32Array.from(pcm, (v) => v / PCM16_FULL_SCALE);
    expect(Math.abs((toneFrequency(samples, SOURCE_SAMPLE_RATE) ?? 0) - DEFAULT_TONE.frequencyHz)).toBeLessThanOrEqual(TONE_TOLERANCE_HZ);
  });

  it('close() ends every publisher and removes the file', async () => {
    const before = liveProcessCount();
    await sources.close();
    expect(liveProcessCount()).toBe(before - 3);
    expect(existsSync((sources.rig.microphone as { file: string }).file)).toBe(false);
  }, TIMEOUT_MS);
});
