// Attribute validation (spec/validate.ts): an illegal value for every attribute with the exact
// message, legal values accepted, runtime string forms normalized, unknown names, cross-field checks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attribute, attributeNames } from '../../spec/index.ts';
import { attributeFromText, formatValue, legalText, suggestAttributeNames, validateAttribute, validateAttributes } from '../../spec/validate.ts';

const MODE = 'one of "SD", "HD", "FHD", "RTC", "QVGA", "HVGA"';
const BOOL = 'true or false';
const POSITIVE = 'a positive integer';
const UNIT = 'a number from 0 to 1';
const FILTERS = 'one of "standard", "pink", "nostalgia", "blues", "romantic", "cool", "fresher", "solor", "aestheticism", "whitening", "cerisered"';

/** [attribute, illegal value, expected legal text, expected message]. */
const BAD: ReadonlyArray<readonly [string, unknown, string, string]> = [
  ['url', 'https://domain/push_stream', 'an rtmp:// or rtmps:// URL, or ""', 'url: "https://domain/push_stream" is not legal; expected an rtmp:// or rtmps:// URL, or ""'],
  ['mode', 'rtc', MODE, `mode: "rtc" is not legal; expected ${MODE}`],
  ['autopush', 'yes', BOOL, 'autopush: "yes" is not legal; expected true or false'],
  ['enableVideoCustomRender', 1, BOOL, 'enableVideoCustomRender: 1 is not legal; expected true or false'],
  ['muted', '1', BOOL, 'muted: "1" is not legal; expected true or false'],
  ['enable-camera', null, BOOL, 'enable-camera: null is not legal; expected true or false'],
  ['auto-focus', '', BOOL, 'auto-focus: "" is not legal; expected true or false'],
  ['orientation', 'landscape', 'one of "vertical", "horizontal"', 'orientation: "landscape" is not legal; expected one of "vertical", "horizontal"'],
  ['beauty', 10, 'an integer from 0 to 9', 'beauty: 10 is not legal; expected an integer from 0 to 9'],
  ['whiteness', 4.5, 'an integer from 0 to 9', 'whiteness: 4.5 is not legal; expected an integer from 0 to 9'],
  ['aspect', '16:9', 'one of "3:4", "9:16"', 'aspect: "16:9" is not legal; expected one of "3:4", "9:16"'],
  ['min-bitrate', 0, POSITIVE, 'min-bitrate: 0 is not legal; expected a positive integer'],
  ['max-bitrate', '1000kbps', POSITIVE, 'max-bitrate: "1000kbps" is not legal; expected a positive integer'],
  ['audio-quality', 'medium', 'one of "high", "low"', 'audio-quality: "medium" is not legal; expected one of "high", "low"'],
  ['waiting-image', 42, 'a string (image URL or file path), or ""', 'waiting-image: 42 is not legal; expected a string (image URL or file path), or ""'],
  ['waiting-image-hash', 'abc', 'an MD5 digest (32 hex digits), or ""', 'waiting-image-hash: "abc" is not legal; expected an MD5 digest (32 hex digits), or ""'],
  ['zoom', 2, BOOL, 'zoom: 2 is not legal; expected true or false'],
  ['device-position', 'left', 'one of "front", "back"', 'device-position: "left" is not legal; expected one of "front", "back"'],
  ['background-mute', 'TRUE', BOOL, 'background-mute: "TRUE" is not legal; expected true or false'],
  ['mirror', undefined, BOOL, 'mirror: undefined is not legal; expected true or false'],
  ['remote-mirror', [], BOOL, 'remote-mirror: [] is not legal; expected true or false'],
  ['local-mirror', true, 'one of "auto", "enable", "disable"', 'local-mirror: true is not legal; expected one of "auto", "enable", "disable"'],
  ['audio-reverb-type', 8, 'one of 0, 1, 2, 3, 4, 5, 6, 7', 'audio-reverb-type: 8 is not legal; expected one of 0, 1, 2, 3, 4, 5, 6, 7'],
  ['enable-mic', 'on', BOOL, 'enable-mic: "on" is not legal; expected true or false'],
  ['enable-agc', 0, BOOL, 'enable-agc: 0 is not legal; expected true or false'],
  ['enable-ans', {}, BOOL, 'enable-ans: {} is not legal; expected true or false'],
  ['audio-volume-type', 'voice', 'one of "auto", "media", "voicecall"', 'audio-volume-type: "voice" is not legal; expected one of "auto", "media", "voicecall"'],
  ['video-width', -360, POSITIVE, 'video-width: -360 is not legal; expected a positive integer'],
  ['video-height', 640.5, POSITIVE, 'video-height: 640.5 is not legal; expected a positive integer'],
  ['beauty-style', 'natural', 'one of "smooth", "nature"', 'beauty-style: "natural" is not legal; expected one of "smooth", "nature"'],
  ['filter', 'sepia', FILTERS, `filter: "sepia" is not legal; expected ${FILTERS}`],
  ['picture-in-picture-mode', ['push', 'float'], '"", "push", "pop", or an array of "push"/"pop"', 'picture-in-picture-mode: ["push","float"] is not legal; expected "", "push", "pop", or an array of "push"/"pop"'],
  ['voice-changer-type', 5, 'one of 0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11', 'voice-changer-type: 5 is not legal; expected one of 0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11'],
  ['custom-effect', 'false ', BOOL, 'custom-effect: "false " is not legal; expected true or false'],
  ['skin-whiteness', 1.5, UNIT, 'skin-whiteness: 1.5 is not legal; expected a number from 0 to 1'],
  ['skin-smoothness', -0.1, UNIT, 'skin-smoothness: -0.1 is not legal; expected a number from 0 to 1'],
  ['face-thinness', 'NaN', UNIT, 'face-thinness: "NaN" is not legal; expected a number from 0 to 1'],
  ['eye-bigness', Infinity, UNIT, 'eye-bigness: Infinity is not legal; expected a number from 0 to 1'],
  ['fps', 45, 'an integer from 1 to 30', 'fps: 45 is not legal; expected an integer from 1 to 30'],
];

/** More illegal values, judged only as rejected. */
const ALSO_BAD: ReadonlyArray<readonly [string, unknown]> = [
  ['url', 'rtmp://'], ['url', 'rtmp:/live/x'], ['url', 'RTMP-ish'], ['url', 5],
  ['mode', 'Sd'], ['fps', 0], ['fps', '15.5'], ['fps', '1e9'], ['fps', ' 15'], ['beauty', -1],
  ['min-bitrate', 1.5], ['waiting-image-hash', 'g'.repeat(32)], ['picture-in-picture-mode', 'float'],
  ['picture-in-picture-mode', [['push']]], ['picture-in-picture-mode', '   '], ['audio-reverb-type', '0x1'],
];

describe('validateAttribute: illegal values', () => {
  it('the bad-input table covers every attribute', () => {
    expect(new Set(BAD.map(([name]) => name))).toEqual(new Set(attributeNames));
  });

  for (const [name, value, legal, message] of BAD) {
    it(`${name}: rejects ${formatValue(value)}`, () => {
      const r = validateAttribute(name, value);
      if (r.ok) throw new Error(`accepted ${formatValue(value)}`);
      expect(r.error).toEqual({ kind: 'illegal-value', attribute: name, value, legal, message });
      expect(legalText(name)).toBe(legal);
    });
  }

  for (const [name, value] of ALSO_BAD) {
    it(`${name}: rejects ${formatValue(value)}`, () => {
      expect(validateAttribute(name, value).ok).toBe(false);
    });
  }
});

describe('validateAttribute: legal values', () => {
  it('accepts every default and every enum value as is', () => {
    for (const name of attributeNames) {
      const a = attribute(name);
      if (a.default !== null) expect(validateAttribute(name, a.default)).toEqual({ ok: true, value: a.default });
      for (const v of a.values ?? []) expect(validateAttribute(name, v.value), `${name} ${formatValue(v.value)}`).toEqual({ ok: true, value: v.value });
    }
  });

  it('accepts range bounds', () => {
    for (const name of attributeNames) {
      const range = attribute(name).range;
      if (!range) continue;
      expect(validateAttribute(name, range.min)).toEqual({ ok: true, value: range.min });
      if (range.max !== null) expect(validateAttribute(name, range.max)).toEqual({ ok: true, value: range.max });
    }
    expect(validateAttribute('skin-smoothness', 0.25)).toEqual({ ok: true, value: 0.25 });
    expect(validateAttribute('max-bitrate', 5000)).toEqual({ ok: true, value: 5000 });
  });

  it.each([
    ['url', 'rtmp://127.0.0.1:1935/live/test'],
    ['url', 'rtmps://push.example.com/app/stream?sign=abc'],
    ['url', ''],
    ['waiting-image', 'https://example.com/wait.png'],
    ['waiting-image', '/images/wait.png'],
    ['waiting-image-hash', '0123456789abcdefABCDEF0123456789'],
    ['waiting-image-hash', ''],
    ['picture-in-picture-mode', ''],
    ['picture-in-picture-mode', 'pop'],
    ['picture-in-picture-mode', ['push', 'pop']],
  ] as const)('%s accepts %j', (name, value) => {
    expect(validateAttribute(name, value)).toEqual({ ok: true, value });
  });

  it.each([
    ['autopush', 'true', true],
    ['enable-mic', 'false', false],
    ['fps', '15', 15],
    ['min-bitrate', '300', 300],
    ['skin-whiteness', '0.5', 0.5],
    ['skin-whiteness', '.5', 0.5],
    ['voice-changer-type', '11', 11],
    ['audio-reverb-type', '7', 7],
  ] as const)('%s normalizes %j to %j', (name, value, normalized) => {
    expect(validateAttribute(name, value)).toEqual({ ok: true, value: normalized });
  });

  it('a name of Object.prototype is not a boolean ("toString", "constructor")', () => {
    for (const text of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) expect(validateAttribute('background-mute', text).ok).toBe(false);
  });

  it('never throws, and a normalized value validates to itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(...attributeNames), fc.anything(), (name, value) => {
        const r = validateAttribute(name, value);
        if (!r.ok) return r.error.message.startsWith(`${name}: `);
        const again = validateAttribute(name, r.value);
        return again.ok && JSON.stringify(again.value) === JSON.stringify(r.value);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('validateAttribute: unknown names', () => {
  it('suggests the kebab-case name for a camelCase one', () => {
    const r = validateAttribute('enableMic', true);
    if (r.ok) throw new Error('accepted an unknown name');
    expect(r.error).toEqual({
      kind: 'unknown-attribute',
      attribute: 'enableMic',
      value: true,
      legal: 'a live-pusher attribute name',
      message: 'enableMic: unknown attribute; did you mean "enable-mic"?',
    });
  });

  it('suggests names for typos', () => {
    expect(suggestAttributeNames('min-bitrat')).toEqual(['min-bitrate']);
    expect(suggestAttributeNames('devicePosition')).toEqual(['device-position']);
    expect(suggestAttributeNames('enable-an')).toEqual(['enable-ans', 'enable-agc']);
    const r = validateAttribute('enable-an', true);
    expect(r.ok ? '' : r.error.message).toBe('enable-an: unknown attribute; did you mean "enable-ans" or "enable-agc"?');
    expect(suggestAttributeNames('beauty_style')).toEqual(['beauty-style']);
    expect(suggestAttributeNames('x'.repeat(1000))).toEqual([]);
  });

  it('says so when an event name is passed as an attribute', () => {
    const r = validateAttribute('bindstatechange', 'handler');
    expect(r.ok ? '' : r.error.message).toBe('bindstatechange: unknown attribute; "bindstatechange" is the statechange event, not an attribute');
  });

  it('names what is expected when nothing is close', () => {
    const r = validateAttribute('resolution', '720p');
    expect(r.ok ? '' : r.error.message).toBe('resolution: unknown attribute; expected a live-pusher attribute name');
  });
});

describe('validateAttributes', () => {
  it('returns every error and the normalized legal values', () => {
    const r = validateAttributes({ url: 'rtmp://127.0.0.1/live/a', fps: '20', mode: 'UHD', beauty: 12, enableMic: true });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.kind, e.attribute])).toEqual([
      ['illegal-value', 'mode'],
      ['illegal-value', 'beauty'],
      ['unknown-attribute', 'enableMic'],
    ]);
    expect(r.values).toEqual({ url: 'rtmp://127.0.0.1/live/a', fps: 20 });
  });

  it('accepts a consistent set', () => {
    const r = validateAttributes({ 'min-bitrate': 300, 'max-bitrate': '800', mode: 'SD', 'custom-effect': true, 'skin-whiteness': 0.4 });
    expect(r).toEqual({ ok: true, values: { 'min-bitrate': 300, 'max-bitrate': 800, mode: 'SD', 'custom-effect': true, 'skin-whiteness': 0.4 }, errors: [], warnings: [] });
  });

  it('rejects min-bitrate above max-bitrate', () => {
    const r = validateAttributes({ 'min-bitrate': 1500, 'max-bitrate': 1000 });
    expect(r.errors).toEqual([
      {
        kind: 'conflict',
        attribute: 'min-bitrate',
        value: 1500,
        legal: 'at most max-bitrate (1000)',
        message: 'min-bitrate: 1500 is not legal; expected at most max-bitrate (1000)',
      },
    ]);
    expect(r.values).toEqual({ 'max-bitrate': 1000 });
  });

  it('checks a lone bitrate against the default or current other bound', () => {
    expect(validateAttributes({ 'min-bitrate': 1200 }).errors[0]?.message).toBe('min-bitrate: 1200 is not legal; expected at most max-bitrate (1000)');
    expect(validateAttributes({ 'max-bitrate': 100 }).errors[0]?.message).toBe('max-bitrate: 100 is not legal; expected at least min-bitrate (200)');
    expect(validateAttributes({ 'max-bitrate': 500 }, { current: { 'min-bitrate': '600' } }).errors[0]?.legal).toBe('at least min-bitrate (600)');
    expect(validateAttributes({ 'max-bitrate': 200 }).ok).toBe(true);
  });

  it('refuses to change custom-effect on update, allows the same value', () => {
    const changed = validateAttributes({ 'custom-effect': false }, { current: { 'custom-effect': true } });
    expect(changed.errors).toEqual([
      {
        kind: 'immutable',
        attribute: 'custom-effect',
        value: false,
        legal: 'true (custom-effect cannot be changed after it is set)',
        message: 'custom-effect: false is not legal; expected true (custom-effect cannot be changed after it is set)',
      },
    ]);
    expect(validateAttributes({ 'custom-effect': true }, { current: { 'custom-effect': true } }).ok).toBe(true);
    expect(validateAttributes({ 'custom-effect': true }).ok).toBe(true);
  });

  it('warns about deprecated attributes and skin-* without custom-effect', () => {
    const r = validateAttributes({ muted: true, 'background-mute': false, 'skin-whiteness': 0.5, 'eye-bigness': 0 });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      { kind: 'deprecated', attribute: 'muted', message: 'muted: deprecated; use enable-mic instead' },
      { kind: 'deprecated', attribute: 'background-mute', message: 'background-mute: deprecated' },
      { kind: 'requires', attribute: 'skin-whiteness', message: 'skin-whiteness: has no effect unless custom-effect is true' },
    ]);
    expect(validateAttributes({ 'skin-whiteness': 0.5 }, { current: { 'custom-effect': 'true' } }).warnings).toEqual([]);
  });
});

describe('attributeFromText (command-line values)', () => {
  it('reads numbers and booleans as their spec type and leaves the rest as text', () => {
    expect(attributeFromText('fps', '15')).toBe(15);
    expect(attributeFromText('beauty', '0.5')).toBe(0.5);
    expect(attributeFromText('mirror', 'true')).toBe(true);
    expect(attributeFromText('mirror', 'false')).toBe(false);
    expect(attributeFromText('mode', 'HD')).toBe('HD');
    expect(attributeFromText('fps', 'fast')).toBe('fast');
    expect(attributeFromText('mirror', 'yes')).toBe('yes');
    expect(attributeFromText('no-such', '1')).toBe('1');
  });

  it('so an illegal number is named as typed', () => {
    const r = validateAttribute('fps', attributeFromText('fps', '99'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('fps: 99 is not legal; expected an integer from 1 to 30');
  });
});
