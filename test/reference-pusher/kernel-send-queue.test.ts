// The kernel's send queue of one connection, from /proc/net/tcp text of known content and from a
// real loopback connection whose reader does not read (live-pusher.zh.md 状态码 1101, netstatus).
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { KernelSendQueue, parseSendQueue } from '../../reference-pusher/kernel-send-queue.ts';

const TABLE = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
  '   1: 0100007F:A3F2 0100007F:9C41 01 0001F400:00000000 01:00000014 00000000     0        0 2 1 0 20 4 30 10 -1',
  '   2: 0100007F:9C41 0100007F:A3F2 01 00000000:00002000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1',
].join('\n');

describe('parseSendQueue', () => {
  it('reads tx_queue (hex) of the established connection with these local and remote ports', () => {
    expect(parseSendQueue(TABLE, 0xa3f2, 0x9c41)).toBe(0x1f400);
    expect(parseSendQueue(TABLE, 0x9c41, 0xa3f2)).toBe(0);
  });

  it('ignores listening sockets and unknown ports', () => {
    expect(parseSendQueue(TABLE, 0x0cea, 0)).toBeUndefined();
    expect(parseSendQueue(TABLE, 1234, 0x9c41)).toBeUndefined();
  });
});

describe('KernelSendQueue', () => {
  it('is 0 where /proc cannot be read', () => {
    const q = new KernelSendQueue(() => ({ local: 1, remote: 2 }), () => {
      throw new Error('ENOENT');
    });
    expect(q.bytes(0)).toBe(0);
  });

  it('keeps the last figure through a transient read failure and reads again after it', () => {
    const line = (tx: number) => `  sl  local_address rem_address   st tx_queue rx_queue\n   0: 0100007F:0001 0100007F:0002 01 ${tx.toString(16).padStart(8, '0')}:00000000\n`;
    let fail = false;
    let tx = 500;
    const q = new KernelSendQueue(() => ({ local: 1, remote: 2 }), () => {
      if (fail) throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
      return line(tx);
    });
    expect(q.bytes(0)).toBe(500);
    fail = true;
    expect(q.bytes(1)).toBe(500);
    fail = false;
    tx = 700;
    expect(q.bytes(2)).toBe(700);
  });

  it.runIf(process.platform === 'linux')('sees bytes a peer that does not read leaves in the kernel', async () => {
    const accepted: Socket[] = [];
    const server = createServer((s) => {
      s.pause();
      accepted.push(s);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    try {
      await new Promise<void>((r) => client.once('connect', () => r()));
      const q = new KernelSendQueue(() => ({ local: client.localPort, remote: client.remotePort }));
      expect(q.bytes(Date.now())).toBe(0);
      // More than the peer's receive buffer takes: the rest stays in our kernel's send queue.
      const total = 16 * 1024 * 1024;
      client.write(Buffer.alloc(total));
      const deadline = Date.now() + 3000;
      let queued = 0;
      while (Date.now() < deadline && queued === 0) {
        await new Promise((r) => setTimeout(r, 50));
        queued = q.bytes(Date.now());
      }
      expect(queued).toBeGreaterThan(0);
      expect(queued).toBeLessThanOrEqual(total);
    } finally {
      client.destroy();
      for (const s of accepted) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
