// observeStream against live streams of KNOWN properties: plain ffmpeg publishes the
// synthetic camera + microphone (libx264 CBR 500k, GOP 30 @ 15 fps, AAC) to the embedded
// node-media-server, and the observer must measure exactly that, over one reader connection,
// leaving no child process behind.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCamera, type CameraPosition } from '../../../adapters/camera/synthetic.ts';
import { syntheticMicrophone } from '../../../adapters/microphone/synthetic.ts';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';
import { SupervisedProcess, liveProcessCount } from '../../../adapters/process/supervised.ts';
import { EmbeddedServer } from '../../../adapters/server/embedded.ts';
import { alignTone, toneFrequency } from '../../../conformance/oracles/audio.ts';
import { DEFAULT_ALL_FRAMES_MAX_WIDTH, observeStream } from '../../../conformance/oracles/observe.ts';
import { bitrateKbps, fps, gopSeconds, timestampsMonotonic } from '../../../conformance/oracles/packets.ts';
import { identifyPattern, readFrameCounter } from '../../../conformance/oracles/video.ts';

const FPS = 15;
const GOP_FRAMES = 30;
const PUBLISH_WAIT_MS = 10_000;

let server: EmbeddedServer;
let workDir: string;

beforeAll(async () => {
  server = await EmbeddedServer.start();
  workDir = await mkdtemp(join(tmpdir(), 'lpbench-observe-'));
});

afterAll(async () => {
  await server?.close();
  await rm(workDir, { recursive: true, force: true });
});

async function publish(name: string, opts: { camera: CameraPosition; size: string; sampleRate: number; filter?: string }): Promise<SupervisedProcess> {
  const cam = syntheticCamera(opts.camera);
  const mic = syntheticMicrophone();
  const chain = [cam.inputFilter({ fps: FPS }), opts.filter, `scale=${opts.size.replace('x', ':')}`, 'format=yuv420p'].filter(Boolean).join(',');
  const proc = await SupervisedProcess.start({
    name: `publisher ${name}`,
    command: ffmpegPath(),
    stdin: false,
    args: [
      '-hide_banner', '-loglevel', 'error',
      ...(await cam.inputArgs({ fps: FPS })), ...(await mic.inputArgs({ sampleRate: opts.sampleRate })),
      '-filter_complex', `[0:v]${chain}[v]`, '-map', '[v]', '-map', '1:a',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', String(GOP_FRAMES), '-r', String(FPS),
      '-b:v', '500k', '-maxrate', '500k', '-bufsize', '500k', '-x264-params', 'nal-hrd=cbr',
      '-c:a', 'aac', '-ar', String(opts.sampleRate), '-b:a', '48k',
      '-f', 'flv', server.rtmpUrl('live', name),
    ],
  });
  await server.waitForPublish(`/live/${name}`, PUBLISH_WAIT_MS);
  return proc;
}

describe('observeStream', () => {
  it('measures size, fps, GOP, bitrate, pattern, counter and tone of a 48 kHz stream', async () => {
    const pub = await publish('known48', { camera: 'front', size: '360x640', sampleRate: 48000 });
    const before = liveProcessCount();
    try {
      const obs = await observeStream(server.rtmpUrl('live', 'known48'), { durationMs: 3500, frames: { everyMs: 500 }, workDir });
      expect(liveProcessCount()).toBe(before);
      expect(obs.firstPacketAtMs).not.toBeNull();
      expect(obs.endedEarly).toBe(false);
      const video = obs.streams.find((s) => s.type === 'video')!;
      const audio = obs.streams.find((s) => s.type === 'audio')!;
      expect(video).toMatchObject({ codec: 'h264', width: 360, height: 640, pixFmt: 'yuv420p' });
      expect(audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 1 });
      expect(JSON.parse(obs.probeOutput)).toHaveProperty('packets');

      expect(Math.abs(fps(obs.packets)! - FPS) / FPS).toBeLessThan(0.1);
      expect(Math.abs(gopSeconds(obs.packets)! - GOP_FRAMES / FPS)).toBeLessThan(0.5);
      expect(Math.abs(bitrateKbps(obs.packets, 'video')! - 500) / 500).toBeLessThan(0.2);
      expect(timestampsMonotonic(obs.packets)).toBe(true);

      expect(obs.frames.length).toBeGreaterThanOrEqual(6);
      for (const f of obs.frames) {
        expect([f.width, f.height]).toEqual([360, 640]);
        expect(identifyPattern(f)).toMatchObject({ camera: 'front', transform: 'identity' });
      }
      const first = obs.frames[0]!;
      const last = obs.frames[obs.frames.length - 1]!;
      const counted = readFrameCounter(last)! - readFrameCounter(first)!;
      expect(Math.abs((counted * 1000) / (last.ptsMs - first.ptsMs) - FPS) / FPS).toBeLessThan(0.1);

      expect(obs.audio!.sampleRate).toBe(48000);
      expect(obs.audio!.samples.length / 48000).toBeGreaterThan(3);
      expect(Math.abs(toneFrequency(obs.audio!.samples, 48000)! - 1000) / 1000).toBeLessThan(0.02);
      expect(alignTone(obs.audio!.samples, 48000)!.onRmsDbfs).toBeGreaterThan(-17);
    } finally {
      await pub.close();
    }
  });

  it('gives every packet and every decoded frame its arrival time, and decodes every frame', async () => {
    const pub = await publish('arrivals', { camera: 'front', size: '360x640', sampleRate: 48000 });
    try {
      const from = Date.now();
      const obs = await observeStream(server.rtmpUrl('live', 'arrivals'), { durationMs: 3000, frames: { all: true }, audio: false, workDir });
      const to = Date.now();
      expect(obs.packets.length).toBeGreaterThan(0);
      for (const p of obs.packets) {
        expect(p.arrivedAtMs).toBeGreaterThanOrEqual(from);
        expect(p.arrivedAtMs).toBeLessThanOrEqual(to);
      }
      const arrivals = obs.packets.map((p) => p.arrivedAtMs!);
      expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
      const video = obs.packets.filter((p) => p.stream === 'video');
      expect(obs.frames.length).toBe(video.length);
      for (const f of obs.frames) {
        expect(f.width).toBeLessThanOrEqual(DEFAULT_ALL_FRAMES_MAX_WIDTH);
        expect(f.arrivedAtMs).toBeGreaterThanOrEqual(from);
      }
      const counters = obs.frames.map((f) => readFrameCounter(f));
      for (let i = 1; i < counters.length; i++) expect(counters[i]! - counters[i - 1]!).toBe(1);
      const live = video.filter((p) => p.arrivedAtMs! >= video[0]!.arrivedAtMs! + 1000);
      const wallFps = ((live.length - 1) * 1000) / (live[live.length - 1]!.arrivedAtMs! - live[0]!.arrivedAtMs!);
      expect(Math.abs(wallFps - FPS) / FPS).toBeLessThan(0.15);
    } finally {
      await pub.close();
    }
  });

  it('sees a mirrored back camera and a 16 kHz sample rate', async () => {
    const pub = await publish('known16', { camera: 'back', size: '240x320', sampleRate: 16000, filter: 'hflip' });
    try {
      const obs = await observeStream(server.rtmpUrl('live', 'known16'), { durationMs: 2000, frames: { everyMs: 1000 }, workDir });
      expect(obs.streams.find((s) => s.type === 'audio')).toMatchObject({ sampleRate: 16000 });
      expect(obs.audio!.sampleRate).toBe(16000);
      expect(Math.abs(toneFrequency(obs.audio!.samples, 16000)! - 1000) / 1000).toBeLessThan(0.02);
      expect(identifyPattern(obs.frames[obs.frames.length - 1]!)).toMatchObject({ camera: 'back', transform: 'mirror' });
    } finally {
      await pub.close();
    }
  });

  it('returns an empty observation when nothing is published, and leaves no child behind', async () => {
    const before = liveProcessCount();
    const obs = await observeStream(server.rtmpUrl('live', 'nobody'), { durationMs: 1000, startTimeoutMs: 1500, frames: false, audio: false, workDir });
    expect(obs.firstPacketAtMs).toBeNull();
    expect(obs.packets).toEqual([]);
    expect(obs.frames).toEqual([]);
    expect(obs.audio).toBeNull();
    expect(liveProcessCount()).toBe(before);
  });

  it('reports a refused connection as ended early with the reader stderr', async () => {
    const closed = await EmbeddedServer.start();
    const url = closed.rtmpUrl('live', 'gone');
    await closed.close();
    const obs = await observeStream(url, { durationMs: 1000, startTimeoutMs: 3000, workDir });
    expect(obs.endedEarly).toBe(true);
    expect(obs.firstPacketAtMs).toBeNull();
    expect(obs.stderr).toMatch(/Connection refused|Cannot open connection|Input\/output error/i);
  });
});
