// How a check asks for another synthetic microphone signal than the run's (README "Rig files":
// microphone {kind: synthetic, signal: tone | tone-noise | quiet-tone}): the rig it hands the
// IUT is the run's rig with the microphone's `signal` set; on the PulseAudio virtual microphone,
// a second virtual microphone playing the signal, for this check alone. A reference pusher draws the signal
// itself; an IUT given materialized sources (docs/driver-protocol.md "Sources any implementation
// can use") gets the signal materialized for this check alone, under its own stream name and
// file, closed when the check is done with it.
import { randomBytes } from 'node:crypto';
import { materializeSources } from '../../../adapters/sources/materialize.ts';
import { toneOfSignal, type MicrophoneSignal } from '../../../adapters/microphone/synthetic.ts';
import { createVirtualMic } from '../../../adapters/microphone/pulse-virtual.ts';
import type { Rig } from '../../../rig/types.ts';
import type { CheckContext } from '../../check.ts';

export interface SignalRig {
  rig: Rig;
  close(): Promise<void>;
}

/** A file source that is never opened: materializeSources skips all but synthetic entries, so
 *  only the microphone is published. */
const NOT_MATERIALIZED = { kind: 'file', path: '/dev/null' } as const;

/** The run's rig with its synthetic microphone playing `signal`, or with a virtual microphone of
 *  its own playing it (a PulseAudio null sink beside the run's, made for this check and removed
 *  by close()); not applicable (skipped, with the reason) for any other microphone. */
export async function rigWithSignal(ctx: CheckContext, signal: MicrophoneSignal): Promise<SignalRig> {
  const mic = ctx.rig.microphone;
  if (mic.kind === 'pulse-virtual') {
    const vmic = await createVirtualMic(`${mic.sink}_${signal}_${randomBytes(4).toString('hex')}`, toneOfSignal(signal));
    ctx.log(`a virtual microphone of its own for this check: null sink ${vmic.sink} playing ${signal}, captured as ${vmic.source}`);
    return { rig: { ...ctx.rig, microphone: { ...mic, sink: vmic.sink } }, close: () => vmic.close() };
  }
  if (mic.kind !== 'synthetic') ctx.notApplicable(`the microphone signal ${signal} needs the rig's synthetic microphone or the PulseAudio virtual one; this rig has microphone kind ${mic.kind}`);
  if (mic.url === undefined && mic.file === undefined) {
    return { rig: { ...ctx.rig, microphone: { ...mic, signal } }, close: async () => undefined };
  }
  const server = ctx.server;
  const sources = await materializeSources(
    { ...ctx.rig, camera: { front: NOT_MATERIALIZED, back: NOT_MATERIALIZED }, microphone: { kind: 'synthetic', signal, ...(mic.fault ? { fault: mic.fault } : {}) } },
    { rtmpUrl: (s) => server.rtmpUrl(s), ...(server.embedded ? { waitForPublish: (s, ms) => server.waitForPublish(s, ms) } : {}) },
    `${signal}-${randomBytes(4).toString('hex')}`,
  );
  ctx.log(`materialized the ${signal} microphone for this check: ${JSON.stringify(sources.streams)}`);
  return { rig: { ...ctx.rig, microphone: sources.rig.microphone }, close: () => sources.close() };
}
