// The bad-input table: every core attribute with an illegal value is refused by the reference
// pusher with a message naming the attribute, the value and what is legal; nothing starts.
import { afterEach, describe, expect, it } from 'vitest';
import { AttributeValidationError, LivePusher } from '../../reference-pusher/live-pusher.ts';

const TABLE: [string, unknown, RegExp][] = [
  ['url', 'http://127.0.0.1/live/x', /rtmp/],
  ['mode', 'UHD', /"SD"/],
  ['autopush', 'sometimes', /true or false/],
  ['video-width', -360, /positive|greater|at least/],
  ['video-height', 'tall', /number|integer/],
  ['aspect', '4:3', /"3:4"/],
  ['orientation', 'diagonal', /"vertical"/],
  ['fps', 45, /1 to 30/],
  ['min-bitrate', -5, /positive|greater|at least/],
  ['max-bitrate', 'fast', /number|integer/],
  ['audio-quality', 'medium', /"high"/],
  ['enable-camera', 'yes', /true or false/],
  ['enable-mic', 2, /true or false/],
  ['muted', 'maybe', /true or false/],
  ['mirror', 'x', /true or false/],
  ['remote-mirror', 3, /true or false/],
];

describe('reference pusher bad input', () => {
  const pushers: LivePusher[] = [];
  afterEach(async () => {
    await Promise.all(pushers.splice(0).map((p) => p.dispose()));
  });

  it.each(TABLE)('refuses %s = %j with the attribute, the value and what is legal', async (name, value, legal) => {
    const p = new LivePusher();
    pushers.push(p);
    const err = await p.create({ [name]: value }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttributeValidationError);
    const msg = (err as AttributeValidationError).errMsg;
    expect(msg).toContain(name);
    expect(msg).toContain(typeof value === 'string' ? value : String(value));
    expect(msg).toMatch(legal);
    expect(p.currentState).toBe('idle');
  });

  it('refuses min-bitrate above max-bitrate, naming both', async () => {
    const p = new LivePusher();
    pushers.push(p);
    const err = (await p.create({ 'min-bitrate': 900, 'max-bitrate': 300 }).catch((e: unknown) => e)) as AttributeValidationError;
    expect(err.errMsg).toMatch(/min-bitrate.*max-bitrate/);
  });

  it('keeps the previous value when an update is illegal', async () => {
    const p = new LivePusher();
    pushers.push(p);
    await p.create({ fps: 20 });
    await expect(p.update({ fps: 0 })).rejects.toThrow(/fps: 0 is not legal/);
    expect(p.attributes()['fps']).toBe(20);
    expect(p.encodeConfig.fps).toBe(20);
  });

  it('refuses start without a url and methods out of state', async () => {
    const p = new LivePusher();
    pushers.push(p);
    await p.create({});
    await expect(p.start()).rejects.toThrow(/url is empty/);
    await expect(p.pause()).rejects.toThrow(/pause:fail not pushing/);
    await expect(p.resume()).rejects.toThrow(/resume:fail not paused/);
    await expect(p.snapshot()).rejects.toThrow(/snapshot:fail no picture/);
    await expect(p.snapshot({ sourceType: 'screen' })).rejects.toThrow(/sourceType "screen" is not legal/);
  });
});
