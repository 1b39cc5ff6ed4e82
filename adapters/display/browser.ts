// Chromium showing a page full screen, driven by playwright-core (issue 11 "Physical cameras see
// the chart"). Debian's chromium only (`apt-get install chromium`, executablePath
// /usr/bin/chromium): the bench never downloads a browser (`npx playwright install` is not used).
// Headed (a lab screen the camera films): kiosk, full screen; headless (tests): a viewport of the
// size asked. Detected, never assumed: browserUnavailable() says what is missing and the fix.
// close() closes the browser on every path.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Debian's Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Environment variable naming another Chromium binary. */
export const CHROMIUM_ENV = 'LPB_CHROMIUM';

export function chromiumPath(): string {
  return process.env[CHROMIUM_ENV] || CHROMIUM_PATH;
}

function playwrightInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('playwright-core');
    return true;
  } catch {
    return false;
  }
}

/** Why a page cannot be shown here, with the fix; undefined when it can. */
export function browserUnavailable(): string | undefined {
  const path = chromiumPath();
  if (!existsSync(path)) return `no Chromium at ${path} (apt-get install chromium, or set ${CHROMIUM_ENV})`;
  if (!playwrightInstalled()) return 'the npm package playwright-core is not installed (npm ci)';
  return undefined;
}

export interface ShownPage {
  /** A PNG of what the page shows now. */
  screenshot(): Promise<Buffer>;
  /** Evaluates `expression` in the page (e.g. its frame number). */
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

export interface ShowOptions {
  /** Headless with this viewport (tests); absent: headed, kiosk full screen (a lab screen). */
  headless?: { width: number; height: number };
}

/** Opens `url` in Chromium; rejects naming what is missing. */
export async function showPage(url: string, opts: ShowOptions = {}): Promise<ShownPage> {
  const missing = browserUnavailable();
  if (missing) throw new Error(`cannot show ${url}: ${missing}`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: Boolean(opts.headless),
    // root in CI containers needs --no-sandbox; the page is our own, served on 127.0.0.1
    args: ['--no-sandbox', '--disable-gpu', ...(opts.headless ? [] : ['--kiosk', '--start-fullscreen'])],
  });
  try {
    const context = await browser.newContext(opts.headless ? { viewport: opts.headless } : { viewport: null });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    return {
      screenshot: () => page.screenshot({ type: 'png' }),
      evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close().catch(() => undefined);
    throw err;
  }
}
