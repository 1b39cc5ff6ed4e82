#!/usr/bin/env node
// A minimal live-pusher IUT driver in plain JavaScript (Node >= 18, no dependencies), written
// from docs/driver-protocol.md alone. It pushes the bench's materialized sources
// (create.params.rig.camera.front.url / rig.microphone.url, or a rig `file` source) with one
// ffmpeg per push and claims the core only: attributes url, mode, autopush, muted,
// enable-camera, enable-mic, min-bitrate, max-bitrate, fps, orientation; methods start, stop;
// events statechange, netstatus, error. ffmpeg: $FFMPEG_PATH (the bench sets it), else `ffmpeg`
// on PATH. Logs go to stderr.
//
// Run it: npx lpbench conformance --iut "node examples/js-driver/driver.mjs"
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const PROTOCOL_VERSION = 1;
const CAPABILITIES = {
  attributes: ['url', 'mode', 'autopush', 'muted', 'enable-camera', 'enable-mic', 'min-bitrate', 'max-bitrate', 'fps', 'orientation'],
  methods: ['start', 'stop'],
  events: ['statechange', 'netstatus', 'error'],
};
const FFMPEG = process.env.FFMPEG_PATH || 'ffmpeg';
/** Encoded size and bitrate range (kbps) per mode (context-api.md's vendor table; QVGA and HVGA
 *  are quarter and half VGA held portrait; RTC is the default). */
const MODES = {
  QVGA: { width: 240, height: 320, minKbps: 150, maxKbps: 400 },
  HVGA: { width: 320, height: 480, minKbps: 200, maxKbps: 530 },
  SD: { width: 360, height: 640, minKbps: 300, maxKbps: 800 },
  HD: { width: 540, height: 960, minKbps: 600, maxKbps: 1500 },
  FHD: { width: 720, height: 1280, minKbps: 600, maxKbps: 1800 },
  RTC: { width: 360, height: 640, minKbps: 200, maxKbps: 800 },
};
const DEFAULTS = { mode: 'RTC', autopush: false, muted: false, 'enable-camera': true, 'enable-mic': true, fps: 15, orientation: 'vertical' };
const FPS_MAX = 30;
const AUDIO_KBPS = 64;
const AUDIO_RATE = 44100;
const GOP_SECONDS = 2;
/** Rate-control buffer, in seconds of max-bitrate: a keyframe cannot burst more than this over it. */
const VBV_SECONDS = 0.1;
const NETSTATUS_INTERVAL_MS = 2000;
const STOP_GRACE_MS = 2000;
/** How long ffmpeg probes a live source before it starts (µs). */
const PROBE_US = 500000;

const send = (msg) => process.stdout.write(JSON.stringify(msg) + '\n');
const emit = (event, detail) => send({ event, detail, ts: Date.now() });
const log = (line) => process.stderr.write(`js-driver: ${line}\n`);
const status = (code, message) => emit('statechange', { code, message });

class Fail extends Error {
  constructor(errMsg, errCode = -1) {
    super(errMsg);
    this.errMsg = errMsg;
    this.errCode = errCode;
  }
}

/** Checks the attributes this driver implements; the others are ignored (not claimed). */
function checkAttrs(attrs) {
  const bool = ['autopush', 'muted', 'enable-camera', 'enable-mic'];
  for (const k of bool) if (k in attrs && typeof attrs[k] !== 'boolean') throw new Fail(`${k}: ${JSON.stringify(attrs[k])} is not legal; expected a boolean`);
  if ('url' in attrs && (typeof attrs.url !== 'string' || !/^rtmps?:\/\//.test(attrs.url))) throw new Fail(`url: ${JSON.stringify(attrs.url)} is not legal; expected an rtmp:// url`);
  if ('mode' in attrs && !(attrs.mode in MODES)) throw new Fail(`mode: ${JSON.stringify(attrs.mode)} is not legal; expected one of ${Object.keys(MODES).join(', ')}`);
  if ('orientation' in attrs && !['vertical', 'horizontal'].includes(attrs.orientation)) throw new Fail(`orientation: ${JSON.stringify(attrs.orientation)} is not legal; expected vertical or horizontal`);
  if ('fps' in attrs && !(Number.isInteger(attrs.fps) && attrs.fps >= 1 && attrs.fps <= FPS_MAX)) throw new Fail(`fps: ${JSON.stringify(attrs.fps)} is not legal; expected an integer from 1 to ${FPS_MAX}`);
  for (const k of ['min-bitrate', 'max-bitrate']) {
    if (k in attrs && !(Number.isInteger(attrs[k]) && attrs[k] >= 1)) throw new Fail(`${k}: ${JSON.stringify(attrs[k])} is not legal; expected a positive integer`);
  }
}

let attrs = {};
let rig = {};
let push; // { child, started, timer, lastFrames, lastBytes, lastAt }

/**
 * An ffmpeg input for a rig source: its materialized url, its file, or undefined. A url is a
 * live stream: read at its own pace (-re), so what piles up while ffmpeg opens the other input
 * is not sent in a burst; probed briefly so that little piles up.
 */
function sourceInput(source) {
  if (!source) return undefined;
  if (source.url) return ['-re', '-analyzeduration', String(PROBE_US), '-i', source.url];
  if (source.kind === 'file') return ['-re', '-stream_loop', '-1', '-i', source.path];
  if (source.file) return ['-re', '-stream_loop', '-1', '-i', source.file];
  return undefined;
}

function encodeSettings() {
  const a = { ...DEFAULTS, ...attrs };
  const mode = MODES[a.mode];
  const maxKbps = a['max-bitrate'] ?? mode.maxKbps;
  const portrait = { width: mode.width, height: mode.height };
  const size = a.orientation === 'horizontal' ? { width: portrait.height, height: portrait.width } : portrait;
  return { ...a, ...size, kbps: maxKbps };
}

/** The rig's permission answers: a denied camera pushes black (errCode 10001), a denied microphone
 *  silence (10002). 10001 and 10002 are status codes as well (状态码): both events are due. */
function permitted(scope, errCode, what) {
  if (rig.permissions?.[scope] !== 'denied') return true;
  const errMsg = `${what} permission denied (scope.${scope})`;
  emit('error', { errCode, errMsg });
  status(errCode, errMsg);
  return false;
}

function ffmpegArgs(s) {
  const cameraOn = s['enable-camera'] && permitted('camera', 10001, 'camera');
  const camera = cameraOn ? sourceInput(rig.camera?.front) : ['-f', 'lavfi', '-i', `color=black:size=${s.width}x${s.height}:rate=${s.fps}`];
  if (!camera) throw new Fail('start:fail the rig has no camera this driver can open (needs camera.front.url or a file source)', 10001);
  const audioOn = s['enable-mic'] && !s.muted && permitted('record', 10002, 'microphone');
  const mic = audioOn ? sourceInput(rig.microphone) : ['-f', 'lavfi', '-i', `anullsrc=r=${AUDIO_RATE}:cl=mono`];
  if (!mic) throw new Fail('start:fail the rig has no microphone this driver can open (needs microphone.url or a file source)', 10002);
  // Landscape turns the portrait picture a quarter clockwise; then scale to cover the encoded
  // size and crop the centre (a 3:4 mode shows the middle of the 9:16 camera, never a stretch).
  // A live stream joined midway starts at its own clock: both tracks restart at 0 (setpts) so
  // they line up and no frames are invented to fill the time before the join.
  const video = ['setpts=PTS-STARTPTS', `fps=${s.fps}`, ...(s.orientation === 'horizontal' ? ['transpose=clock'] : []), `scale=${s.width}:${s.height}:force_original_aspect_ratio=increase`, `crop=${s.width}:${s.height}`, 'format=yuv420p'].join(',');
  return [
    '-hide_banner', '-loglevel', 'info', '-progress', 'pipe:1', '-nostats',
    ...camera, ...mic,
    '-filter_complex', `[0:v]${video}[v];[1:a]asetpts=PTS-STARTPTS[a]`, '-map', '[v]', '-map', '[a]',
    // Constant bitrate at max-bitrate, padded with filler so a still picture does not fall below it.
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-x264-params', 'nal-hrd=cbr',
    '-b:v', `${s.kbps}k`, '-minrate', `${s.kbps}k`, '-maxrate', `${s.kbps}k`, '-bufsize', `${Math.round(s.kbps * VBV_SECONDS)}k`,
    '-g', String(s.fps * GOP_SECONDS), '-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-ar', String(AUDIO_RATE), '-ac', '1',
    '-f', 'flv', s.url,
  ];
}

/** Starts ffmpeg; status codes follow what its log shows (docs/driver-protocol.md example drivers). */
function startPush() {
  if (push) return;
  const s = encodeSettings();
  if (!s.url) throw new Fail('start:fail no url');
  const args = ffmpegArgs(s);
  log(`${FFMPEG} ${args.join(' ')}`);
  const child = spawn(FFMPEG, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const p = { child, settings: s, phase: 'opening', frames: 0, bytes: 0, last: { frames: 0, bytes: 0, at: Date.now() } };
  push = p;
  createInterface({ input: child.stderr }).on('line', (line) => {
    log(`ffmpeg: ${line}`);
    if (p.phase === 'opening' && /^Input #0/.test(line)) {
      p.phase = 'input';
      status(1003, 'camera opened');
    } else if (p.phase === 'input' && /^Output #0/.test(line)) {
      // ffmpeg writes the output header once the first frame was encoded and the server accepted the connection.
      p.phase = 'connected';
      status(1007, 'first frame captured');
      status(1008, 'encoder started');
      status(1001, 'connected to the server');
    }
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [key, value] = line.split('=');
    if (key === 'frame') p.frames = Number(value);
    if (key === 'total_size' && Number.isFinite(Number(value))) p.bytes = Number(value);
    if (key === 'progress' && p.phase === 'connected' && p.frames > 0) {
      p.phase = 'pushing';
      status(1002, 'pushing');
    }
  });
  child.on('error', (err) => {
    emit('error', { errCode: 10001, errMsg: `cannot run ${FFMPEG}: ${err.message}` });
  });
  child.on('close', (code) => {
    clearInterval(p.timer);
    if (push === p) push = undefined;
    if (!p.stopping) {
      log(`ffmpeg exited with ${code}`);
      status(-1307, `push ended: ffmpeg exited with ${code}`);
    }
  });
  p.timer = setInterval(() => netstatus(p), NETSTATUS_INTERVAL_MS);
}

/** netstatus from ffmpeg's progress counters (frames, bytes written); the network figures it cannot see are 0. */
function netstatus(p) {
  if (p.phase !== 'pushing') return;
  const now = Date.now();
  const seconds = (now - p.last.at) / 1000;
  const fps = (p.frames - p.last.frames) / seconds;
  const totalKbps = ((p.bytes - p.last.bytes) * 8) / 1000 / seconds;
  p.last = { frames: p.frames, bytes: p.bytes, at: now };
  const s = p.settings;
  emit('netstatus', {
    info: {
      videoBitrate: Math.max(0, Math.round(totalKbps - AUDIO_KBPS)),
      audioBitrate: AUDIO_KBPS,
      videoFPS: Math.round(fps),
      videoGOP: GOP_SECONDS,
      netSpeed: Math.round(totalKbps),
      netJitter: 0,
      netQualityLevel: 0,
      videoWidth: s.width,
      videoHeight: s.height,
      videoCache: 0,
      audioCache: 0,
    },
  });
}

function stopPush() {
  const p = push;
  if (!p) return Promise.resolve();
  p.stopping = true;
  push = undefined;
  return new Promise((resolve) => {
    const kill = setTimeout(() => p.child.kill('SIGKILL'), STOP_GRACE_MS);
    p.child.once('close', () => {
      clearTimeout(kill);
      resolve();
    });
    p.child.stdin.end('q');
  });
}

async function handle(req) {
  const p = req.params ?? {};
  switch (req.method) {
    case 'hello':
      return { name: 'js-example', version: '0.1.0', platform: process.platform, protocolVersion: PROTOCOL_VERSION, capabilities: CAPABILITIES };
    case 'create':
      checkAttrs(p.attrs ?? {});
      attrs = { ...p.attrs };
      rig = p.rig ?? {};
      if (attrs.autopush && attrs.url) startPush();
      return { errMsg: 'create:ok' };
    case 'update': {
      checkAttrs(p.attrs ?? {});
      attrs = { ...attrs, ...p.attrs };
      if (push) {
        // A runtime change restarts the push with the new settings.
        await stopPush();
        startPush();
      }
      return { errMsg: 'update:ok' };
    }
    case 'call':
      if (p.name === 'start') {
        startPush();
        return { errMsg: 'start:ok' };
      }
      if (p.name === 'stop') {
        await stopPush();
        return { errMsg: 'stop:ok' };
      }
      throw new Fail(`${p.name}:fail not supported by this driver`);
    case 'dispose':
      await stopPush();
      return { errMsg: 'dispose:ok' };
    default:
      throw new Fail(`unknown method ${JSON.stringify(req.method)}`);
  }
}

// Requests are handled one at a time, in order.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(async () => {
    const req = JSON.parse(line);
    try {
      send({ id: req.id, result: await handle(req) });
    } catch (err) {
      send({ id: req.id, error: { errMsg: err.errMsg ?? String(err.message), errCode: err.errCode ?? -1 } });
    }
    if (req.method === 'dispose') process.exit(0);
  });
});
