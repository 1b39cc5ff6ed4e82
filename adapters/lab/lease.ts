// Leases on physical rig resources (issue 11 "Rig health and sharing": two runs never share one
// physical camera): one lock file per resource, holding its owner (host, pid, user, run) and an
// expiry. Taken with O_EXCL; a lease past its expiry, or held by a dead process on this host,
// is taken over (renamed away first, so two runs taking over at once cannot both win).
// Held leases are renewed every third of their time to live and released on close().
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { SIMULATED_SERIAL_PORT, type Rig } from '../../rig/types.ts';

export const DEFAULT_LEASE_DIR = '/tmp/lpbench-leases';
export const LEASE_DIR_ENV = 'LPB_LEASE_DIR';
/** A run renews its leases every ttl/3; a lease not renewed for this long is free. */
export const DEFAULT_LEASE_TTL_MS = 60_000;
const RENEW_FRACTION = 3;

export interface LeaseOwner {
  host: string;
  pid: number;
  user: string;
  /** What holds it, in words ("lpbench conformance --rig lab.yaml"). */
  purpose: string;
  token: string;
}

export interface LeaseRecord {
  resource: string;
  owner: LeaseOwner;
  acquiredAt: string;
  expiresAt: string;
}

export class LeaseHeldError extends Error {
  constructor(
    readonly resource: string,
    readonly holder: LeaseRecord,
    readonly file: string,
  ) {
    super(
      `${resource} is leased by ${holder.owner.user}@${holder.owner.host} pid ${holder.owner.pid} (${holder.owner.purpose}) until ${holder.expiresAt}; ` +
        `wait for that run to end, or if it is gone, delete ${file}`,
    );
    this.name = 'LeaseHeldError';
  }
}

/** The physical resources of a rig, as lease keys; synthetic and file sources need none. */
export function rigResources(rig: Rig): string[] {
  const keys = new Set<string>();
  for (const position of ['front', 'back'] as const) {
    const cam = rig.camera[position];
    if (cam.kind === 'v4l2') keys.add('id' in cam ? `v4l2:${cam.id}` : `v4l2:${cam.device}`);
    if (cam.kind === 'v4l2loopback') keys.add(`v4l2:${cam.device}`);
  }
  const mic = rig.microphone;
  if (mic.kind === 'pulse') keys.add(`pulse:${mic.source}`);
  if (mic.kind === 'pulse-virtual') keys.add(`pulse-sink:${mic.sink}`);
  if (mic.kind === 'alsa') keys.add(`alsa:${mic.device}`);
  const speaker = rig.speaker;
  if (speaker?.kind === 'pulse') keys.add(`pulse-sink:${speaker.sink}`);
  if (speaker?.kind === 'alsa') keys.add(`alsa-out:${speaker.device}`);
  for (const gear of ['relay', 'marker'] as const) {
    const port = rig.serial?.[gear]?.port;
    // a simulated device is made per run on its own pty pair: nothing shared to lease
    if (port && port !== SIMULATED_SERIAL_PORT) keys.add(`serial:${port}`);
  }
  return [...keys].sort();
}

function fileFor(dir: string, resource: string): string {
  return join(dir, `${resource.replace(/[^A-Za-z0-9_.-]/g, '_')}.lease`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readRecord(file: string): LeaseRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LeaseRecord;
  } catch {
    return undefined;
  }
}

/** Why a held lease may be taken over, or undefined when it is live. */
export function staleReason(record: LeaseRecord | undefined, now: number, host = hostname()): string | undefined {
  if (!record || typeof record.expiresAt !== 'string' || !record.owner) return 'unreadable lease file';
  if (Date.parse(record.expiresAt) <= now) return `expired at ${record.expiresAt}`;
  if (record.owner.host === host && !pidAlive(record.owner.pid)) return `owner pid ${record.owner.pid} is gone`;
  return undefined;
}

export interface Leases {
  resources: string[];
  owner: LeaseOwner;
  /** Resources taken over from stale leases, with why. */
  takenOver: { resource: string; reason: string }[];
  renew(): void;
  close(): void;
}

export interface LeaseOptions {
  dir?: string;
  ttlMs?: number;
  purpose: string;
  now?: () => number;
}

/** Takes every resource or none; throws LeaseHeldError naming the holder of the first busy one. */
export function acquireLeases(resources: readonly string[], opts: LeaseOptions): Leases {
  const dir = opts.dir ?? process.env[LEASE_DIR_ENV] ?? DEFAULT_LEASE_DIR;
  const ttlMs = opts.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const now = opts.now ?? Date.now;
  const owner: LeaseOwner = { host: hostname(), pid: process.pid, user: userInfo().username, purpose: opts.purpose, token: randomUUID() };
  mkdirSync(dir, { recursive: true });
  const held: string[] = [];
  const takenOver: Leases['takenOver'] = [];
  const record = (resource: string, acquiredAt: string): LeaseRecord => ({
    resource,
    owner,
    acquiredAt,
    expiresAt: new Date(now() + ttlMs).toISOString(),
  });
  const acquiredAt = new Map<string, string>();

  const releaseAll = (): void => {
    for (const resource of held.splice(0)) {
      const file = fileFor(dir, resource);
      if (readRecord(file)?.owner.token === owner.token) {
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      }
    }
  };

  try {
    for (const resource of resources) {
      const file = fileFor(dir, resource);
      for (let attempt = 0; ; attempt++) {
        try {
          const at = new Date(now()).toISOString();
          writeFileSync(file, JSON.stringify(record(resource, at), null, 2), { flag: 'wx' });
          acquiredAt.set(resource, at);
          held.push(resource);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
            const holder = readRecord(file);
            if (holder) throw new LeaseHeldError(resource, holder, file);
            throw err;
          }
          const holder = readRecord(file);
          const reason = staleReason(holder, now());
          if (!reason) throw new LeaseHeldError(resource, holder!, file);
          try {
            renameSync(file, `${file}.stale-${owner.token}`);
            unlinkSync(`${file}.stale-${owner.token}`);
            takenOver.push({ resource, reason });
          } catch {
            // another run renamed it first; the retry will find its lease
          }
        }
      }
    }
  } catch (err) {
    releaseAll();
    throw err;
  }

  const renew = (): void => {
    for (const resource of held) {
      const file = fileFor(dir, resource);
      if (readRecord(file)?.owner.token !== owner.token) continue; // taken over after we stalled: not ours
      writeFileSync(file, JSON.stringify(record(resource, acquiredAt.get(resource)!), null, 2));
    }
  };
  const timer = held.length > 0 ? setInterval(renew, ttlMs / RENEW_FRACTION) : undefined;
  timer?.unref();
  return {
    resources: [...held],
    owner,
    takenOver,
    renew,
    close() {
      if (timer) clearInterval(timer);
      releaseAll();
    },
  };
}

/** Who holds each of these resources right now (live leases only). */
export function currentHolders(resources: readonly string[], dir = process.env[LEASE_DIR_ENV] ?? DEFAULT_LEASE_DIR, now = Date.now()): Map<string, LeaseRecord> {
  const out = new Map<string, LeaseRecord>();
  for (const resource of resources) {
    const rec = readRecord(fileFor(dir, resource));
    if (rec && !staleReason(rec, now)) out.set(resource, rec);
  }
  return out;
}
