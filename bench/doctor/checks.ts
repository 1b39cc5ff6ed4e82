// What `lpbench doctor` checks on this machine, as data (README "The CLI": ffmpeg and
// ffprobe for the media pipeline and the oracles, V4L2 cameras, PulseAudio microphones,
// Chromium for the browser IUT, serial lab gear, network namespaces for kernel shaping).
// Each check says what it found and, when not ok, what to do: the Debian package or env var.
import { readdirSync } from 'node:fs';
import { ffmpegLocation, ffprobeLocation, type BinaryLocation } from '../../adapters/ffmpeg.ts';
import { runCommand, type CommandResult } from '../../adapters/process/run-to-completion.ts';
import { findExecutable } from './find-executable.ts';
import { parseFlagNameRows, parseFormatRows, parseProtocols, parseVersion } from './ffmpeg-listings.ts';

export type CheckStatus = 'ok' | 'warn' | 'missing';

export interface CheckResult {
  status: CheckStatus;
  detail: string;
  /** What to do when the status is not ok. */
  fix?: string;
}

export interface Check {
  id: string;
  title: string;
  /** A required item that is 'missing' makes `lpbench doctor` exit 1. */
  required: boolean;
  run(ctx: DoctorContext): Promise<CheckResult>;
}

export interface CheckReport extends CheckResult {
  id: string;
  title: string;
  required: boolean;
}

/** The ffmpeg filters the reference pusher and the oracles build their graphs from. */
export const REQUIRED_FILTERS = [
  'scale', 'crop', 'hflip', 'vflip', 'transpose', 'drawbox', 'format', 'volume', 'aresample',
  'asetrate', 'atempo', 'aecho', 'highpass', 'lowpass', 'eq', 'hue', 'colorchannelmixer',
  'unsharp', 'boxblur', 'amix', 'anoisesrc', 'aevalsrc', 'showspectrumpic',
] as const;

export const MIN_NODE_VERSION: readonly [number, number] = [20, 6];
export const CHROMIUM_DEFAULT_PATH = '/usr/bin/chromium';
const CHROMIUM_TIMEOUT_MS = 15_000;
const SERIAL_PREFIXES = ['ttyS', 'ttyUSB', 'ttyACM'] as const;
const VIDEO_PREFIX = 'video';
const ROOT_UID = 0;

const FIX_FFMPEG = 'run npm ci (it ships @ffmpeg-installer/ffmpeg) or set FFMPEG_PATH to an ffmpeg binary';
const FIX_FFPROBE = 'run npm ci (it ships @ffprobe-installer/ffprobe) or set FFPROBE_PATH to an ffprobe binary';
const FIX_FFMPEG_BUILD = 'set FFMPEG_PATH to a fuller ffmpeg build (Debian: apt-get install ffmpeg, then FFMPEG_PATH=/usr/bin/ffmpeg)';

/** Shared by the checks of one doctor run: each command runs once. */
export class DoctorContext {
  private readonly cache = new Map<string, Promise<CommandResult>>();

  run(command: string, args: readonly string[], timeoutMs?: number): Promise<CommandResult> {
    const key = JSON.stringify([command, ...args]);
    let result = this.cache.get(key);
    if (!result) {
      result = runCommand(command, args, timeoutMs);
      this.cache.set(key, result);
    }
    return result;
  }

  /** `ffmpeg -hide_banner <flag>` output, or a CheckResult saying why it could not be had. */
  async ffmpegListing(flag: string): Promise<string | CheckResult> {
    let location: BinaryLocation;
    try {
      location = ffmpegLocation();
    } catch (err) {
      return { status: 'missing', detail: `ffmpeg is not available: ${(err as Error).message}`, fix: FIX_FFMPEG };
    }
    const result = await this.run(location.path, ['-hide_banner', flag]);
    if (result.outcome !== 'exited' || result.code !== 0) {
      return { status: 'missing', detail: `ffmpeg ${flag} did not run: ${describeFailure(result)}`, fix: FIX_FFMPEG };
    }
    return result.stdout;
  }
}

function describeFailure(result: CommandResult): string {
  switch (result.outcome) {
    case 'not-found':
    case 'start-failed':
      return result.reason ?? 'could not start';
    case 'timeout':
      return 'timed out';
    case 'exited':
      return `exit code ${result.code ?? '-'}${result.stderr ? `: ${lastLine(result.stderr)}` : ''}`;
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

function binaryCheck(
  id: string,
  title: string,
  locate: () => BinaryLocation,
  fix: string,
): Check {
  return {
    id,
    title,
    required: true,
    async run(ctx) {
      let location: BinaryLocation;
      try {
        location = locate();
      } catch (err) {
        return { status: 'missing', detail: (err as Error).message, fix };
      }
      const result = await ctx.run(location.path, ['-hide_banner', '-version']);
      if (result.outcome !== 'exited' || result.code !== 0) {
        return { status: 'missing', detail: `${location.path} does not run: ${describeFailure(result)}`, fix };
      }
      const version = parseVersion(result.stdout) ?? 'unknown version';
      const source = location.source === 'env' ? `from ${id.toUpperCase()}_PATH` : 'from the npm package';
      return { status: 'ok', detail: `${id} ${version} at ${location.path} (${source})` };
    },
  };
}

function encoderCheck(name: string): Check {
  return {
    id: `encoder-${name}`,
    title: `ffmpeg encoder ${name}`,
    required: true,
    async run(ctx) {
      const listing = await ctx.ffmpegListing('-encoders');
      if (typeof listing !== 'string') return listing;
      return parseFlagNameRows(listing).has(name)
        ? { status: 'ok', detail: `encoder ${name} present` }
        : { status: 'missing', detail: `this ffmpeg has no ${name} encoder`, fix: FIX_FFMPEG_BUILD };
    },
  };
}

function listDevices(prefixes: readonly string[]): string[] {
  let entries: string[];
  try {
    entries = readdirSync('/dev');
  } catch {
    return [];
  }
  return entries
    .filter((name) => prefixes.some((prefix) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => `/dev/${name}`);
}

function summarizeList(items: readonly string[], shown = 6): string {
  if (items.length <= shown) return items.join(', ');
  return `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}

export function parseNodeVersion(version: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export function nodeVersionAtLeast(version: string, min: readonly [number, number]): boolean {
  const parsed = parseNodeVersion(version);
  if (!parsed) return false;
  return parsed[0] > min[0] || (parsed[0] === min[0] && parsed[1] >= min[1]);
}

export const CHECKS: readonly Check[] = [
  binaryCheck('ffmpeg', 'ffmpeg binary', ffmpegLocation, FIX_FFMPEG),
  encoderCheck('libx264'),
  encoderCheck('aac'),
  {
    id: 'filters',
    title: 'ffmpeg filters',
    required: false,
    async run(ctx) {
      const listing = await ctx.ffmpegListing('-filters');
      if (typeof listing !== 'string') return { ...listing, status: 'warn' };
      const present = parseFlagNameRows(listing);
      const absent = REQUIRED_FILTERS.filter((name) => !present.has(name));
      return absent.length === 0
        ? { status: 'ok', detail: `all ${REQUIRED_FILTERS.length} filters present` }
        : { status: 'warn', detail: `missing filters: ${absent.join(', ')}`, fix: FIX_FFMPEG_BUILD };
    },
  },
  {
    id: 'muxer-flv',
    title: 'ffmpeg muxer flv',
    required: true,
    async run(ctx) {
      const listing = await ctx.ffmpegListing('-muxers');
      if (typeof listing !== 'string') return listing;
      return parseFormatRows(listing).has('flv')
        ? { status: 'ok', detail: 'muxer flv present' }
        : { status: 'missing', detail: 'this ffmpeg cannot write flv', fix: FIX_FFMPEG_BUILD };
    },
  },
  {
    id: 'rtmp',
    title: 'ffmpeg rtmp protocol and flv demuxer',
    required: true,
    async run(ctx) {
      const protocols = await ctx.ffmpegListing('-protocols');
      if (typeof protocols !== 'string') return protocols;
      const demuxers = await ctx.ffmpegListing('-demuxers');
      if (typeof demuxers !== 'string') return demuxers;
      const listed = parseProtocols(protocols);
      const lacks: string[] = [];
      if (!listed.input.has('rtmp')) lacks.push('rtmp input');
      if (!listed.output.has('rtmp')) lacks.push('rtmp output');
      if (!parseFormatRows(demuxers).has('flv')) lacks.push('flv demuxer');
      return lacks.length === 0
        ? { status: 'ok', detail: 'rtmp input and output, flv demuxer present' }
        : { status: 'missing', detail: `this ffmpeg lacks ${lacks.join(', ')}`, fix: FIX_FFMPEG_BUILD };
    },
  },
  binaryCheck('ffprobe', 'ffprobe binary', ffprobeLocation, FIX_FFPROBE),
  {
    id: 'v4l2',
    title: 'V4L2 video devices',
    required: false,
    async run(ctx) {
      const devices = listDevices([VIDEO_PREFIX]);
      const v4l2ctl = findExecutable('v4l2-ctl');
      let names = '';
      if (v4l2ctl && devices.length > 0) {
        const result = await ctx.run(v4l2ctl, ['--list-devices']);
        if (result.outcome === 'exited') {
          names = result.stdout
            .split('\n')
            .filter((line) => line.trim() !== '' && !/^\s/.test(line))
            .map((line) => line.replace(/:\s*$/, ''))
            .join('; ');
        }
      }
      if (devices.length === 0) {
        return {
          status: 'warn',
          detail: 'no /dev/video* devices (synthetic cameras still work)',
          fix: 'attach a camera, or load v4l2loopback (apt-get install v4l2loopback-dkms; modprobe v4l2loopback)',
        };
      }
      const detail = `${summarizeList(devices)}${names ? ` (${names})` : ''}`;
      return v4l2ctl
        ? { status: 'ok', detail }
        : { status: 'warn', detail: `${detail}; v4l2-ctl not installed`, fix: 'apt-get install v4l-utils' };
    },
  },
  {
    id: 'pulseaudio',
    title: 'PulseAudio server',
    required: false,
    async run(ctx) {
      const pactl = findExecutable('pactl');
      if (!pactl) {
        return { status: 'missing', detail: 'pactl not installed', fix: 'apt-get install pulseaudio pulseaudio-utils' };
      }
      const result = await ctx.run(pactl, ['info']);
      if (result.outcome === 'exited' && result.code === 0) {
        const server = /^Server Name:\s*(.+)$/m.exec(result.stdout)?.[1] ?? 'unknown server';
        return { status: 'ok', detail: `PulseAudio running: ${server}` };
      }
      return {
        status: 'warn',
        detail: `no PulseAudio server reachable (${describeFailure(result)})`,
        fix: 'start one: pulseaudio --start (as root: pulseaudio --system or --exit-idle-time=-1 -D)',
      };
    },
  },
  {
    id: 'chromium',
    title: 'Chromium (browser IUT)',
    required: false,
    async run(ctx) {
      const path = process.env.CHROMIUM_PATH || CHROMIUM_DEFAULT_PATH;
      const fix = 'apt-get install chromium, or set CHROMIUM_PATH to a Chromium binary';
      if (!findExecutable(path)) return { status: 'missing', detail: `${path} not found`, fix };
      const result = await ctx.run(path, ['--version'], CHROMIUM_TIMEOUT_MS);
      if (result.outcome === 'exited' && result.code === 0) {
        return { status: 'ok', detail: `${firstLine(result.stdout)} at ${path}` };
      }
      return { status: 'missing', detail: `${path} --version failed: ${describeFailure(result)}`, fix };
    },
  },
  {
    id: 'serial',
    title: 'serial ports and socat',
    required: false,
    async run() {
      const ports = listDevices(SERIAL_PREFIXES);
      const socat = findExecutable('socat');
      const portText = ports.length === 0 ? 'no serial ports' : `${ports.length} serial port(s): ${summarizeList(ports)}`;
      return socat
        ? { status: 'ok', detail: `${portText}; socat at ${socat} (virtual serial pairs available)` }
        : { status: 'warn', detail: `${portText}; socat not installed (no virtual serial pairs)`, fix: 'apt-get install socat' };
    },
  },
  {
    id: 'netns',
    title: 'network namespaces and tc',
    required: false,
    async run(ctx) {
      const ip = findExecutable('ip');
      const tc = findExecutable('tc');
      const fixTools = 'apt-get install iproute2';
      if (!ip || !tc) {
        return { status: 'warn', detail: `${ip ? '' : 'ip '}${tc ? '' : 'tc '}not installed`.trim(), fix: fixTools };
      }
      if (process.getuid?.() !== ROOT_UID) {
        return { status: 'warn', detail: 'not root: network namespaces and tc shaping need root', fix: 'run as root (or with CAP_NET_ADMIN and CAP_SYS_ADMIN)' };
      }
      const name = `lpb-doctor-${process.pid}`;
      const added = await ctx.run(ip, ['netns', 'add', name]);
      if (added.outcome !== 'exited' || added.code !== 0) {
        return {
          status: 'warn',
          detail: `ip netns add failed: ${describeFailure(added)}`,
          fix: 'run where namespaces are allowed (a container needs --privileged or CAP_SYS_ADMIN)',
        };
      }
      const deleted = await ctx.run(ip, ['netns', 'delete', name]);
      if (deleted.outcome !== 'exited' || deleted.code !== 0) {
        return { status: 'warn', detail: `created ${name} but could not delete it: ${describeFailure(deleted)}`, fix: `ip netns delete ${name}` };
      }
      return { status: 'ok', detail: `ip netns add/delete works; tc at ${tc}` };
    },
  },
  {
    id: 'node',
    title: 'Node.js',
    required: false,
    async run() {
      const min = MIN_NODE_VERSION.join('.');
      return nodeVersionAtLeast(process.version, MIN_NODE_VERSION)
        ? { status: 'ok', detail: `node ${process.version} at ${process.execPath}` }
        : { status: 'warn', detail: `node ${process.version} is older than ${min}`, fix: `install Node.js ${min} or newer` };
    },
  },
];

/** Runs the checks one after another (they share one context, so each command runs once). */
export async function runChecks(checks: readonly Check[] = CHECKS): Promise<CheckReport[]> {
  const ctx = new DoctorContext();
  const reports: CheckReport[] = [];
  for (const check of checks) {
    let result: CheckResult;
    try {
      result = await check.run(ctx);
    } catch (err) {
      result = { status: 'missing', detail: `check failed: ${(err as Error).message}`, fix: 'report this as a bench bug' };
    }
    reports.push({ id: check.id, title: check.title, required: check.required, ...result });
  }
  return reports;
}

/** True when any required item is missing (doctor's exit code 1). */
export function requiredMissing(reports: readonly CheckReport[]): boolean {
  return reports.some((r) => r.required && r.status === 'missing');
}
