// Leases (adapters/lab/lease.ts): one holder per physical resource; a second run is refused
// naming the holder; expired leases and leases of dead processes are taken over; all or none.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLeases, currentHolders, LeaseHeldError, rigResources } from '../../../adapters/lab/lease.ts';
import { validateRig } from '../../../rig/load.ts';

const TTL_MS = 10_000;
/** A pid that no process has: above the kernel's pid_max default (4194304). */
const DEAD_PID = 4_194_305;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lpb-lease-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function foreignLease(resource: string, fields: { host?: string; pid?: number; expiresAt: string }): void {
  const file = join(dir, `${resource.replace(/[^A-Za-z0-9_.-]/g, '_')}.lease`);
  writeFileSync(file, JSON.stringify({ resource, owner: { host: fields.host ?? 'lab-2', pid: fields.pid ?? 1, user: 'ci', purpose: 'nightly', token: 't' }, acquiredAt: '2026-01-01T00:00:00.000Z', expiresAt: fields.expiresAt }));
}

describe('leases', () => {
  it('the physical resources of a rig are its leases; synthetic and file sources need none', () => {
    const rig = validateRig(
      { camera: { front: { kind: 'v4l2', id: 'serial:046d_C920_A1' }, back: { kind: 'v4l2loopback', device: '/dev/video10' } }, microphone: { kind: 'pulse-virtual' }, serial: { relay: { port: '/dev/ttyUSB0' } } },
      '/x/rig.yaml',
    );
    expect(rigResources(rig)).toEqual(['pulse-sink:lpb_virtual_mic', 'serial:/dev/ttyUSB0', 'v4l2:/dev/video10', 'v4l2:serial:046d_C920_A1']);
    expect(rigResources(validateRig({}, '/x/rig.yaml'))).toEqual([]);
  });

  it('a second run is refused naming the holder; after release it gets the lease', () => {
    const a = acquireLeases(['v4l2:/dev/video0'], { dir, ttlMs: TTL_MS, purpose: 'run A' });
    let err: unknown;
    try {
      acquireLeases(['v4l2:/dev/video0'], { dir, ttlMs: TTL_MS, purpose: 'run B' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LeaseHeldError);
    expect((err as Error).message).toContain(`v4l2:/dev/video0 is leased by`);
    expect((err as Error).message).toContain(`@${hostname()} pid ${process.pid} (run A) until`);
    expect(currentHolders(['v4l2:/dev/video0'], dir).get('v4l2:/dev/video0')?.owner.purpose).toBe('run A');
    a.close();
    a.close();
    const b = acquireLeases(['v4l2:/dev/video0'], { dir, ttlMs: TTL_MS, purpose: 'run B' });
    expect(b.takenOver).toEqual([]);
    b.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over an expired lease and a lease of a dead process on this host, saying why', () => {
    foreignLease('v4l2:/dev/video0', { expiresAt: '2020-01-01T00:00:00.000Z' });
    foreignLease('alsa:hw:1,0', { host: hostname(), pid: DEAD_PID, expiresAt: '2999-01-01T00:00:00.000Z' });
    const l = acquireLeases(['v4l2:/dev/video0', 'alsa:hw:1,0'], { dir, ttlMs: TTL_MS, purpose: 'run C' });
    expect(l.takenOver).toEqual([
      { resource: 'v4l2:/dev/video0', reason: 'expired at 2020-01-01T00:00:00.000Z' },
      { resource: 'alsa:hw:1,0', reason: `owner pid ${DEAD_PID} is gone` },
    ]);
    l.close();
  });

  it('a live lease of another host is respected even when its pid is unknown here', () => {
    foreignLease('serial:/dev/ttyUSB0', { host: 'lab-2', pid: DEAD_PID, expiresAt: '2999-01-01T00:00:00.000Z' });
    expect(() => acquireLeases(['serial:/dev/ttyUSB0'], { dir, purpose: 'run D' })).toThrow(/leased by ci@lab-2 pid 4194305 \(nightly\)/);
  });

  it('all or none: a busy second resource releases the first', () => {
    foreignLease('pulse:mic', { expiresAt: '2999-01-01T00:00:00.000Z' });
    expect(() => acquireLeases(['alsa:hw:0', 'pulse:mic'], { dir, purpose: 'run E' })).toThrow(LeaseHeldError);
    expect(existsSync(join(dir, 'alsa_hw_0.lease'))).toBe(false);
  });

  it('renew pushes the expiry forward', () => {
    let now = Date.parse('2026-12-01T00:00:00.000Z');
    const l = acquireLeases(['v4l2:/dev/video1'], { dir, ttlMs: TTL_MS, purpose: 'run F', now: () => now });
    const file = join(dir, 'v4l2__dev_video1.lease');
    expect(JSON.parse(readFileSync(file, 'utf8')).expiresAt).toBe('2026-12-01T00:00:10.000Z');
    now += 5_000;
    l.renew();
    const rec = JSON.parse(readFileSync(file, 'utf8'));
    expect(rec.expiresAt).toBe('2026-12-01T00:00:15.000Z');
    expect(rec.acquiredAt).toBe('2026-12-01T00:00:00.000Z');
    l.close();
  });
});
