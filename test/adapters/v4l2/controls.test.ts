// The pusher's torch and auto-focus as V4L2 control settings (adapters/v4l2/controls.ts), on the
// controls recorded from real devices (test/adapters/v4l2/fixtures/README.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { controlSettings } from '../../../adapters/v4l2/controls.ts';
import { parseControls } from '../../../adapters/v4l2/v4l2-ctl.ts';

const controls = (name: string) => parseControls(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('controlSettings', () => {
  it('C920: continuous focus follows auto-focus; no torch to set', () => {
    expect(controlSettings(controls('c920.list-ctrls.txt'), { torch: true, autoFocus: false })).toEqual([{ name: 'focus_automatic_continuous', value: 0 }]);
    expect(controlSettings(controls('c920.list-ctrls.txt'), { torch: false, autoFocus: true })).toEqual([{ name: 'focus_automatic_continuous', value: 1 }]);
  });

  it('adp1653 flash: the torch is led_mode torch (2) or none (0)', () => {
    expect(controlSettings(controls('adp1653.list-ctrls.txt'), { torch: true, autoFocus: true })).toEqual([{ name: 'led_mode', value: 2 }]);
    expect(controlSettings(controls('adp1653.list-ctrls.txt'), { torch: false, autoFocus: true })).toEqual([{ name: 'led_mode', value: 0 }]);
  });

  it('a device with neither control gets nothing set', () => {
    expect(controlSettings(new Map(), { torch: true, autoFocus: false })).toEqual([]);
  });
});
