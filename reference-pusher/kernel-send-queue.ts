// The bytes the kernel still holds for a TCP socket (its send queue: written by us, not yet
// acknowledged by the peer), read from /proc/net/tcp and /proc/net/tcp6 on Linux. Node exposes
// only its own queue in front of the socket (writableLength); on a congested uplink the kernel's
// autotuned send buffer (up to tcp_wmem's maximum, megabytes) absorbs seconds of media before
// that queue grows, so the pusher's congestion measure (bitrate-adapter.ts), its send rate and
// netstatus (videoCache, netSpeed) need this to see what really left the device.
// Spec: live-pusher.zh.md 状态码 1101 (上行带宽太小，上传数据受阻), 网络状态数据（info） netSpeed, videoCache.
import { readFileSync } from 'node:fs';

const PROC_FILES = ['/proc/net/tcp', '/proc/net/tcp6'];
/** When sending frames, one read of /proc serves this long (it is asked for every frame sent);
 *  measurements (send rate, netstatus) read it fresh. */
export const KERNEL_QUEUE_CACHE_MS = 100;
const TCP_ESTABLISHED = '01';

/** The tx_queue of the /proc/net/tcp line whose local and remote ports are these; undefined when absent. */
export function parseSendQueue(table: string, localPort: number, remotePort: number): number | undefined {
  const local = localPort.toString(16).toUpperCase().padStart(4, '0');
  const remote = remotePort.toString(16).toUpperCase().padStart(4, '0');
  for (const line of table.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // sl local_address rem_address st tx_queue:rx_queue ...
    if (cols.length < 5 || cols[3] !== TCP_ESTABLISHED) continue;
    if (!cols[1]!.toUpperCase().endsWith(`:${local}`) || !cols[2]!.toUpperCase().endsWith(`:${remote}`)) continue;
    const tx = cols[4]!.split(':')[0];
    if (!tx) continue;
    const n = Number.parseInt(tx, 16);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Reads the kernel send queue of one connection, at most every KERNEL_QUEUE_CACHE_MS. */
export class KernelSendQueue {
  private value = 0;
  private readAt = Number.NEGATIVE_INFINITY;
  private available = true;

  constructor(
    private readonly ports: () => { local?: number; remote?: number },
    private readonly read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
  ) {}

  /** Bytes the kernel holds unsent or unacknowledged, read at most `maxAgeMs` ago; 0 where /proc
   *  cannot tell (not Linux). */
  bytes(now: number, maxAgeMs = 0): number {
    if (!this.available || (maxAgeMs > 0 && now - this.readAt < maxAgeMs)) return this.value;
    this.readAt = now;
    const { local, remote } = this.ports();
    if (local === undefined || remote === undefined) return this.value;
    let found: number | undefined;
    let readable = false;
    let missing = true;
    for (const path of PROC_FILES) {
      let table: string;
      try {
        table = this.read(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') missing = false;
        continue;
      }
      readable = true;
      found = parseSendQueue(table, local, remote);
      if (found !== undefined) break;
    }
    if (!readable) {
      // No /proc (not Linux): 0 from now on. A read that failed otherwise (EMFILE on a loaded
      // machine) keeps the last figure and is tried again next time, rather than leaving the
      // pusher blind to its send queue for the rest of the push.
      if (missing) this.available = false;
      return this.value;
    }
    this.value = found ?? 0;
    return this.value;
  }
}
