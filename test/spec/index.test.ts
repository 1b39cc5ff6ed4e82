// Typed accessors of spec/index.ts: lookups by name and code, and clear errors for unknown ones.
import { describe, expect, it } from 'vitest';
import {
  UnknownSpecEntryError,
  attribute,
  attributeDefaults,
  attributeNames,
  errorCode,
  eventByName,
  events,
  findStatusCode,
  method,
  methods,
  netstatusKeys,
  preset,
  spec,
  statusCode,
  statusCodes,
} from '../../spec/index.ts';

describe('spec accessors', () => {
  it('looks attributes up by name and rejects unknown names clearly', () => {
    expect(attribute('fps')).toMatchObject({ type: 'number', default: 15, range: { min: 1, max: 30, integer: true }, unit: 'fps', minVersion: '2.31.0' });
    expect(attribute('custom-effect').immutableAfterCreate).toBe(true);
    expect(attribute('skin-smoothness').requires).toEqual({ attribute: 'custom-effect', value: true });
    expect(() => attribute('enableMic')).toThrow(UnknownSpecEntryError);
    expect(() => attribute('enableMic')).toThrow('unknown live-pusher attribute: "enableMic"');
    expect(attributeNames).toHaveLength(39);
  });

  it('gives typed defaults as a fresh copy', () => {
    const defaults = attributeDefaults();
    expect(defaults).toMatchObject({ mode: 'RTC', autopush: false, 'enable-mic': true, 'min-bitrate': 200, url: null, aspect: '9:16' });
    defaults.mode = 'SD';
    expect(attributeDefaults().mode).toBe('RTC');
  });

  it('finds events by table name and by protocol name', () => {
    expect(eventByName('bindstatechange')).toBe(eventByName('statechange'));
    expect(eventByName('error').detail.map((d) => [d.name, d.type])).toEqual([['errMsg', 'string'], ['errCode', 'number']]);
    expect(events.map((e) => e.event)).toContain('leavepictureinpicture');
    expect(() => eventByName('bindfoo')).toThrow('unknown live-pusher event: "bindfoo"');
  });

  it('finds status and error codes', () => {
    expect(statusCode(3004)).toMatchObject({ category: 'warning', retried: true, platform: null });
    expect(statusCode(4998)).toMatchObject({ category: 'platform-specific', platform: 'ios' });
    expect(statusCode(0).category).toBe('none');
    expect(statusCode(-1307).category).toBe('error');
    expect(findStatusCode(1234)).toBeUndefined();
    expect(() => statusCode(1234)).toThrow('unknown live-pusher status code: 1234');
    expect(errorCode(10004).original).toBe('等待画面资源（waiting-image）加载失败');
    expect(statusCodes.map((s) => s.category).filter((c) => c === 'room')).toHaveLength(9);
  });

  it('describes methods, netstatus keys, presets and retry', () => {
    expect(method('getMaxZoom').result).toEqual([{ name: 'maxZoom', type: 'string', note: 'typed as a string' }]);
    expect(method('setBGMVolume').params[0]?.type).toBe('string');
    expect(method('setMICVolume').params[0]?.type).toBe('number');
    expect(method('playBGM').errorCodes).toEqual([10003]);
    expect(() => method('mute')).toThrow('unknown live-pusher method: "mute"');
    expect(methods.filter((m) => /^apply\w+Makeup$/.test(m.name))).toHaveLength(5);
    expect(netstatusKeys).toEqual(spec.netstatus.map((k) => k.key));
    expect(preset('HD').fixed).toEqual({ bitrateKbps: 1200, width: 540, height: 960 });
    expect(spec.retry.retriedCodes).toEqual([3001, 3002, 3003, 3004, 3005]);
  });
});
