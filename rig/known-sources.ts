// Which rig sources carry something the oracles know (README "Rig files"): the synthetic camera
// pattern — generated, or fed by the bench into a v4l2loopback device
// (adapters/v4l2/loopback-feed.ts) — and the synthetic tone — generated, or played by the bench
// into the PulseAudio virtual microphone (adapters/microphone/pulse-virtual.ts), or heard through
// the air from the rig's speaker (adapters/microphone/speaker.ts). Checks that
// read the pattern or listen for the tone run on these (conformance/requirements.ts).
import type { Rig } from './types.ts';

/** This camera position shows the synthetic pattern. */
export function patternKnown(rig: Rig, position: 'front' | 'back'): boolean {
  const kind = rig.camera[position].kind;
  return kind === 'synthetic' || kind === 'v4l2loopback';
}

/** The microphone hears the synthetic tone through the air: the bench plays it on the rig's
 *  speaker (adapters/microphone/speaker.ts). Its frequency and timing are known, its level is not. */
export function toneThroughAir(rig: Rig): boolean {
  return rig.speaker !== undefined && !toneKnown(rig);
}

/** The microphone carries the synthetic tone digitally, at its known level. */
export function toneKnown(rig: Rig): boolean {
  return rig.microphone.kind === 'synthetic' || rig.microphone.kind === 'pulse-virtual';
}
