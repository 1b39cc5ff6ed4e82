// Tests of `lpbench doctor` (bench/doctor/checks.ts, bench/commands/doctor.ts): the real checks on
// this machine, the JSON shape, a missing ffmpeg, and the command run as a subprocess.
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { CHECKS, REQUIRED_FILTERS, requiredMissing, runChecks, nodeVersionAtLeast, type Check, type CheckReport } from '../../bench/doctor/checks.ts';
import { formatReports } from '../../bench/doctor/format.ts';
import { runCommand } from '../../adapters/process/run-to-completion.ts';
import { liveProcessCount } from '../../adapters/process/supervised.ts';

const CLI = fileURLToPath(new URL('../../bin/lpbench.js', import.meta.url));
const CLI_TIMEOUT_MS = 50_000;
const REQUIRED_IDS = ['ffmpeg', 'ffprobe', 'encoder-libx264', 'encoder-aac', 'muxer-flv', 'rtmp'];
const STATUSES = ['ok', 'warn', 'missing'];
const savedFfmpegPath = process.env.FFMPEG_PATH;

afterEach(() => {
  if (savedFfmpegPath === undefined) delete process.env.FFMPEG_PATH;
  else process.env.FFMPEG_PATH = savedFfmpegPath;
});

function byId(reports: readonly CheckReport[], id: string): CheckReport {
  const report = reports.find((r) => r.id === id);
  if (!report) throw new Error(`no report ${id}`);
  return report;
}

function expectShape(reports: unknown): void {
  expect(Array.isArray(reports)).toBe(true);
  for (const r of reports as Record<string, unknown>[]) {
    expect(typeof r.id).toBe('string');
    expect(typeof r.title).toBe('string');
    expect(typeof r.required).toBe('boolean');
    expect(STATUSES).toContain(r.status);
    expect(typeof r.detail).toBe('string');
    expect((r.detail as string).length).toBeGreaterThan(0);
    if (r.status !== 'ok') expect(typeof r.fix).toBe('string');
  }
}

describe('doctor checks', () => {
  it('declares unique ids, and exactly the required items the bench cannot run without', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(CHECKS.filter((c) => c.required).map((c) => c.id).sort()).toEqual([...REQUIRED_IDS].sort());
    for (const id of ['filters', 'v4l2', 'pulseaudio', 'chromium', 'serial', 'netns', 'node']) expect(ids).toContain(id);
  });

  it('finds ffmpeg, ffprobe and every required capability on this machine', async () => {
    const before = liveProcessCount();
    const reports = await runChecks();
    expectShape(reports);
    expect(reports.map((r) => r.id)).toEqual(CHECKS.map((c) => c.id));
    for (const id of REQUIRED_IDS) expect(byId(reports, id).status, `${id}: ${byId(reports, id).detail}`).toBe('ok');
    expect(byId(reports, 'ffmpeg').detail).toMatch(/^ffmpeg \S+ at \/.+\((from the npm package|from FFMPEG_PATH)\)$/);
    expect(byId(reports, 'filters')).toMatchObject({ status: 'ok', detail: `all ${REQUIRED_FILTERS.length} filters present` });
    expect(byId(reports, 'node').status).toBe('ok');
    expect(requiredMissing(reports)).toBe(false);
    expect(liveProcessCount()).toBe(before);
    const text = formatReports(reports);
    expect(text.split('\n').filter((line) => line.startsWith('[')).length).toBe(reports.length);
  });

  it("reports a missing ffmpeg (FFMPEG_PATH=/nonexistent) as 'missing' with a fix", async () => {
    process.env.FFMPEG_PATH = '/nonexistent';
    const reports = await runChecks();
    const ffmpeg = byId(reports, 'ffmpeg');
    expect(ffmpeg.status).toBe('missing');
    expect(ffmpeg.detail).toContain('/nonexistent');
    expect(ffmpeg.fix).toMatch(/FFMPEG_PATH/);
    for (const id of ['encoder-libx264', 'encoder-aac', 'muxer-flv', 'rtmp']) expect(byId(reports, id).status).toBe('missing');
    expect(byId(reports, 'ffprobe').status).toBe('ok');
    expect(requiredMissing(reports)).toBe(true);
    expect(formatReports(reports)).toMatch(/\[MISSING\] ffmpeg binary .*\n\s+fix: .*FFMPEG_PATH/);
  });

  it("turns a check that throws into 'missing' instead of failing the run", async () => {
    const broken: Check = {
      id: 'broken',
      title: 'a broken check',
      required: true,
      run: () => Promise.reject(new Error('boom')),
    };
    const [report] = await runChecks([broken]);
    expect(report).toMatchObject({ id: 'broken', status: 'missing', required: true });
    expect(report!.detail).toContain('boom');
    expect(report!.fix).toBeTruthy();
    expect(requiredMissing([report!])).toBe(true);
  });

  it('compares node versions', () => {
    expect(nodeVersionAtLeast('v20.6.0', [20, 6])).toBe(true);
    expect(nodeVersionAtLeast('v20.5.9', [20, 6])).toBe(false);
    expect(nodeVersionAtLeast('v22.0.0', [20, 6])).toBe(true);
    expect(nodeVersionAtLeast('v18.19.0', [20, 6])).toBe(false);
    expect(nodeVersionAtLeast('garbage', [20, 6])).toBe(false);
  });
});

describe('lpbench doctor as a subprocess', () => {
  it('prints a JSON array with --json and exits 0 here', async () => {
    const result = await runCommand(process.execPath, [CLI, 'doctor', '--json'], CLI_TIMEOUT_MS);
    expect(result.outcome).toBe('exited');
    expect(result.code, result.stderr).toBe(0);
    const reports = JSON.parse(result.stdout) as CheckReport[];
    expectShape(reports);
    expect(reports.map((r) => r.id)).toEqual(CHECKS.map((c) => c.id));
  });

  it('exits 1 when ffmpeg is missing', async () => {
    const env = { ...process.env, FFMPEG_PATH: '/nonexistent' };
    const result = await runCommand(process.execPath, [CLI, 'doctor', '--json'], CLI_TIMEOUT_MS, env);
    expect(result.outcome).toBe('exited');
    expect(result.code).toBe(1);
    const reports = JSON.parse(result.stdout) as CheckReport[];
    expect(byId(reports, 'ffmpeg')).toMatchObject({ status: 'missing', required: true });
    expect(byId(reports, 'ffmpeg').fix).toMatch(/FFMPEG_PATH/);
  });

  it('rejects an unknown option with exit code 2', async () => {
    const result = await runCommand(process.execPath, [CLI, 'doctor', '--bogus'], CLI_TIMEOUT_MS);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage: lpbench doctor/);
  });
});
