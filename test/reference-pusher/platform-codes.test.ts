// The platform-specific codes (reference-pusher/platform-codes.ts) and the driver that emulates a
// platform (LPB_DRIVER_PLATFORM, DriverSession's platform): on iOS, 4998 / 4999 once per toggle
// of enable-mic / muted; elsewhere never. The conformance check status-codes/4998-4999/platform
// runs the other branch against the default reference. Spec: live-pusher.zh.md 状态码 4998, 4999 (iOS特有).
import { describe, expect, it } from 'vitest';
import { DriverSession, type Outgoing } from '../../reference-pusher/driver.ts';
import { toggleCodes } from '../../reference-pusher/platform-codes.ts';
import { STATUS } from '../../spec/codes.ts';

const codesOf = (sent: Outgoing[]) =>
  sent.filter((m) => 'event' in m && m.event === 'statechange').map((m) => (m as { detail: { code: number } }).detail.code);

describe('toggleCodes', () => {
  it('gives one code per toggled attribute on iOS, none for an unchanged value or another platform', () => {
    const before = { 'enable-mic': true, muted: false };
    expect(toggleCodes('ios', before, { 'enable-mic': false }).map((c) => c.code)).toEqual([STATUS.MIC_STATE_SWITCHED]);
    expect(toggleCodes('ios', before, { muted: true, 'enable-mic': false }).map((c) => c.code)).toEqual([STATUS.MIC_STATE_SWITCHED, STATUS.MUTE_STATE_SWITCHED]);
    expect(toggleCodes('ios', before, { muted: false, fps: 20 })).toEqual([]);
    expect(toggleCodes('linux', before, { muted: true })).toEqual([]);
    expect(toggleCodes('', before, { 'enable-mic': false })).toEqual([]);
  });
});

describe('DriverSession platform emulation', () => {
  async function toggle(platform?: string): Promise<{ hello: Outgoing; codes: number[] }> {
    const sent: Outgoing[] = [];
    const session = new DriverSession((m) => sent.push(m), undefined, {}, platform);
    try {
      await session.handleLine(JSON.stringify({ id: 1, method: 'hello' }));
      await session.handleLine(JSON.stringify({ id: 2, method: 'create', params: { attrs: {} } }));
      for (const [id, attrs] of [[3, { 'enable-mic': false }], [4, { 'enable-mic': false }], [5, { 'enable-mic': true }], [6, { muted: true }], [7, { muted: false }]] as const) {
        await session.handleLine(JSON.stringify({ id, method: 'update', params: { attrs } }));
      }
      return { hello: sent[0]!, codes: codesOf(sent) };
    } finally {
      await session.dispose();
    }
  }

  it('as iOS: says so in hello and emits 4998 / 4999 once per real toggle', async () => {
    const { hello, codes } = await toggle('ios');
    expect(hello).toMatchObject({ id: 1, result: { platform: 'ios' } });
    expect(codes).toEqual([STATUS.MIC_STATE_SWITCHED, STATUS.MIC_STATE_SWITCHED, STATUS.MUTE_STATE_SWITCHED, STATUS.MUTE_STATE_SWITCHED]);
  });

  it("by default: this machine's platform and neither code", async () => {
    const { hello, codes } = await toggle();
    expect(hello).toMatchObject({ id: 1, result: { platform: process.platform } });
    expect(codes).toEqual([]);
  });
});
