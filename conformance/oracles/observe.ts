// The stream observer (judge what reached the server, never the IUT's claims): pulls a live
// stream from the RTMP server with ffmpeg only — independent of the project's protocol code —
// over ONE server connection. The puller remuxes (-c copy -copyts) to FLV on its stdout;
// Node tees those bytes into ffprobe (streams + every packet, as JSON) and into a decoding
// ffmpeg (video frames sampled every N ms, or every frame scaled down, as rgb24 PPM with
// showinfo timestamps; audio as mono float32 PCM at the stream's own rate). -rw_timeout is
// always set; every child is supervised and closed on every path.
// Arrival times: the puller flushes each packet (-flush_packets 1) and Node logs (cumulative
// byte offset, Date.now()) per chunk it reads; ffprobe reports each packet's byte `pos` in that
// same byte stream, so every packet gets the wall time its last byte reached us (arrivedAtMs),
// and every decoded frame the arrival time of its packet.
// Spec: the truth behind every attribute check (live-pusher.zh.md 通用属性, context-api.md).
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MIN_READABLE_WIDTH } from '../../adapters/camera/pattern.ts';
import { ffmpegPath, ffprobePath } from '../../adapters/ffmpeg.ts';
import { SupervisedProcess } from '../../adapters/process/supervised.ts';
import { PpmStreamReader, type RgbFrame } from './frame.ts';
import { ArrivalLog } from './arrival-log.ts';
import type { MediaKind, Packet } from './packets.ts';

export interface StreamInfo {
  index: number;
  /** ffprobe codec_type: 'video', 'audio', 'data', ... */
  type: string;
  codec: string;
  profile: string | null;
  width: number | null;
  height: number | null;
  pixFmt: string | null;
  sampleRate: number | null;
  channels: number | null;
}

export interface ObserveOptions {
  /** How long to watch, counted from the first byte of stream that arrives. */
  durationMs: number;
  /** Give up (empty observation) when nothing arrived by then. Also the -rw_timeout. */
  startTimeoutMs?: number;
  /** Decoded frames sampled every everyMs of stream time (default every 500 ms); or every
   *  decoded frame (`all`, for frame counters), scaled down to at most maxWidth pixels wide
   *  (default DEFAULT_ALL_FRAMES_MAX_WIDTH, where the counter stays readable); or none. */
  frames?: { everyMs: number } | { all: true; maxWidth?: number } | false;
  /** Decode audio (default true). */
  audio?: boolean;
  /** Scratch directory (decoded audio is staged here and removed). */
  workDir: string;
}

export interface ObservedAudio {
  sampleRate: number;
  samples: Float32Array;
}

export interface Observation {
  url: string;
  streams: StreamInfo[];
  packets: Packet[];
  frames: RgbFrame[];
  audio: ObservedAudio | null;
  /** Wall time from the start of observing to the first stream bytes; null if none came. */
  firstPacketAtMs: number | null;
  /** Date.now() when observing started (to line up with event logs). */
  startedAtEpochMs: number;
  /** Wall time the reader was connected for. */
  observedMs: number;
  /** The stream ended (or the connection failed) before durationMs had passed. */
  endedEarly: boolean;
  /** Raw ffprobe JSON, for evidence. */
  probeOutput: string;
  /** stderr tails of the reader processes. */
  stderr: string;
}

export const DEFAULT_START_TIMEOUT_MS = 10_000;
export const DEFAULT_FRAME_EVERY_MS = 500;
/** Width every-frame decoding scales down to (the pattern's smallest readable width). */
export const DEFAULT_ALL_FRAMES_MAX_WIDTH = MIN_READABLE_WIDTH;
/** How long ffprobe and the decoder get to drain after the puller stopped. */
const FINISH_TIMEOUT_MS = 15_000;
/** Stream analysis budget of the puller (µs): enough to see both FLV streams' headers. */
const PULLER_ANALYZE_US = 300_000;
const US_PER_MS = 1000;
const MS_PER_S = 1000;
/** FLV tag header ahead of a packet's payload: ffprobe's pos is the tag's first byte. */
const FLV_TAG_HEADER_BYTES = 11;
/** Decoded frame and packet presentation times match within this (FLV stamps whole ms). */
const PTS_MATCH_MS = 0.5;

const STREAM_LINE = /Stream #0:\d+.*?: (Video|Audio):/;
const SHOWINFO_LINE = /Parsed_showinfo.*\bn:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+)/;
const DECODED_AUDIO_RATE = /Audio: pcm_f32le.*?, (\d+) Hz/;

interface ProbeJson {
  streams?: {
    index: number;
    codec_type?: string;
    codec_name?: string;
    profile?: string;
    width?: number;
    height?: number;
    pix_fmt?: string;
    sample_rate?: string;
    channels?: number;
  }[];
  packets?: { codec_type?: string; pts_time?: string; dts_time?: string; size?: string; pos?: string; flags?: string }[];
}

export function parseProbe(text: string, arrivals?: ArrivalLog): { streams: StreamInfo[]; packets: Packet[] } {
  let json: ProbeJson;
  try {
    json = JSON.parse(text) as ProbeJson;
  } catch {
    return { streams: [], packets: [] };
  }
  const streams = (json.streams ?? []).map((s) => ({
    index: s.index,
    type: s.codec_type ?? 'unknown',
    codec: s.codec_name ?? 'unknown',
    profile: s.profile ?? null,
    width: s.width ?? null,
    height: s.height ?? null,
    pixFmt: s.pix_fmt ?? null,
    sampleRate: s.sample_rate !== undefined ? Number(s.sample_rate) : null,
    channels: s.channels ?? null,
  }));
  const packets: Packet[] = [];
  for (const p of json.packets ?? []) {
    if (p.codec_type !== 'video' && p.codec_type !== 'audio') continue;
    const pts = Number(p.pts_time ?? p.dts_time);
    const dts = Number(p.dts_time ?? p.pts_time);
    const size = Number(p.size ?? 0);
    const pos = p.pos !== undefined ? Number(p.pos) : Number.NaN;
    const packet: Packet = {
      stream: p.codec_type as MediaKind,
      ptsMs: pts * MS_PER_S,
      dtsMs: dts * MS_PER_S,
      size,
      keyframe: (p.flags ?? '').includes('K'),
    };
    if (Number.isFinite(pos)) {
      packet.pos = pos;
      const at = arrivals?.arrivalOf(pos + FLV_TAG_HEADER_BYTES + size - 1);
      if (at !== undefined) packet.arrivedAtMs = at;
    }
    packets.push(packet);
  }
  return { streams, packets };
}

/** Each frame gets the arrival time of the video packet with its presentation time. */
export function withArrivals(frames: RgbFrame[], packets: readonly Packet[]): RgbFrame[] {
  const video = packets.filter((p) => p.stream === 'video' && p.arrivedAtMs !== undefined).sort((a, b) => a.ptsMs - b.ptsMs);
  return frames.map((f) => {
    if (!Number.isFinite(f.ptsMs)) return f;
    let lo = 0;
    let hi = video.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (video[mid]!.ptsMs < f.ptsMs - PTS_MATCH_MS) lo = mid + 1;
      else hi = mid;
    }
    const p = video[lo];
    return p && Math.abs(p.ptsMs - f.ptsMs) <= PTS_MATCH_MS ? { ...f, arrivedAtMs: p.arrivedAtMs } : f;
  });
}

function waitExitOrKill(proc: SupervisedProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => void proc.close('SIGKILL').then(() => resolve()), timeoutMs);
    void proc.waitExit().then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function observeStream(url: string, opts: ObserveOptions): Promise<Observation> {
  if (!(opts.durationMs > 0)) throw new RangeError(`observeStream: bad durationMs ${opts.durationMs}`);
  const startTimeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const frameOpt = opts.frames === undefined ? { everyMs: DEFAULT_FRAME_EVERY_MS } : opts.frames;
  const arrivals = new ArrivalLog();
  const wantAudio = opts.audio ?? true;
  await mkdir(opts.workDir, { recursive: true });
  const audioPath = join(opts.workDir, `observed-audio-${process.pid}-${Date.now()}.f32`);

  const startedAtEpochMs = Date.now();
  const t0 = performance.now();
  let firstPacketAtMs: number | null = null;
  let endedEarly = false;
  let stopReason: 'duration' | 'start-timeout' | 'ended' | null = null;

  let probe: SupervisedProcess | undefined;
  let puller: SupervisedProcess | undefined;
  let decoder: SupervisedProcess | undefined;
  let decoderStarting: Promise<void> | undefined;
  let decoderHasAudio = false;
  const probeChunks: Buffer[] = [];
  const pending: Buffer[] = [];
  const ppm = new PpmStreamReader();
  const framePts: number[] = [];
  const inputKinds = new Set<'Video' | 'Audio'>();
  let inInput = false;
  let mappingSeen = false;
  let decodedAudioRate: number | null = null;

  try {
    probe = await SupervisedProcess.start({
      name: 'ffprobe stream observer',
      command: ffprobePath(),
      args: ['-hide_banner', '-loglevel', 'error', '-f', 'flv', '-i', 'pipe:0', '-show_streams', '-show_packets', '-of', 'json'],
    });
    probe.stdout.on('data', (c: Buffer) => probeChunks.push(c));

    const pullerProc = await SupervisedProcess.start({
      name: 'ffmpeg stream puller',
      command: ffmpegPath(),
      stdin: false,
      args: [
        '-hide_banner', '-nostdin', '-loglevel', 'info',
        '-rw_timeout', String(startTimeoutMs * US_PER_MS),
        '-analyzeduration', String(PULLER_ANALYZE_US),
        '-i', url,
        '-map', '0:v?', '-map', '0:a?', '-c', 'copy', '-copyts', '-flush_packets', '1', '-f', 'flv', 'pipe:1',
      ],
    });
    puller = pullerProc;

    const startDecoder = (): void => {
      const wantVideo = frameOpt !== false && inputKinds.has('Video');
      decoderHasAudio = wantAudio && inputKinds.has('Audio');
      if (!wantVideo && !decoderHasAudio) return;
      const args = ['-hide_banner', '-loglevel', 'info', '-copyts', '-f', 'flv', '-i', 'pipe:0'];
      if (wantVideo && 'all' in frameOpt) {
        const maxWidth = frameOpt.maxWidth ?? DEFAULT_ALL_FRAMES_MAX_WIDTH;
        args.push('-map', '0:v:0', '-vf', `scale=w='min(iw,${maxWidth})':h=-2,showinfo`, '-vsync', 'passthrough', '-f', 'image2pipe', '-c:v', 'ppm', 'pipe:1');
      } else if (wantVideo && 'everyMs' in frameOpt) {
        args.push('-map', '0:v:0', '-vf', `fps=fps=${MS_PER_S}/${frameOpt.everyMs},showinfo`, '-f', 'image2pipe', '-c:v', 'ppm', 'pipe:1');
      }
      if (decoderHasAudio) args.push('-map', '0:a:0', '-ac', '1', '-c:a', 'pcm_f32le', '-f', 'f32le', '-y', audioPath);
      decoderStarting = SupervisedProcess.start({ name: 'ffmpeg stream decoder', command: ffmpegPath(), args }).then((proc) => {
        decoder = proc;
        proc.stdout.on('data', (c: Buffer) => ppm.feed(c));
        proc.on('stderr-line', (line: string) => {
          const shown = SHOWINFO_LINE.exec(line);
          if (shown) framePts.push(Number(shown[1]) * MS_PER_S);
          const rate = DECODED_AUDIO_RATE.exec(line);
          if (rate) decodedAudioRate = Number(rate[1]);
        });
        for (const c of pending.splice(0, pending.length)) proc.stdin.write(c);
      });
    };
    const maybeStartDecoder = (): void => {
      if (decoderStarting || firstPacketAtMs === null || !mappingSeen) return;
      startDecoder();
    };

    pullerProc.on('stderr-line', (line: string) => {
      if (line.startsWith('Input #0')) inInput = true;
      else if (line.startsWith('Output #0')) inInput = false;
      else if (line.startsWith('Stream mapping:')) {
        mappingSeen = true;
        maybeStartDecoder();
      } else if (inInput) {
        const m = STREAM_LINE.exec(line);
        if (m) inputKinds.add(m[1] as 'Video' | 'Audio');
      }
    });

    await new Promise<void>((resolve) => {
      let durationTimer: NodeJS.Timeout | undefined;
      const finish = (reason: 'duration' | 'start-timeout' | 'ended') => {
        if (stopReason) return;
        stopReason = reason;
        clearTimeout(startTimer);
        clearTimeout(durationTimer);
        resolve();
      };
      const startTimer = setTimeout(() => finish('start-timeout'), startTimeoutMs);
      pullerProc.stdout.on('data', (c: Buffer) => {
        if (firstPacketAtMs === null) {
          firstPacketAtMs = performance.now() - t0;
          clearTimeout(startTimer);
          durationTimer = setTimeout(() => finish('duration'), opts.durationMs);
          maybeStartDecoder();
        }
        arrivals.record(c.length, Date.now());
        probe!.stdin.write(c);
        if (decoder) decoder.stdin.write(c);
        else pending.push(c);
      });
      void pullerProc.waitExit().then(() => finish('ended'));
    });
    endedEarly = stopReason === 'ended';

    await pullerProc.close();
    const observedMs = performance.now() - t0;
    if (decoderStarting) await decoderStarting;
    probe.stdin.end();
    await waitExitOrKill(probe, FINISH_TIMEOUT_MS);
    if (decoder) {
      decoder.stdin.end();
      await waitExitOrKill(decoder, FINISH_TIMEOUT_MS);
    }

    const probeOutput = Buffer.concat(probeChunks).toString('utf8');
    const { streams, packets } = parseProbe(probeOutput, arrivals);
    const frames: RgbFrame[] = withArrivals(ppm.take().map((f, i) => ({ ...f, ptsMs: framePts[i] ?? Number.NaN })), packets);

    let audio: ObservedAudio | null = null;
    if (decoderHasAudio) {
      const rate = streams.find((s) => s.type === 'audio')?.sampleRate ?? decodedAudioRate;
      const bytes = await readFile(audioPath).catch(() => null);
      if (bytes && rate) {
        const samples = new Float32Array(Math.floor(bytes.length / Float32Array.BYTES_PER_ELEMENT));
        new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.byteLength));
        audio = { sampleRate: rate, samples };
      }
    }

    const stderr = [
      `--- ${pullerProc.name} ---\n${pullerProc.stderrTail()}`,
      `--- ${probe.name} ---\n${probe.stderrTail()}`,
      decoder ? `--- ${decoder.name} ---\n${decoder.stderrTail()}` : '',
    ].filter(Boolean).join('\n');

    return { url, streams, packets, frames, audio, firstPacketAtMs, startedAtEpochMs, observedMs, endedEarly, probeOutput, stderr };
  } finally {
    if (decoderStarting) await decoderStarting.catch(() => undefined);
    await Promise.all([puller?.close(), probe?.close(), decoder?.close()]);
    await rm(audioPath, { force: true });
  }
}
