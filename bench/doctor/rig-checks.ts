// `lpbench doctor --rig <file>`: what a rig file asks of this machine, item by item, and what is
// missing with the fix (issue 11 "Rig health and sharing"). One check per rig entry that needs
// something (a V4L2 node that captures the size the pusher asks, a v4l2loopback device, a
// PulseAudio server and an ffmpeg that captures pulse, an ALSA card, a reachable external
// server, serial gear that answers HELLO, asset files, free leases). Same shape as
// bench/doctor/checks.ts, so the same formatter prints it.
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { V4L2_CAPTURE } from '../../adapters/camera/devices.ts';
import { ffmpegPath } from '../../adapters/ffmpeg.ts';
import { currentHolders, rigResources } from '../../adapters/lab/lease.ts';
import { FIX_PULSE_CAPTURE, FIX_PULSE_SERVER, pulseCaptureSupport, PACAT, PACTL, PULSEAUDIO } from '../../adapters/microphone/pulse-virtual.ts';
import { devicesListAlsaOutput } from '../../adapters/microphone/speaker.ts';
import { hardwareBinding, SerialGear } from '../../adapters/serial/serial-gear.ts';
import { detectLoopback, FIX_LOOPBACK } from '../../adapters/v4l2/loopback-feed.ts';
import { resolveStableId } from '../../adapters/v4l2/stable-id.ts';
import { cameraFeatures, canCapture, parseControls, parseFormats, parseInfo, queryArgs, supports, V4L2_CTL } from '../../adapters/v4l2/v4l2-ctl.ts';
import { SIMULATED_SERIAL_PORT, type CameraSource, type MicrophoneSource, type Rig, type Speaker } from '../../rig/types.ts';
import { SOCAT } from '../../adapters/serial/socat-pair.ts';
import type { Check, CheckResult, DoctorContext } from './checks.ts';
import { findExecutable } from './find-executable.ts';

const TCP_TIMEOUT_MS = 2_000;
const SERIAL_HELLO_TIMEOUT_MS = 1_000;
const CAPTURE_FPS = 30;
const ASOUND_CARDS = '/proc/asound/cards';
const FIX_V4L_UTILS = 'apt-get install v4l-utils';

function item(id: string, title: string, run: (ctx: DoctorContext) => Promise<CheckResult>): Check {
  return { id: `rig-${id}`, title, required: true, run };
}

async function v4l2Node(ctx: DoctorContext, device: string, asked: string): Promise<CheckResult> {
  if (!existsSync(device)) return { status: 'missing', detail: `${asked}: ${device} does not exist`, fix: 'plug the camera in, or correct the device in the rig file (ls /dev/video*; v4l2-ctl --list-devices)' };
  if (!findExecutable(V4L2_CTL)) return { status: 'warn', detail: `${asked}: ${device} exists; v4l2-ctl is missing, so its formats cannot be checked`, fix: FIX_V4L_UTILS };
  const info = await ctx.run(V4L2_CTL, queryArgs(device, 'info'));
  if (info.outcome !== 'exited' || info.code !== 0) return { status: 'missing', detail: `${asked}: v4l2-ctl --info ${device} failed: ${info.stderr.trim() || info.outcome}`, fix: 'check the device permissions (group video) and that it is a V4L2 node' };
  const parsed = parseInfo(info.stdout);
  if (!canCapture(parsed)) return { status: 'missing', detail: `${asked}: ${device} (${parsed.card}) has no Video Capture capability (a metadata node?)`, fix: 'name the camera\'s capture node, or give id: path:/serial: and let the bench pick it' };
  const formats = parseFormats((await ctx.run(V4L2_CTL, queryArgs(device, 'formats'))).stdout);
  const features = cameraFeatures(parseControls((await ctx.run(V4L2_CTL, queryArgs(device, 'ctrls'))).stdout));
  const featureText = [features.zoom ? `zoom ${features.zoom.min}-${features.zoom.max}` : 'no zoom', features.continuousFocus ? 'continuous focus' : 'no continuous focus', features.torch ? `torch (${features.torch})` : 'no torch'].join(', ');
  const fit = formats.filter((f) => supports(f, V4L2_CAPTURE.width, V4L2_CAPTURE.height, CAPTURE_FPS)).map((f) => f.fourcc);
  if (fit.length === 0) {
    return {
      status: 'warn',
      detail: `${asked}: ${device} (${parsed.card}, ${parsed.driver}) offers no format at ${V4L2_CAPTURE.width}x${V4L2_CAPTURE.height} ${CAPTURE_FPS} fps (formats: ${formats.map((f) => f.fourcc).join(', ') || 'none listed'}); ${featureText}`,
      fix: 'fps checks will fail on this camera: use one that captures 720p30 (most UVC cameras do in MJPG)',
    };
  }
  return { status: 'ok', detail: `${asked}: ${device} (${parsed.card}, ${parsed.driver}) captures ${V4L2_CAPTURE.width}x${V4L2_CAPTURE.height}@${CAPTURE_FPS} in ${fit.join(', ')}; ${featureText}` };
}

function cameraCheck(position: 'front' | 'back', cam: CameraSource): Check {
  const title = `rig camera.${position}`;
  return item(`camera-${position}`, title, async (ctx) => {
    switch (cam.kind) {
      case 'synthetic':
        return { status: 'ok', detail: 'synthetic pattern (made by ffmpeg; nothing to wire)' };
      case 'file':
        return existsSync(cam.path) ? { status: 'ok', detail: `video file ${cam.path}` } : { status: 'missing', detail: `video file ${cam.path} does not exist`, fix: 'correct camera.' + position + '.path (relative paths are against the rig file)' };
      case 'v4l2loopback': {
        const d = await detectLoopback(cam.device);
        return d.ok ? { status: 'ok', detail: `v4l2loopback ${cam.device}; the bench feeds the ${position} pattern into it` } : { status: 'missing', detail: `v4l2loopback: ${d.reason}`, fix: FIX_LOOPBACK };
      }
      case 'v4l2': {
        if (!('id' in cam)) return v4l2Node(ctx, cam.device, 'V4L2 camera');
        let device: string;
        try {
          device = await resolveStableId(cam.id);
        } catch (err) {
          return { status: 'missing', detail: (err as Error).message, fix: 'plug the camera in (or fix the id: udevadm info --query=property --name=/dev/videoN shows ID_PATH and ID_SERIAL)' };
        }
        return v4l2Node(ctx, device, `V4L2 camera ${cam.id} -> ${device}`);
      }
    }
  });
}

async function pulseServer(ctx: DoctorContext): Promise<CheckResult | undefined> {
  const info = await ctx.run(PACTL, ['info']);
  if (info.outcome === 'not-found') return { status: 'missing', detail: 'pactl is not installed', fix: FIX_PULSE_SERVER };
  return undefined;
}

async function pulseCapture(): Promise<CheckResult | undefined> {
  const support = await pulseCaptureSupport();
  return support.ok ? undefined : { status: 'missing', detail: `PulseAudio capture: ${support.reason.split(':')[0]}`, fix: FIX_PULSE_CAPTURE };
}

function microphoneCheck(mic: MicrophoneSource): Check {
  return item('microphone', 'rig microphone', async (ctx) => {
    switch (mic.kind) {
      case 'synthetic':
        return { status: 'ok', detail: 'synthetic tone (made by ffmpeg; nothing to wire)' };
      case 'file':
        return existsSync(mic.path) ? { status: 'ok', detail: `audio file ${mic.path}` } : { status: 'missing', detail: `audio file ${mic.path} does not exist`, fix: 'correct microphone.path (relative paths are against the rig file)' };
      case 'pulse': {
        const server = await pulseServer(ctx);
        if (server) return server;
        const sources = await ctx.run(PACTL, ['list', 'short', 'sources']);
        if (sources.outcome !== 'exited' || sources.code !== 0) return { status: 'missing', detail: 'no PulseAudio server is running', fix: 'start one: pulseaudio --start (as root: pulseaudio --daemonize --exit-idle-time=-1)' };
        if (!sources.stdout.split('\n').some((l) => l.split('\t')[1] === mic.source)) {
          return { status: 'missing', detail: `PulseAudio has no source ${mic.source}`, fix: `pick one of: ${sources.stdout.split('\n').map((l) => l.split('\t')[1]).filter(Boolean).join(', ') || '(none)'} (pactl list short sources)` };
        }
        return (await pulseCapture()) ?? { status: 'ok', detail: `PulseAudio source ${mic.source}; the pusher records it with parec` };
      }
      case 'pulse-virtual': {
        const server = await pulseServer(ctx);
        if (server) return server;
        const absent = [PACAT, PULSEAUDIO].filter((b) => !findExecutable(b));
        if (absent.length > 0) return { status: 'missing', detail: `${absent.join(', ')} not installed`, fix: FIX_PULSE_SERVER };
        const sinks = await ctx.run(PACTL, ['list', 'short', 'sinks']);
        if (sinks.outcome === 'exited' && sinks.code === 0 && sinks.stdout.split('\n').some((l) => l.split('\t')[1] === mic.sink)) {
          return { status: 'missing', detail: `a sink named ${mic.sink} already exists (another run's virtual microphone?)`, fix: 'pick another microphone.sink, or unload it: pactl unload-module module-null-sink' };
        }
        return (await pulseCapture()) ?? { status: 'ok', detail: `the bench makes null sink ${mic.sink}, plays the tone into it; the IUT captures ${mic.sink}.monitor` };
      }
      case 'alsa': {
        let cards = '';
        try {
          cards = readFileSync(ASOUND_CARDS, 'utf8');
        } catch {
          return { status: 'missing', detail: `no ALSA in this kernel (${ASOUND_CARDS} is absent)`, fix: 'plug in the USB microphone, or load a virtual card: modprobe snd-aloop' };
        }
        return cards.includes('no soundcards') ? { status: 'missing', detail: 'ALSA has no sound cards', fix: 'plug in the microphone (arecord -l lists capture devices)' } : { status: 'ok', detail: `ALSA device ${mic.device}; cards: ${cards.trim().split('\n')[0]}` };
      }
    }
  });
}

/** The speaker the bench plays the tone on (adapters/microphone/speaker.ts). */
function speakerCheck(speaker: Speaker): Check {
  return item('speaker', 'rig speaker', async (ctx) => {
    if (speaker.kind === 'pulse') {
      const server = await pulseServer(ctx);
      if (server) return server;
      if (!findExecutable(PACAT)) return { status: 'missing', detail: 'pacat not installed', fix: FIX_PULSE_SERVER };
      const sinks = await ctx.run(PACTL, ['list', 'short', 'sinks']);
      const names = sinks.stdout.split('\n').map((l) => l.split('\t')[1]).filter(Boolean);
      if (sinks.outcome !== 'exited' || sinks.code !== 0 || !names.includes(speaker.sink)) {
        return { status: 'missing', detail: `PulseAudio has no sink ${speaker.sink}`, fix: `pick one of: ${names.join(', ') || '(none)'} (pactl list short sinks)` };
      }
      return { status: 'ok', detail: `the bench plays the tone on PulseAudio sink ${speaker.sink}` };
    }
    let cards = '';
    try {
      cards = readFileSync(ASOUND_CARDS, 'utf8');
    } catch {
      return { status: 'missing', detail: `no ALSA in this kernel (${ASOUND_CARDS} is absent)`, fix: 'plug in the USB speaker, or load a virtual card: modprobe snd-aloop' };
    }
    if (cards.includes('no soundcards')) return { status: 'missing', detail: 'ALSA has no sound cards', fix: 'plug in the speaker (aplay -l lists playback devices)' };
    const listing = await ctx.run(ffmpegPath(), ['-hide_banner', '-devices']);
    if (!devicesListAlsaOutput(listing.stdout)) return { status: 'missing', detail: `${ffmpegPath()} has no ALSA output`, fix: 'install Debian\'s ffmpeg (apt-get install ffmpeg) and run with FFMPEG_PATH=/usr/bin/ffmpeg' };
    return { status: 'ok', detail: `the bench plays the tone on ALSA device ${speaker.device}; cards: ${cards.trim().split('\n')[0]}` };
  });
}

function tcpReachable(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (why: string | undefined): void => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(TCP_TIMEOUT_MS, () => done(`no answer within ${TCP_TIMEOUT_MS} ms`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (err) => done(err.message));
  });
}

function serverCheck(rig: Rig): Check {
  return item('server', 'rig server', async () => {
    if (rig.server.kind === 'embedded') return { status: 'ok', detail: 'embedded RTMP server (started per run on 127.0.0.1)' };
    const url = new URL(rig.server.url.replace(/^rtmps?:/, 'http:'));
    const port = Number(url.port || 1935);
    const why = await tcpReachable(url.hostname, port);
    return why === undefined ? { status: 'ok', detail: `external server ${url.hostname}:${port} accepts connections` } : { status: 'missing', detail: `external server ${url.hostname}:${port}: ${why}`, fix: 'start the server, or correct server.url' };
  });
}

function serialCheck(gear: 'relay' | 'marker', port: string, baudRate: number): Check {
  return item(`serial-${gear}`, `rig serial.${gear}`, async () => {
    if (port === SIMULATED_SERIAL_PORT) {
      return findExecutable(SOCAT)
        ? { status: 'ok', detail: `a simulated ${gear} on a socat pty pair (started by the bench for the run)` }
        : { status: 'missing', detail: `a simulated ${gear} needs socat, which is not installed`, fix: 'apt-get install socat' };
    }
    if (!existsSync(port)) return { status: 'missing', detail: `${port} does not exist`, fix: 'plug the gear in (ls /dev/ttyUSB* /dev/ttyACM*), or for a desk run the simulator on a socat pair (README "Serial lab gear")' };
    let g: SerialGear | undefined;
    try {
      g = await SerialGear.open(port, await hardwareBinding(), baudRate);
      const hello = await Promise.race([g.hello(gear), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no HELLO reply within ${SERIAL_HELLO_TIMEOUT_MS} ms`)), SERIAL_HELLO_TIMEOUT_MS))]);
      return { status: 'ok', detail: `${port} at ${baudRate} baud: ${hello.gear} ${hello.model}` };
    } catch (err) {
      return { status: 'missing', detail: (err as Error).message, fix: `check the cable and baud rate (${baudRate}); the gear must answer HELLO with "LPB ${gear} 1 ..." (adapters/serial/line-protocol.ts)` };
    } finally {
      await g?.close();
    }
  });
}

function assetCheck(key: 'bgm' | 'waitingImage', path: string): Check {
  return item(`asset-${key}`, `rig assets.${key}`, async () =>
    existsSync(path) ? { status: 'ok', detail: path } : { status: 'missing', detail: `${path} does not exist`, fix: `correct assets.${key} (relative paths are against the rig file)` },
  );
}

function leaseCheck(rig: Rig): Check {
  return item('leases', 'rig leases', async () => {
    const resources = rigResources(rig);
    if (resources.length === 0) return { status: 'ok', detail: 'no physical resources to lease' };
    const held = currentHolders(resources);
    if (held.size === 0) return { status: 'ok', detail: `free: ${resources.join(', ')}` };
    const who = [...held.values()].map((r) => `${r.resource} by ${r.owner.user}@${r.owner.host} pid ${r.owner.pid} (${r.owner.purpose}) until ${r.expiresAt}`);
    return { status: 'warn', detail: `leased now: ${who.join('; ')}`, fix: 'wait for that run to end (a run with this rig would be refused)' };
  });
}

/** The checks a rig asks for, in rig-file order. */
export function rigChecks(rig: Rig): Check[] {
  const checks: Check[] = [cameraCheck('front', rig.camera.front), cameraCheck('back', rig.camera.back), microphoneCheck(rig.microphone)];
  if (rig.speaker) checks.push(speakerCheck(rig.speaker));
  checks.push(serverCheck(rig));
  for (const gear of ['relay', 'marker'] as const) {
    const cfg = rig.serial?.[gear];
    if (cfg) checks.push(serialCheck(gear, cfg.port, cfg.baudRate));
  }
  if (rig.assets.bgm) checks.push(assetCheck('bgm', rig.assets.bgm));
  if (rig.assets.waitingImage) checks.push(assetCheck('waitingImage', rig.assets.waitingImage));
  checks.push(leaseCheck(rig));
  return checks;
}
