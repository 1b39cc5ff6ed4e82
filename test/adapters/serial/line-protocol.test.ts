// The serial line protocol (adapters/serial/line-protocol.ts): every request and reply round-
// trips through format/parse, bad lines are refused naming what is legal, and the simulated
// gear answers as the documented firmware would.
import { describe, expect, it } from 'vitest';
import {
  answers,
  formatReply,
  formatRequest,
  LineProtocolError,
  LineSplitter,
  MAX_LINE_BYTES,
  parseReply,
  parseRequest,
  type Reply,
  type Request,
} from '../../../adapters/serial/line-protocol.ts';
import { SimulatedGear } from '../../../adapters/serial/simulated-gear.ts';

describe('line protocol', () => {
  const requests: Request[] = [
    { cmd: 'HELLO' },
    { cmd: 'PING' },
    { cmd: 'POWER', channel: 'camera-front', on: false },
    { cmd: 'POWER', channel: 'microphone', on: true },
    { cmd: 'STATE', channel: 'camera-back' },
    { cmd: 'MARK', n: 65535 },
  ];
  it.each(requests)('round-trips request %j', (r) => {
    expect(formatRequest(r).endsWith('\n')).toBe(true);
    expect(parseRequest(formatRequest(r).trimEnd())).toEqual(r);
  });

  const replies: Reply[] = [
    { kind: 'hello', gear: 'relay', version: 1, model: 'Numato 4ch' },
    { kind: 'pong' },
    { kind: 'power', channel: 'camera-back', on: false },
    { kind: 'state', channel: 'microphone', on: true },
    { kind: 'mark', n: 7, deviceUs: 123456789 },
    { kind: 'error', code: 'bad-argument', detail: 'channel "x" is not legal' },
  ];
  it.each(replies)('round-trips reply %j', (r) => {
    expect(parseReply(formatReply(r).trimEnd())).toEqual(r);
  });

  it.each([
    ['POWER lamp ON', 'bad-argument', 'legal: camera-front, camera-back, microphone'],
    ['POWER microphone MAYBE', 'bad-argument', 'legal: ON, OFF'],
    ['MARK 70000', 'bad-argument', 'from 0 to 65535'],
    ['MARK -1', 'bad-argument', 'from 0 to 65535'],
    ['PING extra', 'bad-argument', 'takes 0 argument(s), got 1'],
    ['RESET', 'unknown-command', 'legal: HELLO, PING, POWER, STATE, MARK'],
    ['X'.repeat(MAX_LINE_BYTES + 1), 'line-too-long', `at most ${MAX_LINE_BYTES}`],
  ])('refuses %s', (line, code, text) => {
    let err: unknown;
    try {
      parseRequest(line);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LineProtocolError);
    expect((err as LineProtocolError).code).toBe(code);
    expect((err as Error).message).toContain(text);
  });

  it('accepts CRLF and splits a byte stream into lines across chunk boundaries', () => {
    const s = new LineSplitter();
    expect(s.push('PI')).toEqual([]);
    expect(s.push('NG\r\nPOWER camera-front O')).toEqual(['PING']);
    expect(s.push('FF\n')).toEqual(['POWER camera-front OFF']);
    expect(parseRequest('PING\r')).toEqual({ cmd: 'PING' });
  });

  it('matches a reply to its request only when it answers it', () => {
    expect(answers({ cmd: 'POWER', channel: 'microphone', on: false }, { kind: 'power', channel: 'microphone', on: false })).toBe(true);
    expect(answers({ cmd: 'POWER', channel: 'microphone', on: false }, { kind: 'power', channel: 'microphone', on: true })).toBe(false);
    expect(answers({ cmd: 'MARK', n: 3 }, { kind: 'mark', n: 4, deviceUs: 1 })).toBe(false);
  });
});

describe('simulated gear', () => {
  it('a relay switches channels, reports their state and calls onPower', async () => {
    const calls: string[] = [];
    const relay = new SimulatedGear({ gear: 'relay', onPower: (c, on) => void calls.push(`${c}=${on}`) });
    expect(relay.handle('HELLO')).toBe('LPB relay 1 lpbench simulated relay\n');
    expect(await relay.respond('STATE camera-front')).toBe('STATE camera-front ON\n');
    expect(await relay.respond('POWER camera-front OFF')).toBe('OK POWER camera-front OFF\n');
    expect(await relay.respond('STATE camera-front')).toBe('STATE camera-front OFF\n');
    expect(relay.handle('MARK 1')).toBe('ERR not-supported a relay has no marker\n');
    expect(calls).toEqual(['camera-front=false']);
  });

  it('respond() answers a switch once it is done, and a failed switch as ERR switch-failed', async () => {
    const order: string[] = [];
    const relay = new SimulatedGear({
      gear: 'relay',
      onPower: async (c, on) => {
        if (c === 'camera-back') throw new Error('the feeder would not start');
        await new Promise((r) => setTimeout(r, 20));
        order.push(`switched ${c} ${on}`);
      },
    });
    const reply = await relay.respond('POWER microphone OFF');
    order.push('replied');
    expect(reply).toBe('OK POWER microphone OFF\n');
    expect(order).toEqual(['switched microphone false', 'replied']);
    expect(await relay.respond('POWER camera-back OFF')).toBe('ERR switch-failed the feeder would not start\n');
    expect(await relay.respond('STATE camera-back')).toBe('STATE camera-back ON\n'); // a failed switch leaves the channel as it was
    expect(parseReply('ERR switch-failed the feeder would not start')).toEqual({ kind: 'error', code: 'switch-failed', detail: 'the feeder would not start' });
  });

  it('a marker lights marks at its own clock and refuses relay commands', () => {
    let now = 5_000_000;
    const marks: number[] = [];
    const marker = new SimulatedGear({ gear: 'marker', nowUs: () => (now += 1000), onMark: (n) => marks.push(n) });
    expect(marker.handle('MARK 42')).toBe('OK MARK 42 5001000\n');
    expect(marker.handle('POWER microphone OFF')).toMatch(/^ERR not-supported/);
    expect(marker.handle('bogus')).toMatch(/^ERR unknown-command "bogus" is not a command/);
    expect(marks).toEqual([42]);
  });
});
