// The bitrate controller on synthetic links of known capacity: a simulated encoder produces the
// controller's target plus audio, a simulated uplink drains at most its capacity, the queue is
// the difference. Spec: live-pusher.zh.md min-bitrate / max-bitrate, 状态码 1006 / 1101 / 1005.
import { describe, expect, it } from 'vitest';
import { ADAPT_TICK_MS, BitrateAdapter, DEFAULT_TUNING, resolutionAt, type AdapterDecision } from '../../reference-pusher/bitrate-adapter.ts';

const BOUNDS = { minKbps: 200, maxKbps: 1200, audioKbps: 64 };
const BITS_PER_BYTE = 8;

interface Step {
  at: number;
  targetKbps: number;
  decisions: AdapterDecision[];
  queuedBytes: number;
}

/** Runs `ms` of a link whose capacity (kbps) is `capacity(t)`; returns every tick. With
 *  `hiddenBytes`, a buffer of that size sits in front of the bottleneck and takes what it cannot
 *  yet send (a proxy's socket buffers): the pusher's queue grows only once it is full. */
function simulate(
  adapter: BitrateAdapter,
  ms: number,
  capacity: (t: number) => number,
  start = { t: 0, sent: 0, queued: 0, hidden: 0, delivered: 0 },
  hiddenBytes = 0,
  acknowledged = false,
): { steps: Step[]; end: typeof start } {
  let { t, sent, queued, hidden, delivered } = start;
  const steps: Step[] = [];
  while (t < start.t + ms) {
    t += ADAPT_TICK_MS;
    const produced = ((adapter.targetKbps + BOUNDS.audioKbps) * ADAPT_TICK_MS) / BITS_PER_BYTE;
    const linkBytes = (capacity(t) * ADAPT_TICK_MS) / BITS_PER_BYTE;
    const drained = Math.min(hidden, linkBytes);
    hidden -= drained;
    const room = (capacity(t) * ADAPT_TICK_MS) / BITS_PER_BYTE - drained + (hiddenBytes - hidden);
    const backlog = queued + produced;
    const out = Math.min(backlog, room);
    hidden += Math.max(0, out - ((capacity(t) * ADAPT_TICK_MS) / BITS_PER_BYTE - drained));
    sent += out;
    delivered += Math.min(linkBytes, drained + out);
    queued = backlog - out;
    const decisions = adapter.tick({ now: t, bytesSent: sent, queuedBytes: queued, connected: true, ...(acknowledged ? { bytesDelivered: delivered } : {}) });
    steps.push({ at: t, targetKbps: adapter.targetKbps, decisions, queuedBytes: queued });
  }
  return { steps, end: { t, sent, queued, hidden, delivered } };
}

function firstChange(steps: Step[]): Step | undefined {
  return steps.find((s) => s.decisions.some((d) => d.kind === 'bitrate'));
}

describe('BitrateAdapter', () => {
  it('holds max-bitrate on a link that carries it', () => {
    const a = new BitrateAdapter(BOUNDS);
    const { steps } = simulate(a, 20_000, () => 5000);
    expect(steps.every((s) => s.decisions.length === 0)).toBe(true);
    expect(a.targetKbps).toBe(1200);
  });

  it('goes down within 2 s of a 400 kbps cap, to what the cap carries, and stays within [min, max]', () => {
    const a = new BitrateAdapter(BOUNDS);
    const { steps } = simulate(a, 10_000, () => 400);
    const change = firstChange(steps);
    expect(change).toBeDefined();
    expect(change!.at).toBeLessThanOrEqual(2000);
    const settled = steps.filter((s) => s.at >= 3000).map((s) => s.targetKbps);
    for (const kbps of settled) {
      expect(kbps).toBeGreaterThanOrEqual(BOUNDS.minKbps);
      expect(kbps + BOUNDS.audioKbps).toBeLessThanOrEqual(400);
    }
    // Within 25 % of what the cap leaves for video (400 - 64 = 336 kbps).
    expect(steps[steps.length - 1]!.targetKbps).toBeGreaterThan(336 * 0.75);
  });

  it('under a sustained cap the queue stays bounded (probes above the cap are brief)', () => {
    const a = new BitrateAdapter(BOUNDS);
    const { steps } = simulate(a, 30_000, () => 400);
    const maxQueueS = Math.max(...steps.filter((s) => s.at > 5000).map((s) => (s.queuedBytes * BITS_PER_BYTE) / 400 / 1000));
    expect(maxQueueS).toBeLessThan(3);
  });

  it('behind a hidden buffer, no probe over what the link carried at the last congestion: the mean stays under the cap', () => {
    // As status-codes/1006/capped-uplink: clean, then 16 s capped, judged from 4 s after the first
    // step down to the end of the cap. A probe past the cap fills the hidden buffer unseen, so a
    // doubling probe would stand over the cap for seconds.
    const a = new BitrateAdapter(BOUNDS);
    const hidden = 250 * 1024;
    const cap = 700;
    const { steps } = simulate(a, 20_000, (t) => (t <= 4000 ? 5000 : cap), undefined, hidden);
    const first = firstChange(steps);
    expect(first).toBeDefined();
    const judged = steps.filter((s) => s.at > first!.at + 4000);
    const mean = judged.reduce((n, s) => n + s.targetKbps, 0) / judged.length;
    expect(mean + BOUNDS.audioKbps).toBeLessThanOrEqual(cap);
    // ... and still uses most of it, stepping up after the congestion that overshot.
    expect(mean + BOUNDS.audioKbps).toBeGreaterThan(cap * 0.75);
    // The step up after the congestion goes to what the link carried then, not past it.
    const ups = steps.flatMap((s) => s.decisions).filter((d) => d.kind === 'bitrate' && d.toKbps > d.fromKbps);
    expect(ups.length).toBeGreaterThan(0);
    expect(ups[0]!.kind === 'bitrate' && ups[0]!.toKbps + BOUNDS.audioKbps).toBeLessThanOrEqual(cap);
  });

  it('steps down by the rate the server acknowledged, not by what the buffers beyond the socket took', () => {
    const cap = 700;
    const stepDown = (acknowledged: boolean) => {
      const a = new BitrateAdapter(BOUNDS);
      const { steps } = simulate(a, 10_000, (t) => (t <= 4000 ? 5000 : cap), undefined, 250 * 1024, acknowledged);
      const d = firstChange(steps)!.decisions.find((x) => x.kind === 'bitrate')!;
      return d.kind === 'bitrate' ? d.toKbps : NaN;
    };
    // By the acknowledged rate: at most what the cap carries less audio, with the headroom.
    expect(stepDown(true) + BOUNDS.audioKbps).toBeLessThanOrEqual(cap * DEFAULT_TUNING.headroom);
    // By the socket's rate the hidden buffer inflates it past the cap.
    expect(stepDown(false) + BOUNDS.audioKbps).toBeGreaterThan(cap);
  });

  it('holds at the ceiling (clear) for ceilingHoldMs before a gentle probe past it', () => {
    const a = new BitrateAdapter(BOUNDS);
    const { steps } = simulate(a, 40_000, (t) => (t <= 4000 ? 5000 : 700), undefined, 250 * 1024);
    const ups = steps.filter((s) => s.decisions.some((d) => d.kind === 'bitrate' && d.toKbps > d.fromKbps));
    expect(ups.length).toBeGreaterThanOrEqual(2);
    expect(ups[1]!.at - ups[0]!.at).toBeGreaterThanOrEqual(DEFAULT_TUNING.ceilingHoldMs);
    expect(ups[1]!.targetKbps).toBe(Math.round(ups[0]!.targetKbps * DEFAULT_TUNING.aboveCeilingFactor));
  });

  it('after an uplink below min-bitrate, the step up once it lifts is fast (no ceiling from a link that carried less than the minimum)', () => {
    const a = new BitrateAdapter(BOUNDS);
    const busy = simulate(a, 10_000, () => 150);
    expect(a.targetKbps).toBe(BOUNDS.minKbps);
    const lifted = simulate(a, 12_000, () => 5000, busy.end);
    const ups = lifted.steps.flatMap((s) => s.decisions).filter((d) => d.kind === 'bitrate');
    expect(ups[0]).toMatchObject({ fromKbps: BOUNDS.minKbps, toKbps: BOUNDS.minKbps * 2 });
    expect(a.targetKbps).toBe(BOUNDS.maxKbps);
  });

  it('goes back up to max-bitrate within 20 s once a cap lifts (the ceiling the cap left is held, then probed past gently)', () => {
    const a = new BitrateAdapter(BOUNDS);
    const capped = simulate(a, 10_000, () => 400);
    expect(a.targetKbps).toBeLessThan(400);
    const lifted = simulate(a, 20_000, () => 5000, capped.end);
    expect(lifted.steps[lifted.steps.length - 1]!.targetKbps).toBe(1200);
    expect(lifted.steps.every((s) => s.decisions.every((d) => d.kind !== 'busy'))).toBe(true);
  });

  it('never goes below min-bitrate, and says 1101 (busy) when the link cannot carry it, at most every 5 s', () => {
    const a = new BitrateAdapter(BOUNDS);
    const { steps } = simulate(a, 12_000, () => 150);
    expect(Math.min(...steps.map((s) => s.targetKbps))).toBe(BOUNDS.minKbps);
    const busy = steps.filter((s) => s.decisions.some((d) => d.kind === 'busy'));
    expect(busy.length).toBeGreaterThanOrEqual(2);
    // The first congestion drops to min-bitrate; the next one, after the hold, confirms it: 1101.
    expect(busy[0]!.at).toBeLessThanOrEqual(4000);
    for (let i = 1; i < busy.length; i++) expect(busy[i]!.at - busy[i - 1]!.at).toBeGreaterThanOrEqual(5000);
  });

  it('a source that stalls (a few KB queued at a tiny send rate) is no congestion', () => {
    const a = new BitrateAdapter(BOUNDS);
    // 8 KB wait in front of a socket that sent 50 kbps (the encoder made little): 1.3 s of sending
    // time at that rate, but under 250 ms of what the encoder makes at max-bitrate.
    const decisions = [0, 500, 1000, 1500, 2000].flatMap((t) => a.tick({ now: t, bytesSent: (t * 50) / 8, queuedBytes: 8 * 1024, connected: true }));
    expect(decisions).toEqual([]);
    expect(a.targetKbps).toBe(BOUNDS.maxKbps);
  });

  it('a link that does not move at all is congested (no division by a zero rate)', () => {
    const a = new BitrateAdapter(BOUNDS);
    const { steps } = simulate(a, 8000, (t) => (t <= 1000 ? 5000 : 0));
    expect(a.targetKbps).toBe(BOUNDS.minKbps);
    expect(steps.some((s) => s.decisions.some((d) => d.kind === 'busy'))).toBe(true);
  });

  it('frames dropped since the last sample are congestion even with a short queue: no step up while dropping', () => {
    const a = new BitrateAdapter(BOUNDS);
    // A link that carries 1400 kbps: max-bitrate holds, the queue stays empty.
    let sent = 0;
    let now = 0;
    const tick = (droppedFrames: number) => {
      now += ADAPT_TICK_MS;
      sent += (150 * 1000 * ADAPT_TICK_MS) / (BITS_PER_BYTE * 1000);
      return a.tick({ now, bytesSent: sent, queuedBytes: 0, connected: true, droppedFrames });
    };
    for (let i = 0; i < 8; i++) expect(tick(0)).toEqual([]);
    // Sending 150 kbps with an empty queue (the pusher drops what waits): each drop is congestion.
    const down = tick(12);
    expect(down[0]).toMatchObject({ kind: 'bitrate', fromKbps: 1200, toKbps: BOUNDS.minKbps });
    expect(down.some((d) => d.kind === 'busy')).toBe(true);
    expect((down[0] as { why: string }).why).toMatch(/12 frames dropped/);
    // Dropping on, queue empty: never clear, never up.
    for (let i = 0; i < 20; i++) expect(tick(12 + (i + 1) * 3).filter((d) => d.kind === 'bitrate')).toEqual([]);
    expect(a.targetKbps).toBe(BOUNDS.minKbps);
  });

  it('the stale media dropped right after a reconnect is not congestion', () => {
    const a = new BitrateAdapter(BOUNDS);
    simulate(a, 4000, () => 5000);
    expect(a.tick({ now: 4500, bytesSent: 1e6, queuedBytes: 0, connected: false, droppedFrames: 0 })).toEqual([]);
    // Reconnected: the backlog of the outage is dropped at the first keyframe, then the link carries max-bitrate.
    let sent = 1e6;
    const decisions: AdapterDecision[] = [];
    for (let i = 1; i <= 12; i++) {
      sent += (1400 * ADAPT_TICK_MS) / BITS_PER_BYTE;
      decisions.push(...a.tick({ now: 4500 + i * ADAPT_TICK_MS, bytesSent: sent, queuedBytes: 0, connected: true, droppedFrames: i >= 2 ? 40 : 0 }));
    }
    expect(decisions).toEqual([]);
    expect(a.targetKbps).toBe(1200);
  });

  it('a disconnection is not congestion and restarts the rate window', () => {
    const a = new BitrateAdapter(BOUNDS);
    simulate(a, 2000, () => 5000);
    expect(a.tick({ now: 2500, bytesSent: 1e6, queuedBytes: 0, connected: false })).toEqual([]);
    expect(a.sendRateKbps()).toBeUndefined();
    expect(a.targetKbps).toBe(1200);
  });

  it('new bounds clamp the target; a new max-bitrate starts from it', () => {
    const a = new BitrateAdapter(BOUNDS);
    simulate(a, 6000, () => 400);
    a.setBounds({ ...BOUNDS, minKbps: 350 });
    expect(a.targetKbps).toBe(350);
    a.setBounds({ ...BOUNDS, minKbps: 350, maxKbps: 900 });
    expect(a.targetKbps).toBe(900);
  });

  it('a preset steps to its low resolution in the lower half of its bitrate range', () => {
    const range = { low: { width: 190, height: 320 }, high: { width: 360, height: 640 }, minKbps: 200, maxKbps: 800 };
    expect(resolutionAt(range, 800)).toEqual(range.high);
    expect(resolutionAt(range, 500)).toEqual(range.high);
    expect(resolutionAt(range, 499)).toEqual(range.low);
    expect(resolutionAt(range, 200)).toEqual(range.low);
  });
});
