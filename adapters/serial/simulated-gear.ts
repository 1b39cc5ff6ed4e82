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
  /** Called when the relay switches a channel; the reply waits for it (attach/respond), and its
   *  failure is answered `ERR switch-failed`. */
  onPower?: (channel: Channel, on: boolean) => void | Promise<void>;
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

  /** The reply line (with "\n") to one request line, without waiting for a switch to finish. */
  handle(line: string): string {
    return formatReply(this.answer(line).reply);
  }

  /** The reply line to one request line once its switch (onPower) has finished. */
  async respond(line: string): Promise<string> {
    const { reply, effect } = this.answer(line);
    if (!effect) return formatReply(reply);
    try {
      await effect;
      return formatReply(reply);
    } catch (err) {
      return formatReply({ kind: 'error', code: 'switch-failed', detail: (err as Error).message });
    }
  }

  private answer(line: string): { reply: Reply; effect?: Promise<void> } {
    let effect: Promise<void> | undefined;
    const reply = this.reply(line, (e) => (effect = e));
    return { reply, ...(effect ? { effect } : {}) };
  }

  private reply(line: string, setEffect: (e: Promise<void>) => void): Reply {
    try {
      const r = parseRequest(line);
      switch (r.cmd) {
        case 'HELLO':
          return { kind: 'hello', gear: this.opts.gear, version: PROTOCOL_VERSION, model: `lpbench simulated ${this.opts.gear}` };
        case 'PING':
          return { kind: 'pong' };
        case 'POWER':
          if (this.opts.gear !== 'relay') return { kind: 'error', code: 'not-supported', detail: `a ${this.opts.gear} has no relay` };
          // the channel's state changes once the switch has happened (a failed switch leaves it as it was)
          setEffect(Promise.resolve(this.opts.onPower?.(r.channel, r.on)).then(() => void this.power.set(r.channel, r.on)));
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
    let answered = Promise.resolve();
    const onData = (chunk: Buffer): void => {
      for (const line of lines.push(chunk)) {
        if (line.trim()) answered = answered.then(async () => void port.write(await this.respond(line)));
      }
    };
    port.on('data', onData);
    return () => port.off('data', onData);
  }
}
