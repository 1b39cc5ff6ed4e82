// Test helper: runs ffmpeg (adapters/ffmpeg.ts, adapters/process/run-to-completion.ts) and
// returns what it wrote to stdout, so protocol tests can demux real encoder output instead of
// hand-made bytes.
import { ffmpegPath } from '../../adapters/ffmpeg.ts';
import { runToCompletion } from '../../adapters/process/run-to-completion.ts';

const DEFAULT_TIMEOUT_MS = 30_000;

/** Runs `ffmpeg -hide_banner -loglevel error <args>` and resolves with its stdout bytes. */
export async function ffmpegStdout(args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Uint8Array> {
  const { stdout } = await runToCompletion({
    name: 'ffmpeg fixture',
    command: ffmpegPath(),
    args: ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args],
    timeoutMs,
  });
  return new Uint8Array(stdout);
}

/** A short synthetic H.264 + AAC FLV: testsrc video and a sine tone. */
export function synthFlv(options: { width: number; height: number; fps: number; sampleRate: number; seconds: number }): Promise<Uint8Array> {
  const { width, height, fps, sampleRate, seconds } = options;
  return ffmpegStdout([
    '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=${fps}`,
    '-f', 'lavfi', '-i', `sine=frequency=1000:sample_rate=${sampleRate}`,
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', String(fps),
    '-c:a', 'aac', '-b:a', '64k',
    '-f', 'flv', 'pipe:1',
  ]);
}

/** One H.264 frame as an Annex B elementary stream (yuv420p unless told), with extra encoder options. */
export function synthH264Frame(options: { width: number; height: number; pixFmt?: string; x264Params?: string; profile?: string }): Promise<Uint8Array> {
  return ffmpegStdout([
    '-f', 'lavfi', '-i', `testsrc=size=${options.width}x${options.height}:rate=1`,
    '-frames:v', '1',
    '-c:v', 'libx264', '-preset', 'ultrafast',
    '-pix_fmt', options.pixFmt ?? 'yuv420p',
    ...(options.profile ? ['-profile:v', options.profile] : []),
    ...(options.x264Params ? ['-x264-params', options.x264Params] : []),
    '-f', 'h264', 'pipe:1',
  ]);
}

/** A short AAC tone as ADTS. */
export function synthAdts(options: { sampleRate: number; channels: number; seconds: number }): Promise<Uint8Array> {
  return ffmpegStdout([
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${options.sampleRate}`,
    '-t', String(options.seconds),
    '-ac', String(options.channels),
    '-c:a', 'aac', '-b:a', '64k',
    '-f', 'adts', 'pipe:1',
  ]);
}
