// The v4l2loopback feed (adapters/v4l2/loopback-feed.ts): detected, never assumed. This kernel
// has no v4l2loopback module, so the feed itself is exercised only where /dev/video* is a
// loopback (the nightly workflow); here: the detection's reasons and the feed's command line,
// whose pattern part is run into ffmpeg's null muxer to prove it is a working graph.
import { describe, expect, it } from 'vitest';
import { detectLoopback, feedLoopback, loopbackFeedArgs, LoopbackUnavailableError } from '../../../adapters/v4l2/loopback-feed.ts';
import { runCommand } from '../../../adapters/process/run-to-completion.ts';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';

const MISSING = '/dev/video-lpbench-missing';
const PROBE_TIMEOUT_MS = 30_000;

describe('v4l2loopback feed', () => {
  it('a missing device is refused with what to load', async () => {
    const d = await detectLoopback(MISSING);
    expect(d.ok).toBe(false);
    expect(!d.ok && d.reason).toContain('modprobe v4l2loopback');
    await expect(feedLoopback(MISSING, 'front')).rejects.toBeInstanceOf(LoopbackUnavailableError);
    await expect(feedLoopback(MISSING, 'front')).rejects.toThrow(`rig camera.front v4l2loopback: ${MISSING} does not exist`);
  });

  it('a device that is not V4L2 at all is refused', async () => {
    const d = await detectLoopback('/dev/null');
    expect(d.ok).toBe(false);
  });

  it('writes the position pattern as yuv420p into the device; the graph runs', async () => {
    const args = await loopbackFeedArgs('/dev/video10', 'back');
    expect(args.slice(-3)).toEqual(['-f', 'v4l2', '/dev/video10']);
    expect(args.join(' ')).toContain('format=yuv420p');
    const probe = [...args.slice(0, -3).filter((a) => a !== '-re'), '-frames:v', '3', '-f', 'null', '-'];
    const r = await runCommand(ffmpegPath(), probe, PROBE_TIMEOUT_MS);
    expect(r.outcome).toBe('exited');
    expect(r.code).toBe(0);
  }, PROBE_TIMEOUT_MS + 5_000);
});
