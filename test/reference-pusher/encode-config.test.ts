import { describe, expect, it } from 'vitest';
import { attributeDefaults } from '../../spec/index.ts';
import { MODE_PRESETS, encoderChanged, resolveEncodeConfig } from '../../reference-pusher/encode-config.ts';

function cfg(set: Record<string, unknown>) {
  return resolveEncodeConfig({ ...attributeDefaults(), ...set }, new Set(Object.keys(set)));
}

describe('resolveEncodeConfig', () => {
  it('uses the attribute defaults when nothing is set: 360x640, 15 fps, 200-1000 kbps, 48 kHz', () => {
    const c = cfg({});
    expect([c.width, c.height, c.fps, c.minBitrateKbps, c.maxBitrateKbps, c.audioSampleRate]).toEqual([360, 640, 15, 200, 1000, 48000]);
    expect(c.gopFrames).toBe(30);
    expect(c.cameraEnabled && c.micEnabled).toBe(true);
    expect(c.streamMirror).toBe(false);
    expect(c.previewMirror).toBe(true);
  });

  it.each(Object.entries(MODE_PRESETS))('mode %s gives its preset size and bitrate range', (mode, p) => {
    const c = cfg({ mode });
    expect([c.width, c.height, c.minBitrateKbps, c.maxBitrateKbps]).toEqual([p.width, p.height, p.minBitrate, p.maxBitrate]);
  });

  it('takes the published presets from the spec table', () => {
    expect(MODE_PRESETS.HD).toMatchObject({ width: 540, height: 960, minBitrate: 600, maxBitrate: 1500 });
    expect(MODE_PRESETS.RTC).toMatchObject({ width: 360, height: 640, minBitrate: 200, maxBitrate: 800 });
  });

  it('lets video-width/height win over mode and aspect', () => {
    const c = cfg({ mode: 'HD', aspect: '3:4', 'video-width': 480, 'video-height': 640 });
    expect([c.width, c.height]).toEqual([480, 640]);
  });

  it('turns 9:16 into 3:4 of the same width', () => {
    expect([cfg({ aspect: '3:4' }).width, cfg({ aspect: '3:4' }).height]).toEqual([360, 480]);
  });

  it('swaps to landscape for orientation horizontal', () => {
    const c = cfg({ orientation: 'horizontal' });
    expect([c.width, c.height]).toEqual([640, 360]);
  });

  it('rounds odd sizes down to even', () => {
    const c = cfg({ 'video-width': 361, 'video-height': 639 });
    expect([c.width, c.height]).toEqual([360, 638]);
  });

  it('lets min/max-bitrate win over the mode range and targets the max', () => {
    const c = cfg({ mode: 'SD', 'min-bitrate': 100, 'max-bitrate': 300 });
    expect([c.minBitrateKbps, c.maxBitrateKbps, c.targetBitrateKbps]).toEqual([100, 300, 300]);
  });

  it('maps audio-quality low to 16 kHz', () => {
    expect(cfg({ 'audio-quality': 'low' }).audioSampleRate).toBe(16000);
  });

  it('closes the microphone for enable-mic false and for muted true', () => {
    expect(cfg({ 'enable-mic': false }).micEnabled).toBe(false);
    expect(cfg({ muted: true }).micEnabled).toBe(false);
  });

  it('mirrors the stream for mirror or remote-mirror, the preview per local-mirror', () => {
    expect(cfg({ mirror: true }).streamMirror).toBe(true);
    expect(cfg({ 'remote-mirror': true }).streamMirror).toBe(true);
    expect(cfg({ 'device-position': 'back' }).previewMirror).toBe(false);
    expect(cfg({ 'device-position': 'back', 'local-mirror': 'enable' }).previewMirror).toBe(true);
    expect(cfg({ 'local-mirror': 'disable' }).previewMirror).toBe(false);
  });

  it('needs no encoder restart for a preview-only change', () => {
    expect(encoderChanged(cfg({}), cfg({ 'local-mirror': 'disable' }))).toBe(false);
    expect(encoderChanged(cfg({}), cfg({ mirror: true }))).toBe(true);
  });
});
