// The pattern page a physical camera films (adapters/display/pattern-page.ts), shown by headless
// Debian Chromium through playwright-core (adapters/display/browser.ts): a screenshot of a portrait
// screen goes through the same oracles as the synthetic camera's frames: the camera is identified
// by its quadrant colours and the frame counter is read and advances. Skipped, with the reason,
// where Chromium or playwright-core is missing (.ci/run does not install chromium: README "Lab
// runbook").
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { browserUnavailable, showPage, type ShownPage } from '../../../adapters/display/browser.ts';
import { PAGE_PATTERN_HEIGHT, PAGE_PATTERN_WIDTH, patternPageHtml, startPatternPage, type PatternPage } from '../../../adapters/display/pattern-page.ts';
import { ffmpegPath } from '../../../adapters/ffmpeg.ts';
import { identifyPattern, readFrameCounter } from '../../../conformance/oracles/video.ts';
import type { RgbFrame } from '../../../conformance/oracles/frame.ts';

const missing = browserUnavailable();
if (missing) console.warn(`pattern page in Chromium: skipped: ${missing}`);

/** A PNG (the screenshot) as the oracles' RgbFrame, decoded by ffmpeg. */
async function decodePng(png: Buffer): Promise<RgbFrame> {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const child = execFile(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'png_pipe', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: width * height * 4 });
  const out = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`ffmpeg exited ${code} decoding the screenshot`))));
  });
  child.stdin!.end(png);
  const data = await out;
  return { width, height, data: new Uint8Array(data), ptsMs: Number.NaN, receivedAt: Number.NaN };
}

describe('pattern page', () => {
  it('draws the counter cells of the synthetic camera and nothing of the other position', () => {
    const html = patternPageHtml('front');
    expect(html).toContain('pattern.png');
    expect((JSON.parse(/const BITS = (\[.*\]);/.exec(html)![1]!) as unknown[]).length).toBe(16);
  });

  let page: PatternPage | undefined;
  let shown: ShownPage | undefined;
  afterEach(async () => {
    await shown?.close();
    await page?.close();
    shown = undefined;
    page = undefined;
  });

  for (const position of ['front', 'back'] as const) {
    it.skipIf(Boolean(missing))(`a screenshot of the ${position} page is the ${position} camera to the oracles, its counter advancing`, async () => {
      page = await startPatternPage(position);
      shown = await showPage(page.url, { headless: { width: PAGE_PATTERN_WIDTH, height: PAGE_PATTERN_HEIGHT } });
      const waitFrame = async (after: number): Promise<number> => {
        for (let i = 0; i < 100; i++) {
          const n = Number(await shown!.evaluate<string | undefined>('document.body.dataset.frame'));
          if (n > after) return n;
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error('the page drew no frame');
      };
      await waitFrame(0);
      const first = await decodePng(await shown.screenshot());
      await waitFrame(5);
      const second = await decodePng(await shown.screenshot());
      expect([first.width, first.height]).toEqual([PAGE_PATTERN_WIDTH, PAGE_PATTERN_HEIGHT]);
      const match = identifyPattern(first);
      expect(match.camera).toBe(position);
      const a = readFrameCounter(first);
      const b = readFrameCounter(second);
      expect(a).not.toBeNull();
      expect(b).not.toBeNull();
      expect(b!).toBeGreaterThan(a!);
    }, 60_000);
  }
});
