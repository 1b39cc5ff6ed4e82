// The hardware encoder (reference-pusher/hardware-encoder.ts, adapters/encoder/hardware-trial.ts;
// live-pusher.zh.md 状态码 1103): the trial on a device that is not there fails with the reason and
// leaves no process; 1103's message; the pipeline's arguments with and without the device; the
// rig key that asks for it.
import { describe, expect, it } from 'vitest';
import { hardwareTrialArgs, tryHardwareEncoder } from '../../adapters/encoder/hardware-trial.ts';
import { liveProcessCount } from '../../adapters/process/supervised.ts';
import { fallbackReport } from '../../reference-pusher/hardware-encoder.ts';
import { buildFfmpegArgs, type PipelineOptions } from '../../reference-pusher/media-pipeline.ts';
import { resolveEncodeConfig } from '../../reference-pusher/encode-config.ts';
import { attributeDefaults, statusCode } from '../../spec/index.ts';
import { validateRig } from '../../rig/load.ts';

const MISSING = '/dev/dri/lpb-test-missing-render-node';

function options(hardwareEncoder?: string, encode = true): PipelineOptions {
  const config = resolveEncodeConfig({ ...attributeDefaults() }, new Set());
  return { config, picture: { kind: 'black' }, microphone: null, encode, ...(hardwareEncoder ? { hardwareEncoder } : {}) };
}

function argsOf(opts: PipelineOptions): string[] {
  return buildFfmpegArgs(opts, ['-f', 'lavfi', '-i', 'color'], opts.encode ? ['-f', 'lavfi', '-i', 'anullsrc'] : null);
}

describe('hardware encoder', () => {
  it('the trial on a missing device fails, says why, and leaves no process', async () => {
    expect(hardwareTrialArgs(MISSING)).toEqual(expect.arrayContaining(['-vaapi_device', MISSING, 'h264_vaapi']));
    const before = liveProcessCount();
    const trial = await tryHardwareEncoder(MISSING);
    expect(trial.ok).toBe(false);
    if (!trial.ok) expect(trial.reason).toContain(MISSING);
    expect(liveProcessCount()).toBe(before);
  }, 15_000);

  it('1103 carries the reason and names the software encoder', () => {
    expect(fallbackReport('no VA display')).toEqual({ code: 1103, message: `${statusCode(1103).meaning}: no VA display; encoding with libx264` });
  });

  it('the pipeline encodes on the device when given one, else with libx264; a preview never does', () => {
    const hw = argsOf(options(MISSING));
    expect(hw.indexOf('-vaapi_device')).toBeGreaterThanOrEqual(0);
    expect(hw.indexOf('-vaapi_device')).toBeLessThan(hw.indexOf('-i'));
    expect(hw[hw.indexOf('-c:v') + 1]).toBe('h264_vaapi');
    expect(hw).not.toContain('libx264');
    expect(hw[hw.indexOf('-filter_complex') + 1]).toMatch(/format=nv12,hwupload\[venc\]/);
    const sw = argsOf(options());
    expect(sw[sw.indexOf('-c:v') + 1]).toBe('libx264');
    expect(sw).not.toContain('-vaapi_device');
    expect(argsOf(options(MISSING, false))).not.toContain('-vaapi_device');
  });

  it('the rig key hardwareEncoder takes a device path, and names a bad one', () => {
    expect(validateRig({ hardwareEncoder: { device: '/dev/dri/renderD128' } }, '/tmp/rig.yaml').hardwareEncoder).toEqual({ device: '/dev/dri/renderD128' });
    expect(validateRig({}, '/tmp/rig.yaml').hardwareEncoder).toBeUndefined();
    expect(() => validateRig({ hardwareEncoder: { device: 'renderD128' } }, '/tmp/rig.yaml')).toThrow(/hardwareEncoder\.device.*a device path like \/dev\/dri\/renderD128/);
    expect(() => validateRig({ hardwareEncoder: { path: '/dev/dri/renderD128' } }, '/tmp/rig.yaml')).toThrow(/hardwareEncoder\.path/);
  });
});
