// The decoded size of every video frame of a live stream, as an independent ffmpeg decodes it
// (its own connection to the server). The observer's decoder keeps the first frame's size for
// its rgb24 output (ffmpeg scales later frames to it), so a size change during a push (mode,
// aspect, orientation at runtime) is read here instead: showinfo, ahead of any output scaling,
// prints each decoded frame's real size and presentation time.
// Spec: live-pusher.zh.md 通用属性 mode / aspect / orientation; 1005 推流动态调整分辨率.
import { ffmpegPath } from '../../adapters/ffmpeg.ts';
import { SupervisedProcess } from '../../adapters/process/supervised.ts';

export interface FrameSize {
  /** Presentation time, ms of the stream's timeline. */
  ptsMs: number;
  width: number;
  height: number;
  /** Wall time (epoch ms) the decoder reported the frame. */
  at: number;
}

const MS_PER_S = 1000;
const US_PER_MS = 1000;
/** The reader gives up on a server that sends nothing for this long. */
const READ_TIMEOUT_MS = 10_000;
const SHOWINFO_SIZE = /Parsed_showinfo.*\bpts_time:(-?[\d.]+).*?\bs:(\d+)x(\d+)/;

/** Reads one showinfo line; null for any other line. */
export function parseShowinfoSize(line: string, at = Date.now()): FrameSize | null {
  const m = SHOWINFO_SIZE.exec(line);
  if (!m) return null;
  return { ptsMs: Number(m[1]) * MS_PER_S, width: Number(m[2]), height: Number(m[3]), at };
}

export interface FrameSizeOptions {
  /** Decode keyframes only (-skip_frame nokey): a fraction of the work, and still every size
   *  change, since H.264 can change its size only at a keyframe (a new SPS takes effect at an IDR). */
  keyframesOnly?: boolean;
}

/** ffmpeg arguments that decode `input`'s first video stream and print each frame's size. */
export function frameSizeArgs(input: string, opts: FrameSizeOptions = {}): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'info', '-rw_timeout', String(READ_TIMEOUT_MS * US_PER_MS),
    ...(opts.keyframesOnly ? ['-skip_frame', 'nokey'] : []),
    '-copyts', '-i', input, '-map', '0:v:0', '-vf', 'showinfo', '-f', 'null', '-',
  ];
}

/** A running reader: stop() ends it and returns every frame it decoded, in order. */
export interface FrameSizeWatch {
  stop(): Promise<FrameSize[]>;
}

async function startReader(input: string, opts: FrameSizeOptions = {}): Promise<{ proc: SupervisedProcess; sizes: FrameSize[] }> {
  const sizes: FrameSize[] = [];
  const proc = await SupervisedProcess.start({ name: 'ffmpeg frame size reader', command: ffmpegPath(), args: frameSizeArgs(input, opts), stdin: false, stdoutMode: 'ignore' });
  proc.on('stderr-line', (line: string) => {
    const s = parseShowinfoSize(line);
    if (s) sizes.push(s);
  });
  return { proc, sizes };
}

/** Starts reading a live stream's frame sizes. */
export async function watchFrameSizes(url: string, opts: FrameSizeOptions = {}): Promise<FrameSizeWatch> {
  const { proc, sizes } = await startReader(url, opts);
  return {
    async stop() {
      await proc.close();
      return sizes;
    },
  };
}

/** Decodes a whole file (or any finite input) and returns every frame's size. */
export async function readFrameSizes(input: string): Promise<FrameSize[]> {
  const { proc, sizes } = await startReader(input);
  try {
    await proc.waitExit();
  } finally {
    await proc.close();
  }
  return sizes;
}
