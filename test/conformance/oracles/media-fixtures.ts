// Offline media of known properties for the oracle and synthetic-source tests: the synthetic
// camera rendered through an optional filter, H.264-encoded and decoded back to rgb24 frames;
// the synthetic microphone rendered through an optional filter (and optionally AAC) to mono
// float32 PCM. Same inputs as the live sources, minus the real-time pacing (-re).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticCamera, type CameraPosition } from '../../../adapters/camera/synthetic.ts';
import { syntheticMicrophone, type ToneSpec } from '../../../adapters/microphone/synthetic.ts';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';
import { PpmStreamReader, type RgbFrame } from '../../../conformance/oracles/frame.ts';
import { runToCompletion } from '../../../adapters/process/run-to-completion.ts';

const LIVE_PACING = '-re';

function offline(args: string[]): string[] {
  return args.filter((a) => a !== LIVE_PACING);
}

export interface ClipOptions {
  camera?: CameraPosition;
  /** Filter applied after the camera's own chain (e.g. 'hflip', 'boxblur=2:1'). */
  filter?: string;
  frames: number;
  /** Encoded size, e.g. '240x320' (default: capture size). */
  size?: string;
  fps?: number;
  bitrate?: string;
}

/** Renders the synthetic camera offline, encodes H.264 (yuv420p) and decodes it to frames. */
export async function renderClip(opts: ClipOptions): Promise<RgbFrame[]> {
  const fps = opts.fps ?? 15;
  const cam = syntheticCamera(opts.camera ?? 'front');
  const dir = await mkdtemp(join(tmpdir(), 'lpbench-clip-'));
  try {
    const file = join(dir, 'clip.mp4');
    const chain = [cam.inputFilter({ fps }), opts.filter, opts.size ? `scale=${opts.size.replace('x', ':')}` : undefined, 'format=yuv420p']
      .filter((s): s is string => Boolean(s))
      .join(',');
    await runToCompletion({
      name: 'clip encoder',
      command: ffmpegPath(),
      args: ['-hide_banner', '-loglevel', 'error', ...offline(await cam.inputArgs({ fps })), '-vf', chain, '-frames:v', String(opts.frames),
        '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', opts.bitrate ?? '500k', '-y', file],
    });
    const { stdout } = await runToCompletion({
      name: 'clip decoder',
      command: ffmpegPath(),
      args: ['-hide_banner', '-loglevel', 'error', '-i', file, '-f', 'image2pipe', '-c:v', 'ppm', 'pipe:1'],
    });
    const reader = new PpmStreamReader();
    reader.feed(stdout);
    return reader.take().map((f, i) => ({ ...f, ptsMs: (i * 1000) / fps }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ToneRenderOptions {
  tone?: Partial<ToneSpec>;
  /** Audio filter after the source (e.g. 'volume=0', 'aecho=0.8:0.9:120:0.6'). */
  filter?: string;
  seconds: number;
  sampleRate?: number;
  /** Round-trip through AAC (as a stream would be). */
  aac?: boolean;
}

/** Renders the synthetic microphone offline to mono float32 PCM. */
export async function renderTone(opts: ToneRenderOptions): Promise<Float32Array> {
  const sampleRate = opts.sampleRate ?? 48000;
  const mic = syntheticMicrophone(opts.tone);
  const input = [...offline(await mic.inputArgs({ sampleRate })), '-t', String(opts.seconds)];
  const filter = opts.filter ? ['-af', opts.filter] : [];
  const pcmOut = ['-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', '-c:a', 'pcm_f32le'];
  let bytes: Buffer;
  if (opts.aac) {
    const dir = await mkdtemp(join(tmpdir(), 'lpbench-tone-'));
    try {
      const file = join(dir, 'tone.m4a');
      await runToCompletion({ name: 'tone encoder', command: ffmpegPath(), args: ['-hide_banner', '-loglevel', 'error', ...input, ...filter, '-c:a', 'aac', '-b:a', '64k', '-y', file] });
      bytes = (await runToCompletion({ name: 'tone decoder', command: ffmpegPath(), args: ['-hide_banner', '-loglevel', 'error', '-i', file, ...pcmOut, 'pipe:1'] })).stdout;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } else {
    bytes = (await runToCompletion({ name: 'tone renderer', command: ffmpegPath(), args: ['-hide_banner', '-loglevel', 'error', ...input, ...filter, ...pcmOut, 'pipe:1'] })).stdout;
  }
  const samples = new Float32Array(Math.floor(bytes.length / Float32Array.BYTES_PER_ELEMENT));
  new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.byteLength));
  return samples;
}
