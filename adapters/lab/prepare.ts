// Wiring a lab rig up before a run and undoing it after (issue 11 "Rig model", "Rig health and
// sharing"): the leases on its physical resources (adapters/lab/lease.ts), the pattern fed into
// each v4l2loopback camera (adapters/v4l2/loopback-feed.ts), the pattern page full screen in
// Chromium for a physical (v4l2) camera to film (adapters/display/), the PulseAudio virtual microphone
// (adapters/microphone/pulse-virtual.ts), the tone on the rig's speaker for a physical microphone
// (adapters/microphone/speaker.ts), simulated serial gear on socat pairs for
// `port: simulated` (adapters/serial/socat-pair.ts) whose relay really cuts what the lab feeds
// (POWER microphone OFF removes the virtual microphone, POWER camera-front OFF stops that loopback
// feed; with nothing of the lab to cut it is left to the checks, adapters/lab/relay-bench.ts), and
// a HELLO to real serial gear. Returns the
// rig as drivers must see it (simulated ports replaced by their pty paths). Whatever fails, what
// was already set up is undone before the error is thrown.
import type { Rig } from '../../rig/types.ts';
import { SIMULATED_SERIAL_PORT } from '../../rig/types.ts';
import { acquireLeases, rigResources } from './lease.ts';
import { createVirtualMic, pulseCaptureSupport } from '../microphone/pulse-virtual.ts';
import { describeSpeaker, playToneOn } from '../microphone/speaker.ts';
import { feedLoopback, LOOPBACK_CLOSE_GRACE_MS } from '../v4l2/loopback-feed.ts';
import { startSimulatedGear } from '../serial/socat-pair.ts';
import { hardwareBinding, SerialGear } from '../serial/serial-gear.ts';
import { SERIAL_GEAR } from '../../rig/types.ts';
import type { Channel } from '../serial/line-protocol.ts';
import type { SupervisedProcess } from '../process/supervised.ts';
import { startPatternPage } from '../display/pattern-page.ts';
import { browserUnavailable, showPage } from '../display/browser.ts';

export class LabSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabSetupError';
  }
}

export interface PreparedLab {
  /** The rig as the drivers and checks must see it. */
  rig: Rig;
  /** What was set up, one line each (for the log and the summary). */
  notes: string[];
  /** A lab process that died after setup (feeder, socat), if any. */
  failure(): Error | undefined;
  close(): Promise<void>;
}

/** Whether the lab feeds anything a simulated relay can cut (a v4l2loopback camera, the virtual microphone). */
export function labHasSwitches(rig: Rig): boolean {
  return rig.camera.front.kind === 'v4l2loopback' || rig.camera.back.kind === 'v4l2loopback' || rig.microphone.kind === 'pulse-virtual';
}

/** A simulated relay in a lab with nothing to cut is left to the checks: each starts its own on
 *  the source it feeds (adapters/lab/relay-bench.ts), so it costs the run nothing up front. */
export function relayLeftToChecks(rig: Rig): boolean {
  return rig.serial?.relay?.port === SIMULATED_SERIAL_PORT && !labHasSwitches(rig);
}

/** Whether the rig needs anything set up or leased (the all-synthetic default needs nothing, nor
 *  does a simulated relay left to the checks). */
export function needsLab(rig: Rig): boolean {
  return rigResources(rig).length > 0 || Boolean((rig.serial?.relay && !relayLeftToChecks(rig)) || rig.serial?.marker);
}

export async function prepareLab(rig: Rig, purpose: string): Promise<PreparedLab> {
  const undo: (() => Promise<unknown> | void)[] = [];
  const failures: (() => Error | undefined)[] = [];
  const notes: string[] = [];
  const close = async (): Promise<void> => {
    for (const step of undo.splice(0).reverse()) await Promise.resolve(step()).catch(() => undefined);
  };
  const out: Rig = structuredClone(rig);
  try {
    const leases = acquireLeases(rigResources(rig), { purpose });
    undo.push(() => leases.close());
    if (leases.resources.length > 0) notes.push(`leased ${leases.resources.join(', ')}`);
    for (const t of leases.takenOver) notes.push(`took over the stale lease of ${t.resource} (${t.reason})`);

    // What a simulated relay's channels cut: the loopback feeds and the virtual microphone.
    const switches = new Map<Channel, (on: boolean) => Promise<void>>();
    for (const position of ['front', 'back'] as const) {
      const cam = rig.camera[position];
      if (cam.kind !== 'v4l2loopback') continue;
      let died: Error | undefined;
      let feed: SupervisedProcess | undefined;
      const start = async (): Promise<void> => {
        feed = await feedLoopback(cam.device, position);
        feed.on('died', (err: Error) => (died ??= err));
      };
      await start();
      undo.push(() => feed?.close('SIGTERM', LOOPBACK_CLOSE_GRACE_MS));
      failures.push(() => died);
      switches.set(`camera-${position}`, async (on) => {
        if (on && !feed?.running) await start();
        if (!on) await feed?.close('SIGTERM', LOOPBACK_CLOSE_GRACE_MS);
      });
      notes.push(`feeding the ${position} pattern into ${cam.device}`);
    }

    // A physical camera films the screen: the pattern page full screen (one screen: the front's
    // pattern when the front camera is physical, else the back's). Without Chromium or a display
    // the run goes on with a note (the pattern checks are not run on physical cameras anyway).
    const filmed = (['front', 'back'] as const).find((p) => rig.camera[p].kind === 'v4l2');
    if (filmed) {
      const why = browserUnavailable();
      if (why) notes.push(`pattern page not shown for the physical ${filmed} camera: ${why}`);
      else {
        const page = await startPatternPage(filmed);
        undo.push(() => page.close());
        try {
          const shown = await showPage(page.url);
          undo.push(() => shown.close());
          notes.push(`showing the ${filmed} pattern full screen in Chromium (${page.url}) for the physical ${filmed} camera to film`);
        } catch (err) {
          notes.push(`pattern page not shown for the physical ${filmed} camera: ${(err as Error).message.split('\n')[0]}`);
        }
      }
    }

    if (rig.microphone.kind === 'pulse-virtual') {
      const support = await pulseCaptureSupport();
      if (!support.ok) throw new LabSetupError(`rig microphone pulse-virtual: the pusher cannot capture it: ${support.reason}`);
      const mic = await createVirtualMic(rig.microphone.sink);
      undo.push(() => mic.close());
      failures.push(() => mic.failure());
      switches.set('microphone', (on) => mic.power(on));
      notes.push(`virtual microphone: null sink ${mic.sink} playing the tone, captured as ${mic.source}${mic.startedDaemon ? ' (PulseAudio daemon started by the bench)' : ''}`);
    }

    // The tone through the air: played on the speaker next to a physical microphone (speaker.ts).
    if (rig.speaker) {
      const where = describeSpeaker(rig.speaker);
      const player = await playToneOn(rig.speaker).catch((err: Error) => {
        throw new LabSetupError(`rig ${err.message}`);
      });
      undo.push(() => player.close());
      let died: Error | undefined;
      player.onDied((err) => (died ??= err));
      failures.push(() => died);
      notes.push(`playing the tone on the speaker (${where}) for the ${rig.microphone.kind} microphone to hear`);
    }

    for (const gear of SERIAL_GEAR) {
      const cfg = rig.serial?.[gear];
      if (!cfg) continue;
      if (gear === 'relay' && relayLeftToChecks(rig)) {
        notes.push('simulated relay: nothing in this lab for it to cut; left to the checks, each starts its own on the source it feeds');
        continue;
      }
      if (cfg.port === SIMULATED_SERIAL_PORT) {
        const sim = await startSimulatedGear(gear, {
          onPower: async (channel, on) => {
            const cut = switches.get(channel);
            if (!cut) throw new Error(`${channel} is not a device this lab can cut (only v4l2loopback cameras and the pulse-virtual microphone)`);
            await cut(on);
          },
        });
        undo.push(() => sim.close());
        out.serial![gear] = { ...cfg, port: sim.benchPort };
        notes.push(`simulated ${gear} on a socat pty pair at ${sim.benchPort}`);
      }
      const port = out.serial![gear]!.port;
      const g = await SerialGear.open(port, await hardwareBinding(), cfg.baudRate).catch((err: Error) => {
        throw new LabSetupError(`rig serial.${gear}: ${err.message}`);
      });
      try {
        const hello = await g.hello(gear);
        notes.push(`serial ${gear} at ${port} answers: ${hello.model}`);
      } catch (err) {
        throw new LabSetupError(`rig serial.${gear}: ${(err as Error).message}`);
      } finally {
        await g.close();
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { rig: out, notes, failure: () => failures.map((f) => f()).find(Boolean), close };
}
