// Materialized rig sources (docs/driver-protocol.md "Sources"): the synthetic camera pattern
// (adapters/camera/synthetic.ts + pattern.ts, frame counter advancing) and the synthetic
// microphone tone (adapters/microphone/synthetic.ts) exist only as code inside the bench, so a
// third-party IUT could not show what the picture and tone checks look for. Here each synthetic
// source of a rig is played live, paced in real time, by one supervised ffmpeg that publishes it
// to an RTMP server under a reserved stream name; the rig handed to the driver then says where
// (rig.camera.front = {kind: 'synthetic', url: 'rtmp://…'}). Camera streams carry video only,
// the microphone stream audio only. The tone is also written as a WAV file that loops without a
// seam (rig.microphone.file), for fake devices that read files. close() stops every publisher,
// whatever state it is in, and removes the file.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { syntheticCamera, type CameraPosition } from '../camera/synthetic.ts';
import { syntheticMicrophone, toneOfSignal } from '../microphone/synthetic.ts';
import { ffmpegPath } from '../ffmpeg.ts';
import { SupervisedProcess } from '../process/supervised.ts';
import type { Rig } from '../../rig/types.ts';

/** Frame rate of a materialized camera: the spec's highest fps, so any fps an IUT picks can be
 *  taken from it without inventing frames (every source frame carries its own counter value). */
export const SOURCE_FPS = 30;
/** Keyframe every half second: a reader joining late gets at most that much cached burst. */
export const SOURCE_GOP_FRAMES = SOURCE_FPS / 2;
/** Near-lossless H.264, so the pattern's colours and counter cells survive a second encode. */
export const SOURCE_CRF = 16;
export const SOURCE_SAMPLE_RATE = 48_000;
export const SOURCE_AUDIO_BITRATE = '192k';
/** How long a publisher may take to show progress (its first encoded output). */
export const SOURCE_START_TIMEOUT_MS = 15_000;
/** How long close() lets a publisher exit after SIGTERM before SIGKILL. */
const CLOSE_GRACE_MS = 2_000;
/** Length of the tone file: a whole number of on/off periods and of sine cycles, so it loops cleanly. */
export const TONE_FILE_SECONDS = 10;
const TONE_FILE_SAMPLE_FORMAT = 'pcm_s16le';
/** Stream names under which the sources are published start with this (no check uses it). */
export const SOURCE_STREAM_PREFIX = 'lpb-source-';

/** Where the sources go: the conformance server (or any RTMP server). */
export interface SourceTarget {
  /** The url of a stream on the server (publish and read are the same url). */
  rtmpUrl(stream: string): string;
  /** Resolves once the server sees the stream published (optional; embedded server only). */
  waitForPublish?(stream: string, timeoutMs: number): Promise<void>;
}

export interface MaterializedSources {
  /** The rig with `url` added to every synthetic source. */
  rig: Rig;
  /** Stream name by source ('camera.front', 'camera.back', 'microphone'). */
  streams: Record<string, string>;
  /** The first publisher that died after its start (ProcessDiedError, with its stderr), if any. */
  failure(): Error | undefined;
  close(): Promise<void>;
}

/** A progress line of ffmpeg's -stats output: its first output has been written. */
function isProgressLine(line: string): boolean {
  return /^\s*(frame|size)=/.test(line);
}

async function cameraArgs(position: CameraPosition, url: string): Promise<string[]> {
  const camera = syntheticCamera(position);
  const filter = camera.inputFilter({ fps: SOURCE_FPS });
  return [
    ...(await camera.inputArgs({ fps: SOURCE_FPS })),
    ...(filter ? ['-vf', filter] : []),
    '-an',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-crf', String(SOURCE_CRF),
    '-g', String(SOURCE_GOP_FRAMES), '-keyint_min', String(SOURCE_GOP_FRAMES), '-pix_fmt', 'yuv420p',
    '-f', 'flv', url,
  ];
}

async function microphoneArgs(url: string, signal: string | undefined): Promise<string[]> {
  const mic = syntheticMicrophone(toneOfSignal(signal));
  return [...(await mic.inputArgs({ sampleRate: SOURCE_SAMPLE_RATE })), '-vn', '-c:a', 'aac', '-b:a', SOURCE_AUDIO_BITRATE, '-f', 'flv', url];
}

/** Writes TONE_FILE_SECONDS of the tone (the rig's `signal`) as a WAV file. */
async function writeToneFile(path: string, signal: string | undefined): Promise<void> {
  const mic = syntheticMicrophone(toneOfSignal(signal));
  const input = (await mic.inputArgs({ sampleRate: SOURCE_SAMPLE_RATE })).filter((a) => a !== '-re');
  await promisify(execFile)(ffmpegPath(), ['-hide_banner', '-nostdin', '-loglevel', 'error', ...input, '-t', String(TONE_FILE_SECONDS), '-c:a', TONE_FILE_SAMPLE_FORMAT, '-y', path]);
}

async function startPublisher(label: string, args: string[]): Promise<SupervisedProcess> {
  return SupervisedProcess.start({
    name: `source publisher (${label})`,
    command: ffmpegPath(),
    args: ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-stats', ...args],
    stdin: false,
    stdoutMode: 'ignore',
    readyWhen: (line, stream) => stream === 'stderr' && isProgressLine(line),
    startTimeoutMs: SOURCE_START_TIMEOUT_MS,
  });
}

/** Where a materialized device that never opens points: a host under .invalid never resolves
 *  (RFC 6761), so opening the stream fails at once, as opening a missing device does. */
export const MISSING_SOURCE_URL = 'rtmp://lpb-missing-device.invalid/lpb-sources/missing';
/** The file of a materialized device that never opens: a path that does not exist. */
export const MISSING_SOURCE_FILE = '/nonexistent/lpb-missing-device.wav';

/**
 * A materialized source entry as a device that never opens (docs/driver-protocol.md "Device
 * faults"): its `url` and `file` point where nothing can be opened, so a driver that opens what
 * the rig gives meets the missing device without reading `fault`. Other faults (ends, stalls)
 * keep the healthy stream: a driver applies those itself. Entries without url/file are returned
 * as they are.
 */
export function withMaterializedFault<T extends { url?: string; file?: string; fault?: { kind: string } }>(entry: T): T {
  if (entry.fault?.kind !== 'never-opens') return entry;
  return {
    ...entry,
    ...(entry.url === undefined ? {} : { url: MISSING_SOURCE_URL }),
    ...(entry.file === undefined ? {} : { file: MISSING_SOURCE_FILE }),
  };
}

/**
 * Publishes every synthetic source of `rig` to `target` under `<prefix><tag>-<source>` and
 * resolves with the rig pointing at them. Non-synthetic sources are left as they are. A failed
 * start closes what was started and rejects.
 */
export async function materializeSources(rig: Rig, target: SourceTarget, tag: string): Promise<MaterializedSources> {
  const started: SupervisedProcess[] = [];
  const streams: Record<string, string> = {};
  let died: Error | undefined;
  let fileDir: string | undefined;
  const close = async (): Promise<void> => {
    await Promise.all(started.map((p) => p.close('SIGTERM', CLOSE_GRACE_MS)));
    if (fileDir) await rm(fileDir, { recursive: true, force: true });
  };
  const out: Rig = structuredClone(rig);
  try {
    const jobs: Promise<void>[] = [];
    for (const position of ['front', 'back'] as const) {
      if (rig.camera[position].kind !== 'synthetic') continue;
      const stream = `${SOURCE_STREAM_PREFIX}${tag}-camera-${position}`;
      const url = target.rtmpUrl(stream);
      streams[`camera.${position}`] = stream;
      // A device fault stays on the entry: the driver that reads the healthy stream applies it (docs/driver-protocol.md "Device faults").
      out.camera[position] = { ...rig.camera[position], kind: 'synthetic', url };
      jobs.push(cameraArgs(position, url).then(async (args) => void started.push(await startPublisher(`camera ${position}`, args))));
    }
    if (rig.microphone.kind === 'synthetic') {
      const stream = `${SOURCE_STREAM_PREFIX}${tag}-microphone`;
      const url = target.rtmpUrl(stream);
      const signal = rig.microphone.signal;
      streams['microphone'] = stream;
      fileDir = await mkdtemp(join(tmpdir(), SOURCE_STREAM_PREFIX));
      const file = join(fileDir, `${stream}.wav`);
      out.microphone = { ...rig.microphone, kind: 'synthetic', url, file };
      jobs.push(microphoneArgs(url, signal).then(async (args) => void started.push(await startPublisher(`microphone ${signal ?? 'tone'}`, args))));
      jobs.push(writeToneFile(file, signal));
    }
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (target.waitForPublish) await Promise.all(Object.values(streams).map((s) => target.waitForPublish!(s, SOURCE_START_TIMEOUT_MS)));
  } catch (err) {
    await close();
    throw err;
  }
  for (const p of started) p.on('died', (err: Error) => (died ??= err));
  return { rig: out, streams, failure: () => died, close };
}
