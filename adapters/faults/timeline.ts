// Impairment timelines as data ("500 kbps for 10 s, then down for 4 s, then up"), run on a clock
// against the impairment proxy (impairment-proxy.ts). Each step's actions are applied at the sum
// of the earlier steps' holdMs after the start (absolute times: no drift from slow actions), and
// the run records when each step really took effect (monotonic and wall clock), the truth a check
// compares the pusher's codes and netstatus with (live-pusher.zh.md 状态码 1101/1102/3005,
// 网络状态数据（info）).
import { performance } from 'node:perf_hooks';
import { sleepUntil } from './toxic-stages.ts';
import { validateToxic, type Toxic } from './toxics.ts';

export type TimelineAction =
  /** Adds the toxic, or replaces the one of that name (on open connections too). */
  | { op: 'set'; name: string; toxic: Toxic }
  /** Removes the toxic of that name (it must exist at that point of the timeline). */
  | { op: 'remove'; name: string }
  /** Removes every toxic. */
  | { op: 'clear' }
  /** Closes every connection and refuses new ones. */
  | { op: 'down' }
  /** Accepts connections again. */
  | { op: 'up' };

export interface TimelineStep {
  /** Applied in order, at the step's time. */
  apply: TimelineAction[];
  /** How long this step lasts before the next one (default 0); the last step's holdMs is waited
   *  too before the run resolves. */
  holdMs?: number;
}

/** When a step took effect. */
export interface AppliedStep {
  index: number;
  /** Planned offset from the start, ms. */
  plannedMs: number;
  /** Real offset from the start when its last action had been applied, ms. */
  appliedMs: number;
  /** Date.now() at that moment (to compare with wall-clock arrival times at a server). */
  appliedAtWall: number;
  apply: TimelineAction[];
}

export interface TimelineRun {
  /** Date.now() when the timeline started. */
  startedAtWall: number;
  applied: AppliedStep[];
  /** True when the signal stopped the run before its end (later steps were not applied). */
  aborted: boolean;
}

/** A monotonic clock in ms and a way to wait on it (the real one, or a test's). */
export interface Clock {
  now(): number;
  sleepUntil(t: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleepUntil: (t, signal) => sleepUntil(t, ...(signal ? [signal] : [])),
};

/** What a timeline acts on (the impairment proxy). */
export interface TimelineTarget {
  setToxic(name: string, toxic: Toxic): void;
  removeToxic(name: string): void;
  toxicNames(): string[];
  down(): Promise<void>;
  up(): Promise<void>;
}

/** Longest timeline accepted: one hour (a soak), longer is a typo. */
export const MAX_TIMELINE_MS = 3_600_000;

/** Throws a RangeError naming the step, the action and what is wrong; `existing` are the toxic
 *  names present when the timeline starts (a remove must name a toxic present at its step). */
export function validateTimeline(steps: readonly TimelineStep[], existing: readonly string[] = []): void {
  if (!Array.isArray(steps) || steps.length === 0) throw new RangeError('timeline: expected a non-empty array of steps');
  const names = new Set(existing);
  let total = 0;
  steps.forEach((step, index) => {
    const where = `timeline step ${index}`;
    if (step === null || typeof step !== 'object' || !Array.isArray(step.apply)) throw new RangeError(`${where}: expected {apply: action[], holdMs?}`);
    const hold = step.holdMs ?? 0;
    if (typeof hold !== 'number' || !Number.isFinite(hold) || hold < 0) throw new RangeError(`${where}: holdMs ${JSON.stringify(step.holdMs)} is not legal; expected a number >= 0`);
    total += hold;
    for (const action of step.apply) {
      const op = (action as { op?: unknown })?.op;
      switch (op) {
        case 'set':
          validateToxic((action as { name: string }).name, (action as { toxic: Toxic }).toxic);
          names.add((action as { name: string }).name);
          break;
        case 'remove': {
          const name = (action as { name: string }).name;
          if (!names.has(name)) throw new RangeError(`${where}: remove "${name}": no toxic of that name is set at this step (set: ${[...names].join(', ') || 'none'})`);
          names.delete(name);
          break;
        }
        case 'clear':
          names.clear();
          break;
        case 'down':
        case 'up':
          break;
        default:
          throw new RangeError(`${where}: op ${JSON.stringify(op)} is not legal; expected set, remove, clear, down or up`);
      }
    }
  });
  if (total > MAX_TIMELINE_MS) throw new RangeError(`timeline: lasts ${total} ms, more than the ${MAX_TIMELINE_MS} ms allowed`);
}

/** Runs the timeline against `target`; resolves (never rejects on abort) with what was applied when. */
export async function runTimeline(target: TimelineTarget, steps: readonly TimelineStep[], signal?: AbortSignal, clock: Clock = realClock): Promise<TimelineRun> {
  validateTimeline(steps, target.toxicNames());
  const start = clock.now();
  const run: TimelineRun = { startedAtWall: Date.now(), applied: [], aborted: false };
  let planned = 0;
  for (const [index, step] of steps.entries()) {
    await clock.sleepUntil(start + planned, signal);
    if (signal?.aborted) {
      run.aborted = true;
      return run;
    }
    for (const action of step.apply) await applyAction(target, action);
    run.applied.push({ index, plannedMs: planned, appliedMs: clock.now() - start, appliedAtWall: Date.now(), apply: step.apply });
    planned += step.holdMs ?? 0;
  }
  await clock.sleepUntil(start + planned, signal);
  run.aborted = signal?.aborted ?? false;
  return run;
}

async function applyAction(target: TimelineTarget, action: TimelineAction): Promise<void> {
  switch (action.op) {
    case 'set':
      return target.setToxic(action.name, action.toxic);
    case 'remove':
      return target.removeToxic(action.name);
    case 'clear':
      for (const name of target.toxicNames()) target.removeToxic(name);
      return;
    case 'down':
      return target.down();
    case 'up':
      return target.up();
  }
}
