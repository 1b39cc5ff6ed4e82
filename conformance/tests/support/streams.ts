// Stream-level facts from an observation, failing as an assertion when the track is missing
// (an IUT that pushes no video has failed the check, not broken the bench).
import type { Observation } from '../../oracles/observe.ts';
import { fail } from './expect.ts';

export function videoStream(o: Observation) {
  const v = o.streams.find((s) => s.kind === 'video');
  if (!v) fail('no video track reached the server');
  return v;
}

export function audioStream(o: Observation) {
  const a = o.streams.find((s) => s.kind === 'audio');
  if (!a) fail('no audio track reached the server');
  return a;
}
