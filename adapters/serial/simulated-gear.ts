// A simulated relay or marker speaking the line protocol (adapters/serial/line-protocol.ts), for
// CI and desks without lab gear: handle() answers one request line as the firmware would;
// attach() serves a byte stream (a socat pty end opened with @serialport/stream, or a mock
// port). onPower lets a rig wire a channel to something it can really cut (a feeder process).
import type { Duplex } from 'node:stream';
import {
  CHANNELS,
  formatReply,
  LineProtocolError,
  LineSplitter,
  parseRequest,
  PROTOCOL_VERSION,
  type Channel,
  type GearKind,
  type Reply,
} from './line-protocol.ts';

const US_PER_MS = 1000;

export interface SimulatedGearOptions {
  gear: GearKind;
  /** Called when the relay switches a channel (after the state changed, before the reply). */
  onPower?: (channel: Channel, on: boolean) => void;
  /** Called when the marker lights mark n. */
  onMark?: (n: number) => void;
  /** Device clock in µs (default: the host's monotonic clock). */
  nowUs?: () => number;
}

export class SimulatedGear {
  readonly power = new Map<Channel, boolean>(CHANNELS.map((c) => [c, true]));
  private readonly nowUs: () => number;

  constructor(private readonly opts: SimulatedGearOptions) {
    this.nowUs = opts.nowUs ?? (() => Math.round(performance.now() * US_PER_MS));
  }

  /** The reply line (with "\n") to one request line. */
  handle(line: string): string {
    return formatReply(this.answer(line));
  }

  private answer(line: string): Reply {
    try {
      const r = parseRequest(line);
      switch (r.cmd) {
        case 'HELLO':
          return { kind: 'hello', gear: this.opts.gear, version: PROTOCOL_VERSION, model: `lpbench simulated ${this.opts.gear}` };
        case 'PING':
          return { kind: 'pong' };
        case 'POWER':
          if (this.opts.gear !== 'relay') return { kind: 'error', code: 'not-supported', detail: `a ${this.opts.gear} has no relay` };
          this.power.set(r.channel, r.on);
          this.opts.onPower?.(r.channel, r.on);
          return { kind: 'power', channel: r.channel, on: r.on };
        case 'STATE':
          if (this.opts.gear !== 'relay') return { kind: 'error', code: 'not-supported', detail: `a ${this.opts.gear} has no relay` };
          return { kind: 'state', channel: r.channel, on: this.power.get(r.channel) ?? true };
        case 'MARK': {
          if (this.opts.gear !== 'marker') return { kind: 'error', code: 'not-supported', detail: `a ${this.opts.gear} has no marker` };
          const deviceUs = this.nowUs();
          this.opts.onMark?.(r.n);
          return { kind: 'mark', n: r.n, deviceUs };
        }
      }
    } catch (err) {
      if (err instanceof LineProtocolError) return { kind: 'error', code: err.code, detail: err.message };
      throw err;
    }
  }

  /** Answers every line arriving on `port`; returns a function that stops serving. */
  attach(port: Duplex): () => void {
    const lines = new LineSplitter();
    const onData = (chunk: Buffer): void => {
      for (const line of lines.push(chunk)) if (line.trim()) port.write(this.handle(line));
    };
    port.on('data', onData);
    return () => port.off('data', onData);
  }
}
