// 1005 (推流动态调整分辨率) judged against the sizes decoded at the server: each change of the
// decoded size is one 1005, in order and near in time, and every size lies within the mode
// preset's adaptive resolution range. Pure, so the rule is unit-tested on made-up streams.
// Spec: live-pusher.zh.md 状态码 1005; context-api.md "Presets behind mode" (adaptive resolution).
import type { FrameSize } from '../../oracles/frame-sizes.ts';

/** A 1005 may come this long before the first frame of the new size was made (it announces the
 *  encoder restart that makes the frame: the reference reports, then restarts the encoder) ... */
export const RESIZE_LEAD_MS = 3000;
/** ... and at most this long after it (a size change the pusher reports late, after the fact). */
export const RESIZE_LAG_MS = 1000;

// When a frame was made is bounded, not known: not before its timestamp placed on the clean
// push's live edge (a pusher that keeps its timestamps continuous across encoder restarts falls
// behind the wall clock by each restart's time, so later frames were made later than that), and
// not after it reached the server (on a congested uplink it waits behind the queue for seconds).
// A 1005 fails only when it is certainly too early (LEAD before the earliest) or certainly too
// late (LAG after the arrival). When the frames around the change never reached the server (a
// congested pusher drops them, keyframes included), the change was made at the latest by the
// first frame of the new size and at the earliest after the last frame of the old size: a 1005
// made after that last frame is not too early, however long the gap.

export interface SizeChange {
  /** The earliest the first frame of the new size can have been made (its timestamp on the clean
   *  live edge), ms after the origin. */
  madeFrom: number;
  /** When it reached the reader at the server, ms after the origin. */
  arrivedAt: number;
  /** The earliest the last frame of the old size can have been made (the change came after it). */
  lastOldMadeFrom: number;
  from: string;
  to: string;
}

export interface ResizeInput {
  /** The sizes decoded at the server (every frame, or every keyframe: a size changes only at one), in stream order, with when the reader decoded each (wall clock). */
  sizes: readonly FrameSize[];
  /** Frame timestamp + offset = the wall time it was live on the clean push (the live edge). */
  offset: number;
  /** When the bench received each 1005 (wall clock), in order. */
  codes: readonly number[];
  range: { min: { width: number; height: number }; max: { width: number; height: number } };
  /** A step down (a change to a smaller size) must have been made in [lowFrom, lowUntil) (wall
   *  clock; by the earliest make time: frames drain through a congested uplink for seconds). */
  lowFrom: number;
  lowUntil: number;
  /** Times in messages are relative to this (wall clock). */
  origin: number;
}

export interface ResizeJudgement {
  changes: SizeChange[];
  /** Sizes (the first or a changed-to one) outside the preset's range. */
  outside: string[];
  /** Size changes without their 1005, 1005 without a size change, or too far apart. */
  mismatched: string[];
  /** 'yes: …' or 'no: …'. */
  steppedDown: string;
  summary: string;
}

const dims = (s: { width: number; height: number }): string => `${s.width}x${s.height}`;
const shortLong = (s: { width: number; height: number }): [number, number] => [Math.min(s.width, s.height), Math.max(s.width, s.height)];

export function judgeResizes(input: ResizeInput): ResizeJudgement {
  const { sizes, offset, codes, range, origin } = input;
  const rel = (t: number): string => `${Math.round(t - origin)} ms`;
  const when = (c: SizeChange): string => `made from ${rel(c.madeFrom)}, arrived at ${rel(c.arrivedAt)}`;
  const changes: SizeChange[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const [a, b] = [sizes[i - 1]!, sizes[i]!];
    if (a.width !== b.width || a.height !== b.height) changes.push({ madeFrom: b.ptsMs + offset, arrivedAt: b.at, lastOldMadeFrom: a.ptsMs + offset, from: dims(a), to: dims(b) });
  }
  const [lo, hi] = [shortLong(range.min), shortLong(range.max)];
  const inRange = (s: FrameSize): boolean => {
    const [short, long] = shortLong(s);
    return short >= lo[0] && short <= hi[0] && long >= lo[1] && long <= hi[1];
  };
  const first = sizes[0];
  const outside = first ? [first, ...sizes.filter((s, i) => i > 0 && dims(s) !== dims(sizes[i - 1]!))].filter((s) => !inRange(s)).map(dims) : [];
  const mismatched: string[] = [];
  for (let i = 0; i < Math.max(changes.length, codes.length); i++) {
    const change = changes[i];
    const code = codes[i];
    if (!change) mismatched.push(`a 1005 at ${rel(code!)} with no size change at the server`);
    else if (code === undefined) mismatched.push(`${change.from} -> ${change.to} (${when(change)}) with no 1005`);
    else if (code < Math.min(change.madeFrom - RESIZE_LEAD_MS, change.lastOldMadeFrom) || code > change.arrivedAt + RESIZE_LAG_MS) {
      const gap = change.madeFrom - change.lastOldMadeFrom > RESIZE_LEAD_MS ? `, the last frame of the old size made from ${rel(change.lastOldMadeFrom)}` : '';
      mismatched.push(`${change.from} -> ${change.to} (${when(change)}${gap}), its 1005 at ${rel(code)}`);
    }
  }
  const area = (d: string): number => d.split('x').map(Number).reduce((a, b) => a * b, 1);
  const down = changes.find((c) => area(c.to) < area(c.from) && c.madeFrom >= input.lowFrom && c.madeFrom < input.lowUntil);
  const steppedDown = down
    ? `yes: ${down.from} -> ${down.to} (${when(down)})`
    : `no: no change to a smaller size made between ${rel(input.lowFrom)} and ${rel(input.lowUntil)}`;
  const summary =
    `sizes at the server (range ${dims(range.min)} .. ${dims(range.max)}): ${first ? dims(first) : 'none'} first; ` +
    `changes: ${changes.map((c) => `${c.from} -> ${c.to} ${when(c)}`).join(', ') || 'none'}; 1005 received at ${codes.map(rel).join(', ') || 'none'}`;
  return { changes: changes.map((c) => ({ ...c, madeFrom: c.madeFrom - origin, arrivedAt: c.arrivedAt - origin, lastOldMadeFrom: c.lastOldMadeFrom - origin })), outside, mismatched, steppedDown, summary };
}
