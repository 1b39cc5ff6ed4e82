// The PulseAudio virtual microphone (issue 11 "Rig model"; README "Rig files"): the bench
// makes a null sink, plays the synthetic tone (adapters/microphone/synthetic.ts) into it, and
// the IUT captures the sink's monitor source `<sink>.monitor` as if it were a microphone, so the
// audio oracles judge a real PulseAudio capture against a tone they know. Everything it starts
// (a PulseAudio daemon when none runs, the null sink module, the tone feeder) is undone by
// close(), on every path. power(false) unplugs it as a relay cutting a USB microphone would (the
// sink and its monitor vanish, a capture of it fails), power(true) plugs it back with the tone.
//
// The reference pusher captures PulseAudio with parec (adapters/microphone/devices.ts), whose raw
// audio its ffmpeg reads from a pipe: the npm ffmpeg has no pulse input, and Debian's, which has,
// starts three times slower. pulseCaptureSupport() says whether parec is there.
import { DEFAULT_TONE, syntheticMicrophone, type ToneSpec } from './synthetic.ts';
import { ffmpegPath } from '../ffmpeg.ts';
import { PAREC } from './devices.ts';
import { runCommand, type CommandResult } from '../process/run-to-completion.ts';
import { SupervisedProcess } from '../process/supervised.ts';

export const PACTL = 'pactl';
export const PACAT = 'pacat';
export const PULSEAUDIO = 'pulseaudio';
/** The null sink's format: what the synthetic tone is generated at. */
export const VIRTUAL_MIC_RATE = 48_000;
const DAEMON_START_TIMEOUT_MS = 10_000;
const DAEMON_POLL_MS = 100;
const FEED_START_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 2_000;
/** pacat's playback buffer: the -re paced tone feeder may be held up by a loaded CPU; at 50 ms
 *  the sink underran (silence inside the tone, -0.6 to -1.9 dB measured with three test files in
 *  parallel on 2 cores), at 250 ms 3 of 3 such runs stayed within 0.5 dB. */
const FEED_LATENCY_MS = 250;

export const FIX_PULSE_CAPTURE = 'install PulseAudio\'s tools (apt-get install pulseaudio-utils): the pusher records PulseAudio with parec';
export const FIX_PULSE_SERVER = 'install PulseAudio (apt-get install pulseaudio pulseaudio-utils); the bench starts a daemon when none runs';

export class VirtualMicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VirtualMicError';
  }
}

/** Whether PulseAudio can be captured here (parec, the pusher's recorder); the reason and the fix when not. */
export async function pulseCaptureSupport(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const r = await runCommand(PAREC, ['--version']);
  return r.outcome === 'not-found' ? { ok: false, reason: `${PAREC} is not installed: ${FIX_PULSE_CAPTURE}` } : { ok: true };
}

export function nullSinkArgs(sink: string): string[] {
  return ['load-module', 'module-null-sink', `sink_name=${sink}`, `rate=${VIRTUAL_MIC_RATE}`, 'channels=1', 'format=s16le', `sink_properties=device.description=lpbench-virtual-mic-${sink}`];
}

export function pacatArgs(sink: string): string[] {
  return ['--playback', `--device=${sink}`, '--raw', '--format=s16le', `--rate=${VIRTUAL_MIC_RATE}`, '--channels=1', `--latency-msec=${FEED_LATENCY_MS}`];
}

/** The synthetic tone playing into a PulseAudio sink (ffmpeg -> pacat) until close(). */
export interface ToneFeeder {
  onDied(listener: (err: Error) => void): void;
  close(): Promise<void>;
}

/** Plays the synthetic tone (default: DEFAULT_TONE; another signal's, synthetic.ts toneOfSignal)
 *  into `sink` (a null sink or a real speaker's sink): the tone from the bench's ffmpeg piped into
 *  pacat. Whatever fails to start, what started is closed. */
export async function feedToneInto(sink: string, tone: ToneSpec = DEFAULT_TONE): Promise<ToneFeeder> {
  const started: SupervisedProcess[] = [];
  const close = async (): Promise<void> => {
    for (const p of started.splice(0).reverse()) await p.close('SIGTERM', CLOSE_GRACE_MS).catch(() => undefined);
  };
  try {
    const pacat = await SupervisedProcess.start({ name: `pacat (tone into ${sink})`, command: PACAT, args: pacatArgs(sink), stdoutMode: 'ignore' });
    started.push(pacat);
    const toneArgs = await syntheticMicrophone(tone).inputArgs({ sampleRate: VIRTUAL_MIC_RATE });
    const feeder = await SupervisedProcess.start({
      name: `tone feeder (${tone.frequencyHz} Hz into ${sink})`,
      command: ffmpegPath(),
      args: ['-hide_banner', '-nostdin', '-loglevel', 'warning', ...toneArgs, '-f', 's16le', '-ac', '1', '-ar', String(VIRTUAL_MIC_RATE), 'pipe:1'],
      stdin: false,
      startTimeoutMs: FEED_START_TIMEOUT_MS,
    });
    started.push(feeder);
    feeder.stdout.pipe(pacat.stdin);
    return {
      onDied: (listener) => {
        for (const p of [feeder, pacat]) p.on('died', listener);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function pactl(args: string[]): Promise<CommandResult> {
  return runCommand(PACTL, args);
}

/** The names of PulseAudio's sinks, or why they cannot be listed. */
export async function pulseSinks(): Promise<{ sinks: string[] } | { problem: string }> {
  const r = await pactl(['list', 'short', 'sinks']);
  if (r.outcome === 'not-found') return { problem: `pactl is not installed: ${FIX_PULSE_SERVER}` };
  if (r.outcome !== 'exited' || r.code !== 0) return { problem: `no PulseAudio server answers (pactl: ${r.stderr.trim() || r.outcome})` };
  return { sinks: r.stdout.split('\n').map((l) => l.split('\t')[1] ?? '').filter(Boolean) };
}

async function serverRunning(): Promise<boolean | 'no-pactl'> {
  const r = await pactl(['info']);
  if (r.outcome === 'not-found') return 'no-pactl';
  return r.outcome === 'exited' && r.code === 0;
}

export interface VirtualMic {
  sink: string;
  /** What the IUT captures. */
  source: string;
  /** Whether the bench started the PulseAudio daemon (and will stop it). */
  startedDaemon: boolean;
  /** The feeder's death after start, if any. */
  failure(): Error | undefined;
  /** Whether the microphone is "plugged in" (the sink exists and plays the tone). */
  readonly powered: boolean;
  /** Cuts (false) or restores (true) the microphone as a relay would cut its power: the sink and its
   *  monitor source disappear, so a capture of it fails, and come back with the tone. */
  power(on: boolean): Promise<void>;
  close(): Promise<void>;
}

async function startDaemon(): Promise<SupervisedProcess> {
  const daemon = await SupervisedProcess.start({
    name: 'pulseaudio (virtual microphone)',
    command: PULSEAUDIO,
    args: ['--daemonize=no', '--exit-idle-time=-1', '--log-target=stderr'],
    stdin: false,
    stdoutMode: 'ignore',
  });
  const deadline = Date.now() + DAEMON_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if ((await serverRunning()) === true) return daemon;
    if (!daemon.running) break;
    await new Promise((r) => setTimeout(r, DAEMON_POLL_MS));
  }
  const tail = daemon.stderrTail();
  await daemon.close('SIGTERM', CLOSE_GRACE_MS);
  if ((await serverRunning()) === true) return daemon; // another run started one meanwhile
  throw new VirtualMicError(`PulseAudio did not come up within ${DAEMON_START_TIMEOUT_MS} ms: ${tail.trim().split('\n').slice(-3).join(' | ')}`);
}

/** A PulseAudio server to talk to: the one running, or a daemon started here (and stopped by
 *  close(); close() leaves a server it did not start alone). */
export interface PulseServer {
  startedDaemon: boolean;
  close(): Promise<void>;
}

/** Makes sure a PulseAudio server answers: uses the running one, else starts a daemon. */
export async function ensurePulseServer(): Promise<PulseServer> {
  const running = await serverRunning();
  if (running === 'no-pactl') throw new VirtualMicError(`pactl is not installed: ${FIX_PULSE_SERVER}`);
  if (running) return { startedDaemon: false, close: async () => undefined };
  const daemon = await startDaemon().catch((err: Error) => {
    throw new VirtualMicError(`no PulseAudio server and none could be started (${err.message}): ${FIX_PULSE_SERVER}`);
  });
  return {
    startedDaemon: true,
    close: async () => {
      await daemon.close('SIGTERM', CLOSE_GRACE_MS);
    },
  };
}

/** Makes the null sink `sink`, feeds it the synthetic tone, and returns its monitor as the microphone. */
export async function createVirtualMic(sink: string, tone: ToneSpec = DEFAULT_TONE): Promise<VirtualMic> {
  const undo: (() => Promise<unknown>)[] = [];
  const close = async (): Promise<void> => {
    for (const step of undo.splice(0).reverse()) await step().catch(() => undefined);
  };
  let died: Error | undefined;
  try {
    const server = await ensurePulseServer();
    undo.push(() => server.close());
    const startedDaemon = server.startedDaemon;
    const existing = await pactl(['list', 'short', 'sinks']);
    if (existing.stdout.split('\n').some((l) => l.split('\t')[1] === sink)) {
      throw new VirtualMicError(`PulseAudio already has a sink named ${sink} (another run's virtual microphone?); pick another microphone.sink in the rig file or unload it: pactl unload-module module-null-sink`);
    }
    let unplug: (() => Promise<void>) | undefined;
    const plug = async (): Promise<void> => {
      const parts: (() => Promise<unknown>)[] = [];
      unplug = async () => {
        for (const step of parts.splice(0).reverse()) await step().catch(() => undefined);
      };
      const loaded = await pactl(nullSinkArgs(sink));
      if (loaded.outcome !== 'exited' || loaded.code !== 0) throw new VirtualMicError(`pactl load-module module-null-sink failed: ${loaded.stderr.trim() || loaded.outcome}`);
      const moduleIndex = loaded.stdout.trim();
      parts.push(() => pactl(['unload-module', moduleIndex]));
      const feeder = await feedToneInto(sink, tone);
      parts.push(() => feeder.close());
      feeder.onDied((err) => (died ??= err));
    };
    undo.push(() => unplug?.() ?? Promise.resolve());
    await plug().catch(async (err: unknown) => {
      await unplug?.();
      throw err;
    });
    let powered = true;
    return {
      sink,
      source: `${sink}.monitor`,
      startedDaemon,
      failure: () => died,
      get powered() {
        return powered;
      },
      async power(on: boolean) {
        if (on === powered) return;
        if (on) await plug();
        else await unplug?.();
        powered = on;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
