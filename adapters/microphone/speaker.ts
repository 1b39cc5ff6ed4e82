// The tone through the air (issue 11 "Audio through the air"; README "Lab runbook"): a lab rig
// with a physical microphone names a `speaker` next to it, and the bench plays the synthetic
// tone (adapters/microphone/synthetic.ts) on it for the whole run, so the audio the pusher
// captures carries a tone the oracles know by its frequency and timing. Its level is the room's
// (the speaker's volume, the distance), so level checks stay on digital paths
// (conformance/requirements.ts); the golden push (conformance/rig-health.ts) requires the tone
// heard. A PulseAudio sink is fed like the virtual microphone's null sink (feedToneInto); an
// ALSA device through an ffmpeg with ALSA output (Debian's: apt-get install ffmpeg, then
// FFMPEG_PATH=/usr/bin/ffmpeg).
import { ffmpegPath } from '../ffmpeg.ts';
import { runCommand } from '../process/run-to-completion.ts';
import { SupervisedProcess } from '../process/supervised.ts';
import type { Speaker } from '../../rig/types.ts';
import { feedToneInto, pulseSinks, VIRTUAL_MIC_RATE, type ToneFeeder } from './pulse-virtual.ts';
import { syntheticMicrophone } from './synthetic.ts';

/** An ALSA player that has not died within this long has opened its device (ms). */
const ALSA_OPEN_GRACE_MS = 500;
const CLOSE_GRACE_MS = 2_000;
const FIX_ALSA_FFMPEG = 'install Debian\'s ffmpeg (apt-get install ffmpeg) and run with FFMPEG_PATH=/usr/bin/ffmpeg';

export class SpeakerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpeakerError';
  }
}

/** How a speaker is named in notes and errors. */
export function describeSpeaker(s: Speaker): string {
  return s.kind === 'pulse' ? `PulseAudio sink ${s.sink}` : `ALSA device ${s.device}`;
}

/** Whether an ffmpeg's `-devices` listing has the alsa output (an "E" in the second column). */
export function devicesListAlsaOutput(listing: string): boolean {
  return listing.split('\n').some((line) => /^\s*[D.\s]E\s+alsa\s/.test(line));
}

async function playOnAlsa(device: string): Promise<ToneFeeder> {
  const ffmpeg = ffmpegPath();
  const listing = await runCommand(ffmpeg, ['-hide_banner', '-devices']);
  if (listing.outcome !== 'exited' || !devicesListAlsaOutput(listing.stdout)) {
    throw new SpeakerError(`speaker.device ${device}: ${ffmpeg} has no ALSA output device; ${FIX_ALSA_FFMPEG}`);
  }
  const toneArgs = await syntheticMicrophone().inputArgs({ sampleRate: VIRTUAL_MIC_RATE });
  const player = await SupervisedProcess.start({
    name: `tone player (ALSA ${device})`,
    command: ffmpeg,
    args: ['-hide_banner', '-nostdin', '-loglevel', 'warning', ...toneArgs, '-ac', '1', '-f', 'alsa', device],
    stdin: false,
    stdoutMode: 'ignore',
  });
  // An ALSA device that cannot be opened makes ffmpeg exit at once.
  const died = await new Promise<Error | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ALSA_OPEN_GRACE_MS);
    player.once('died', (err: Error) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
  if (died || !player.running) {
    await player.close('SIGKILL', CLOSE_GRACE_MS);
    throw new SpeakerError(`speaker.device ${device}: the tone could not be played on it: ${(died?.message ?? 'the player exited').split('\n').slice(-2).join(' ').trim()}`);
  }
  return {
    onDied: (listener) => player.on('died', listener),
    close: async () => {
      await player.close('SIGTERM', CLOSE_GRACE_MS);
    },
  };
}

/** Starts the tone on the speaker; throws SpeakerError naming the speaker when it cannot. */
export async function playToneOn(speaker: Speaker): Promise<ToneFeeder> {
  if (speaker.kind === 'alsa') return playOnAlsa(speaker.device);
  const listed = await pulseSinks();
  if ('problem' in listed) throw new SpeakerError(`speaker.sink ${speaker.sink}: ${listed.problem}`);
  if (!listed.sinks.includes(speaker.sink)) {
    throw new SpeakerError(`speaker.sink ${speaker.sink}: PulseAudio has no such sink; its sinks: ${listed.sinks.join(', ') || 'none'} (pactl list short sinks)`);
  }
  try {
    return await feedToneInto(speaker.sink);
  } catch (err) {
    throw new SpeakerError(`speaker.sink ${speaker.sink}: the tone could not be played on it: ${(err as Error).message.split('\n')[0]}`);
  }
}
