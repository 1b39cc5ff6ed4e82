// The test pattern full screen, for a physical camera to film (issue 11 "Physical cameras see the
// chart"): a page served on 127.0.0.1 that draws one position's pattern (adapters/camera/
// pattern.ts: quadrants, patches, zoom ruler) as large as the screen allows, portrait, on black,
// with the binary frame counter advancing one per displayed frame (the cells the synthetic
// camera's drawbox chain paints, adapters/camera/synthetic.ts), so the oracles read a filmed
// screen as they read the synthetic camera. The page is plain HTML + canvas; adapters/display/
// browser.ts shows it in Chromium. close() stops the server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COUNTER_BITS, counterCells, renderPattern, type CameraPosition } from '../camera/pattern.ts';
import { encodePngRgb } from '../../reference-pusher/png.ts';

/** The pattern image's size: the synthetic camera's capture size (portrait). */
export const PAGE_PATTERN_WIDTH = 720;
export const PAGE_PATTERN_HEIGHT = 1280;

export interface PatternPage {
  url: string;
  position: CameraPosition;
  close(): Promise<void>;
}

/** The page: the pattern image fitted into the viewport, the counter's bit cells painted white per frame. */
export function patternPageHtml(position: CameraPosition): string {
  const bits = counterCells().flatMap((c) => (c.role === 'bit' && c.bit < COUNTER_BITS ? [{ bit: c.bit, ...c.rect }] : []));
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>lpbench pattern (${position})</title>
<style>html,body{margin:0;height:100%;background:#000;overflow:hidden;cursor:none}canvas{display:block}</style></head>
<body><canvas id="c"></canvas>
<script>
const BITS = ${JSON.stringify(bits)};
const img = new Image();
const canvas = document.getElementById('c');
const ctx = canvas.getContext('2d');
let n = 0;
function frame() {
  const w = window.innerWidth, h = window.innerHeight;
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  const scale = Math.min(w / ${PAGE_PATTERN_WIDTH}, h / ${PAGE_PATTERN_HEIGHT});
  const pw = ${PAGE_PATTERN_WIDTH} * scale, ph = ${PAGE_PATTERN_HEIGHT} * scale;
  const x0 = (w - pw) / 2, y0 = (h - ph) / 2;
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(img, x0, y0, pw, ph);
  ctx.fillStyle = '#fff';
  for (const b of BITS) {
    if ((n >> b.bit) & 1) ctx.fillRect(Math.round(x0 + b.x * pw), Math.round(y0 + b.y * ph), Math.round(b.w * pw), Math.round(b.h * ph));
  }
  document.body.dataset.frame = String(n);
  n = (n + 1) % ${2 ** COUNTER_BITS};
  requestAnimationFrame(frame);
}
img.onload = () => requestAnimationFrame(frame);
img.src = 'pattern.png';
</script></body></html>
`;
}

/** Serves the page of `position` on 127.0.0.1 (an ephemeral port). */
export async function startPatternPage(position: CameraPosition): Promise<PatternPage> {
  const png = encodePngRgb(PAGE_PATTERN_WIDTH, PAGE_PATTERN_HEIGHT, renderPattern({ position, width: PAGE_PATTERN_WIDTH, height: PAGE_PATTERN_HEIGHT }));
  const html = patternPageHtml(position);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    } else if (path === '/pattern.png') {
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      res.end(png);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not found: ${path}; this server has / and /pattern.png`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    position,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
