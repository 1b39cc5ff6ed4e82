// The session tests' server: the scriptable fault server (adapters/server/fault-server.ts) with a
// recorder of everything the client sent (commands, media, data, acknowledgements, ping
// responses, window sizes), and waitFor() on it.
import { FaultServer, type FaultScript, type WireOptions } from '../../adapters/server/fault-server.ts';
import { decodeMessage } from '../../protocol/rtmp/messages.ts';
import type { RtmpCommand } from '../../protocol/rtmp/commands.ts';
import type { RtmpMessage } from '../../protocol/rtmp/message.ts';

export class FakeRtmpServer {
  readonly commands: RtmpCommand[] = [];
  readonly media: RtmpMessage[] = [];
  readonly data: RtmpMessage[] = [];
  readonly acks: number[] = [];
  readonly pingResponses: number[] = [];
  readonly windowAckSizesFromClient: number[] = [];
  private listeners: (() => void)[] = [];

  private constructor(readonly fault: FaultServer) {
    fault.on('message', (m) => this.record(m));
  }

  static async start(script: FaultScript = { kind: 'accept' }, wire: WireOptions = {}): Promise<FakeRtmpServer> {
    return new FakeRtmpServer(await FaultServer.start(script, { wire }));
  }

  url(stream = 'stream', app = 'live'): string {
    return this.fault.url(app, stream);
  }

  /** Resolves once pred() holds (checked whenever a message arrives), rejects after timeoutMs. */
  waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pred()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error('fake server: condition not met in time'));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
      };
      this.listeners.push(check);
    });
  }

  close(): Promise<void> {
    return this.fault.close();
  }

  private record(m: RtmpMessage): void {
    const d = decodeMessage(m);
    if (d.kind === 'audio' || d.kind === 'video') this.media.push(m);
    else if (d.kind === 'data') this.data.push(m);
    else if (d.kind === 'acknowledgement') this.acks.push(d.sequenceNumber);
    else if (d.kind === 'window-ack-size') this.windowAckSizesFromClient.push(d.size);
    else if (d.kind === 'user-control' && d.event.event === 'ping-response') this.pingResponses.push(d.event.timestamp);
    else if (d.kind === 'command') this.commands.push(d.command);
    for (const l of [...this.listeners]) l();
  }
}
