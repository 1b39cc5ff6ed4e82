// Bitrate adaptation during a push: which mode presets step their resolution (1005) and how the
// adapted bitrate enters the encode configuration. Spec: live-pusher.zh.md 通用属性 mode,
// min-bitrate / max-bitrate; 状态码 1005 / 1006; context-api.md "Presets behind mode".
import { describe, expect, it } from 'vitest';
import { resolveEncodeConfig } from '../../reference-pusher/encode-config.ts';
import { PushAdaptation, adaptiveRange } from '../../reference-pusher/push-adaptation.ts';
import { attributeDefaults } from '../../spec/index.ts';

function config(attrs: Record<string, unknown>) {
  const all = { ...attributeDefaults(), ...attrs };
  const explicit = new Set(Object.keys(attrs));
  return { all, explicit, config: resolveEncodeConfig(all, explicit) };
}

describe('adaptiveRange', () => {
  it('RTC steps between its adaptive sizes over its bitrate range', () => {
    const { all, explicit, config: c } = config({ mode: 'RTC' });
    expect(adaptiveRange(c, all, explicit)).toEqual({ high: { width: 360, height: 640 }, low: { width: 190, height: 320 }, minKbps: 200, maxKbps: 800 });
  });

  it('landscape pushes step to the turned low size', () => {
    const { all, explicit, config: c } = config({ mode: 'HD', orientation: 'horizontal' });
    expect(adaptiveRange(c, all, explicit)).toMatchObject({ high: { width: 960, height: 540 }, low: { width: 640, height: 360 } });
  });

  it('no stepping without a mode, with explicit video-width/height, or for presets without a range', () => {
    for (const attrs of [{}, { mode: 'RTC', 'video-width': 360, 'video-height': 640 }, { mode: 'QVGA' }]) {
      const { all, explicit, config: c } = config(attrs);
      expect(adaptiveRange(c, all, explicit)).toBeUndefined();
    }
  });
});

describe('PushAdaptation.apply', () => {
  it('starts a push at max-bitrate and the preset size', () => {
    const { all, explicit, config: c } = config({ mode: 'RTC' });
    const a = new PushAdaptation();
    const applied = a.apply(c, all, explicit);
    expect([applied.targetBitrateKbps, applied.width, applied.height]).toEqual([800, 360, 640]);
    a.stop();
  });
});
