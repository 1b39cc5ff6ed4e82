// Protocol throughput: an ffmpeg-made FLV demuxed with protocol/flv and written as RTMP chunks
// with protocol/rtmp (the reference pusher's hot path, without the socket), in MB/s, against a
// baseline measured in the same run: one plain pass over the same bytes in the same 64 KiB
// pieces, each copied into a reused scratch buffer (memory bandwidth with no allocation), the
// least any pass that touches every byte can cost. The ratio says what share of that the
// protocol path reaches on this machine. Best of N runs of each.
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath } from '../../adapters/ffmpeg.ts';
import { runToCompletion } from '../../adapters/process/run-to-completion.ts';
import { FlvDemuxer } from '../../protocol/flv/index.ts';
import { ChunkWriter } from '../../protocol/rtmp/chunk-writer.ts';
import { audioMessage, videoMessage } from '../../protocol/rtmp/messages.ts';

export const NAME = 'protocol-throughput';
export const DESCRIPTION = 'FLV demux -> RTMP chunk write, MB/s, vs one plain pass over the same bytes';

const SOURCE = { seconds: 20, size: '720x1280', fps: 30, videoKbps: 4000 };
const RUNS = 5;
const READ_CHUNK = 64 * 1024;
const CHUNK_SIZE = 4096;
const STREAM_ID = 1;
const MB = 1024 * 1024;

async function sourceFlv(): Promise<Buffer> {
  const dir = join(tmpdir(), 'lpbench-cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${SOURCE.seconds}s-${SOURCE.size}-${SOURCE.fps}-${SOURCE.videoKbps}k.flv`);
  if (!existsSync(file)) {
    await runToCompletion({
      name: 'ffmpeg bench source',
      command: ffmpegPath(),
      args: [
        '-hide_banner', '-loglevel', 'error', '-y',
        '-f', 'lavfi', '-i', `testsrc2=size=${SOURCE.size}:rate=${SOURCE.fps}`,
        '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000',
        '-t', String(SOURCE.seconds),
        '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', `${SOURCE.videoKbps}k`, '-c:a', 'aac', '-f', 'flv', file,
      ],
      timeoutMs: 120_000,
    });
  }
  return readFileSync(file);
}

/** One pass: demux in READ_CHUNK pieces, chunk every media tag. Returns bytes of RTMP output. */
export function demuxAndChunk(flv: Buffer): number {
  const demuxer = new FlvDemuxer();
  const writer = new ChunkWriter(CHUNK_SIZE);
  let out = 0;
  for (let i = 0; i < flv.length; i += READ_CHUNK) {
    for (const ev of demuxer.feed(flv.subarray(i, i + READ_CHUNK))) {
      if (ev.kind !== 'tag') continue;
      const { type, timestamp, data } = ev.tag;
      if (type === 'video') out += writer.write(videoMessage(timestamp, data, STREAM_ID)).length;
      else if (type === 'audio') out += writer.write(audioMessage(timestamp, data, STREAM_ID)).length;
    }
  }
  demuxer.end();
  return out;
}

/** The baseline pass: every byte read once, in READ_CHUNK pieces, into one reused buffer. */
export function copyInPieces(flv: Buffer): number {
  const scratch = Buffer.allocUnsafe(READ_CHUNK);
  let out = 0;
  for (let i = 0; i < flv.length; i += READ_CHUNK) out += flv.copy(scratch, 0, i, Math.min(i + READ_CHUNK, flv.length));
  return out;
}

function bestMBps(flv: Buffer, pass: (b: Buffer) => number): number {
  let best = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    pass(flv);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.max(best, flv.length / MB / seconds);
  }
  return best;
}

export interface ThroughputResult {
  inputMB: number;
  protocolMBps: number;
  copyMBps: number;
  /** protocol / copy: the share of a plain pass's speed the protocol path reaches. */
  ratio: number;
}

export async function run(): Promise<ThroughputResult> {
  const flv = await sourceFlv();
  demuxAndChunk(flv);
  copyInPieces(flv);
  const protocolMBps = bestMBps(flv, demuxAndChunk);
  const copyMBps = bestMBps(flv, copyInPieces);
  return { inputMB: flv.length / MB, protocolMBps, copyMBps, ratio: protocolMBps / copyMBps };
}

export function format(r: ThroughputResult): string {
  return [
    `input: ${r.inputMB.toFixed(1)} MB of FLV (${SOURCE.seconds} s, ${SOURCE.size}, ${SOURCE.videoKbps} kbps), best of ${RUNS}`,
    `FLV demux -> RTMP chunk write: ${r.protocolMBps.toFixed(0)} MB/s`,
    `baseline, one plain pass over the bytes (64 KiB pieces, no allocation): ${r.copyMBps.toFixed(0)} MB/s`,
    `ratio: ${r.ratio.toFixed(3)} of a plain pass (${(r.protocolMBps * 8).toFixed(0)} Mbit/s of stream per core)`,
  ].join('\n');
}
