// One PulseAudio server for the whole test run, when PulseAudio is installed and none runs.
// Test files that need PulseAudio (virtual microphones, the speaker, interrupted lab runs) run
// two at a time; if each started its own daemon when it found none and stopped it when done, one
// file's teardown would take the server from under the other (CI saw "Connection refused" from
// pactl). Started here, the daemon outlives every file and is stopped after the run; a server
// that was already running is left alone. Without PulseAudio nothing is started and those files
// skip with the reason.
import { ensurePulseServer, PACTL, PULSEAUDIO, type PulseServer } from '../adapters/microphone/pulse-virtual.ts';
import { findExecutable } from '../bench/doctor/find-executable.ts';

let server: PulseServer | undefined;

export async function setup(): Promise<void> {
  if (!findExecutable(PACTL) || !findExecutable(PULSEAUDIO)) return;
  server = await ensurePulseServer();
}

export async function teardown(): Promise<void> {
  await server?.close();
  server = undefined;
}
