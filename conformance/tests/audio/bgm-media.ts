// The background music the BGM checks hand the IUT: a WAV file made by ffmpeg whose tone steps
// up every second (so the frequency heard at the server tells the position in the music), a
// file that is no audio at all, and a loopback HTTP server (byte ranges, so a player can seek)
// that serves the music and answers 404 for anything else. Everything is removed on close.
// Spec: context-api.md playBGM ({url, startTimeMs?, endTimeMs?}; failure: 10003).
import { createServer, type Server } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';
import { runToCompletion } from '../../../adapters/process/run-to-completion.ts';

export const BGM_SECONDS = 14;
/** The tone of second k of the music is BGM_BASE_HZ + k * BGM_STEP_HZ. */
export const BGM_BASE_HZ = 300;
export const BGM_STEP_HZ = 30;
/** Peak level of the music's tone (dBFS). */
export const BGM_LEVEL_DBFS = -20;
/** The band the music's tones fall in (the microphone's is 1000 Hz). */
export const BGM_BAND_HZ = { low: BGM_BASE_HZ - BGM_STEP_HZ / 2, high: BGM_BASE_HZ + BGM_STEP_HZ * (BGM_SECONDS - 0.5) };
const SAMPLE_RATE = 48000;

/** The second of the music a frequency belongs to (nearest step). */
export function secondOfFrequency(hz: number): number {
  return Math.round((hz - BGM_BASE_HZ) / BGM_STEP_HZ);
}

export interface BgmMedia {
  /** Local path of the music. */
  file: string;
  /** The music over http on loopback. */
  url: string;
  /** An http URL on the same server that answers 404. */
  missingUrl: string;
  /** A local file that is not audio. */
  notAudio: string;
  close(): Promise<void>;
}

function serve(body: Buffer): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/bgm.wav') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!range) {
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': body.length, 'accept-ranges': 'bytes' }).end(body);
      return;
    }
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
    if (start >= body.length || end < start) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    res
      .writeHead(206, { 'content-type': 'audio/wav', 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${body.length}`, 'accept-ranges': 'bytes' })
      .end(body.subarray(start, end + 1));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Makes the music and its server in `dir`. */
export async function makeBgmMedia(dir: string): Promise<BgmMedia> {
  const file = join(dir, 'bgm.wav');
  const amplitude = (10 ** (BGM_LEVEL_DBFS / 20)).toFixed(5);
  const expr = `${amplitude}*sin(2*PI*(${BGM_BASE_HZ}+${BGM_STEP_HZ}*floor(t))*t)`;
  await runToCompletion({
    name: 'ffmpeg bgm maker',
    command: ffmpegPath(),
    args: ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc=exprs='${expr}':s=${SAMPLE_RATE}:c=mono:d=${BGM_SECONDS}`, '-c:a', 'pcm_s16le', file],
  });
  const notAudio = join(dir, 'not-audio.wav');
  await writeFile(notAudio, 'this is a text file, not a WAV\n');
  const server = await serve(await readFile(file));
  const { port } = server.address() as AddressInfo;
  return {
    file,
    url: `http://127.0.0.1:${port}/bgm.wav`,
    missingUrl: `http://127.0.0.1:${port}/missing.wav`,
    notAudio,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
