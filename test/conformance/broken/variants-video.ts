// Broken variants for the video checks (see variant-kit.ts): image processing accepted but not
// applied, applied alike for different values, a tinted "standard", a zoom that is half done, a
// setZoom that takes any value, a getMaxZoom that claims more than the camera does, a preview
// mirror ignored, forced or leaking into the stream, a snapshot quality ignored, sendMessage faked or late,
// applyFilter / clearFilters answered without effect, and custom rendering done wrong (the canvas
// ignored or read once, frames never offered or frozen, a wrong size told, the canvas pushed
// without enableVideoCustomRender). Each
// says OK on the driver protocol; only the decoded stream (or the range rule) gives it away.
import { dropAttrs, mapEvent, rewriteAttrs, type Json, type BrokenVariant } from './variant-kit.ts';
import { MAX_ZOOM } from '../../../reference-pusher/video-effects.ts';
import type { RawFrame } from '../../../reference-pusher/media-pipeline.ts';

/** How late the late variant's messages reach the stream (the check allows 1500 ms). */
const LATE_MESSAGE_MS = 2500;
/** The zoom the always-zoomed variant applies at least. */
const FORCED_ZOOM = 1.5;
/** What the inflated getMaxZoom claims (the reference's camera does MAX_ZOOM). */
const CLAIMED_MAX_ZOOM = MAX_ZOOM * 2;

const FILTER_CHECKS = '(pink|nostalgia|blues|romantic|cool|fresher|solor|aestheticism|whitening|cerisered)';

/** How far off the wrong-size variant's customrendererupdate is, in pixels each way. */
const WRONG_SIZE_PX = 16;
const CUSTOM_RENDER_PUSHED = '^context/createOffscreenCanvas/pushed$';

/** The first camera frame offered, offered again for ever (canvas-static). */
let frozenOffer: RawFrame | undefined;
/** The first canvas picture read, pushed for ever (canvas-read-once). */
let firstCanvas: Buffer | undefined;

/** Rewrites the args of every snapshot call. */
function snapshotArgs(fn: (args: Json) => Json): (req: Json) => Json {
  return (req) => {
    const params = req['params'] as Json | undefined;
    if (req['method'] !== 'call' || params?.['name'] !== 'snapshot') return req;
    return { ...req, params: { ...params, args: fn((params['args'] as Json | undefined) ?? {}) } };
  };
}

function setZoomArgs(req: Json): Json | undefined {
  const params = req['params'] as Json | undefined;
  if (req['method'] !== 'call' || params?.['name'] !== 'setZoom') return undefined;
  return (params['args'] as Json | undefined) ?? {};
}

/** applySticker's stickers moved to the frame's top-left corner, their size kept. */
function stickerAtCorner(req: Json): Json {
  const params = req['params'] as Json | undefined;
  if (req['method'] !== 'call' || params?.['name'] !== 'applySticker') return req;
  const args = (params['args'] as Json | undefined) ?? {};
  const stickers = Array.isArray(args['stickers']) ? (args['stickers'] as Json[]) : [];
  const moved = stickers.map((st) => {
    const pos = Array.isArray(st['pos']) ? (st['pos'] as unknown[]) : [];
    return { ...st, pos: ['0', '0', ...pos.slice(2)] };
  });
  return { ...req, params: { ...params, args: { ...args, stickers: moved } } };
}

export const VIDEO_VARIANTS: BrokenVariant[] = [
  {
    name: 'video-effects-ignored',
    what: 'accepts zoom, setZoom, beauty, beauty-style, whiteness and filter but pushes the untouched picture',
    pusher: { encodeConfig: (c) => ({ ...c, zoom: 1, beauty: 0, whiteness: 0, filter: 'standard' }) },
    breaks: [
      '^attributes/whiteness/levels$',
      '^attributes/beauty/levels$',
      '^attributes/beauty-style/nature$',
      `^attributes/filter/${FILTER_CHECKS}$`,
      '^attributes/filter/distinct$',
      '^attributes/zoom/true$',
      '^context/setZoom/range$',
      '^attributes/custom-effect/(skin|immutable)$',
    ],
  },
  {
    name: 'zoom-always-on',
    what: `zooms ${FORCED_ZOOM}x even when no zoom is asked for (zoom false, setZoom 1)`,
    pusher: { encodeConfig: (c) => ({ ...c, zoom: Math.max(c.zoom, FORCED_ZOOM) }) },
    breaks: ['^attributes/zoom/false$', '^context/setZoom/range$'],
  },
  {
    name: 'custom-effect-mutable',
    what: 'answers OK to an update of custom-effect after creation (the change is silently dropped)',
    request: (req) => {
      const params = req['params'] as Json | undefined;
      const attrs = params?.['attrs'] as Json | undefined;
      if (req['method'] !== 'update' || !attrs || !('custom-effect' in attrs)) return req;
      const rest = Object.fromEntries(Object.entries(attrs).filter(([k]) => k !== 'custom-effect'));
      return { ...req, params: { ...params, attrs: rest } };
    },
    breaks: ['^attributes/custom-effect/immutable$'],
  },
  {
    name: 'beauty-style-ignored',
    what: 'smooths with style smooth whatever beauty-style says',
    pusher: { encodeConfig: (c) => ({ ...c, beautyStyle: 'smooth' }) },
    breaks: ['^attributes/beauty-style/nature$'],
  },
  {
    name: 'beauty-one-strength',
    what: 'smooths every beauty level above 0 as hard as level 9',
    pusher: { encodeConfig: (c) => ({ ...c, beauty: c.beauty > 0 ? 9 : 0 }) },
    breaks: ['^attributes/beauty/levels$'],
  },
  {
    name: 'whiteness-tints',
    what: 'whitens with a pink cast (the grey patch loses its neutrality)',
    pusher: { encodeConfig: (c) => (c.whiteness > 0 ? { ...c, filter: 'pink' } : c) },
    breaks: ['^attributes/whiteness/levels$'],
  },
  {
    name: 'filters-one-look',
    what: 'applies the pink filter for every filter other than standard',
    pusher: { encodeConfig: (c) => (c.filter === 'standard' ? c : { ...c, filter: 'pink' }) },
    breaks: ['^attributes/filter/distinct$'],
  },
  {
    name: 'filter-standard-tinted',
    what: 'standard is not untouched: it applies the cool filter',
    pusher: { encodeConfig: (c) => (c.filter === 'standard' ? { ...c, filter: 'cool' } : c) },
    breaks: ['^attributes/filter/standard$'],
  },
  {
    name: 'zoom-half-applied',
    what: 'setZoom answers the zoom asked for but the camera moves only half way from 1',
    pusher: { encodeConfig: (c) => ({ ...c, zoom: 1 + (c.zoom - 1) / 2 }) },
    breaks: ['^context/setZoom/range$'],
  },
  {
    name: 'setZoom-accepts-above-max',
    what: 'setZoom above maxZoom is clamped to maxZoom and answered OK instead of refused',
    request: (req) => {
      const args = setZoomArgs(req);
      if (!args || !(typeof args['zoom'] === 'number' && args['zoom'] > MAX_ZOOM)) return req;
      return { ...req, params: { ...(req['params'] as Json), args: { ...args, zoom: MAX_ZOOM } } };
    },
    breaks: ['^context/setZoom/range$'],
  },
  {
    name: 'maxZoom-inflated',
    what: `getMaxZoom claims ${CLAIMED_MAX_ZOOM} while the camera does ${MAX_ZOOM}`,
    outgoing: (msg) => {
      const result = msg['result'] as Json | undefined;
      if (!result || typeof result['maxZoom'] !== 'string') return msg;
      return { ...msg, result: { ...result, maxZoom: String(CLAIMED_MAX_ZOOM) } };
    },
    breaks: ['^context/setZoom/range$'],
  },
  {
    name: 'sendMessage-faked',
    what: 'answers sendMessage OK and sends nothing',
    fakeCalls: ['sendMessage'],
    breaks: ['^context/sendMessage/sei$'],
  },
  {
    name: 'sendMessage-late',
    what: `answers sendMessage OK at once but puts the message in the stream ${LATE_MESSAGE_MS} ms later`,
    fakeCalls: ['sendMessage'],
    later: (req) => {
      const params = req['params'] as Json | undefined;
      if (req['method'] !== 'call' || params?.['name'] !== 'sendMessage') return [];
      return [{ afterMs: LATE_MESSAGE_MS, request: { method: 'call', params } }];
    },
    breaks: ['^context/sendMessage/sei$'],
  },
  {
    name: 'applyFilter-faked',
    what: 'answers applyFilter OK and leaves the picture as it was',
    fakeCalls: ['applyFilter'],
    breaks: ['^context/applyFilter/lut$'],
  },
  {
    name: 'clearFilters-faked',
    what: 'answers clearFilters OK and keeps the lookup table applied',
    fakeCalls: ['clearFilters'],
    breaks: ['^context/clearFilters/restores$'],
  },
  {
    name: 'local-mirror-ignored',
    what: 'the preview mirrors as local-mirror auto whatever local-mirror says',
    pusher: { encodeConfig: (c) => ({ ...c, previewMirror: c.position === 'front' }) },
    breaks: ['^attributes/local-mirror/(enable|disable)$'],
  },
  {
    name: 'preview-always-mirrored',
    what: 'the preview of both cameras is mirrored whatever local-mirror says',
    pusher: { encodeConfig: (c) => ({ ...c, previewMirror: true }) },
    breaks: ['^attributes/local-mirror/(auto|disable)$'],
  },
  {
    name: 'preview-mirror-leaks',
    what: 'the stream is mirrored whenever the preview is (local-mirror applied to the stream too)',
    pusher: { encodeConfig: (c) => ({ ...c, streamMirror: c.streamMirror || c.previewMirror }) },
    breaks: ['^attributes/local-mirror/(auto|enable|disable)$'],
  },
  {
    name: 'camera-controls-ignored',
    what: 'answers toggleTorch OK without lighting anything and accepts auto-focus without acting on the camera',
    fakeCalls: ['toggleTorch'],
    request: dropAttrs(['auto-focus']),
    breaks: ['^context/toggleTorch/lights$', '^attributes/auto-focus/focus$'],
  },
  {
    // Three corners cut in one variant, each failing its own check, so the stickers push runs once.
    name: 'custom-effects-careless',
    what: 'custom-effect is always on (the skin effects show while the app set it false, and turning it on is accepted), applySticker draws at the frame corner whatever pos says, clearStickers answers OK and keeps the sticker',
    request: (req) => stickerAtCorner(rewriteAttrs((a) => ('custom-effect' in a ? { ...a, 'custom-effect': true } : a), true)(req)),
    fakeCalls: ['clearStickers'],
    breaks: ['^attributes/custom-effect/(false|false-stays)$', '^context/applySticker/placed$', '^context/clearStickers/removes$'],
  },
  {
    name: 'canvas-ignored',
    what: 'with enableVideoCustomRender true, offers the frames and answers the canvas, but pushes the camera',
    pusher: { encodeConfig: (c) => ({ ...c, customRender: false }) },
    breaks: [CUSTOM_RENDER_PUSHED],
  },
  {
    name: 'frames-never-offered',
    what: "accepts onCustomRendererEvent('frame') and never offers a frame (the canvas stays empty)",
    pusher: { customRender: { offered: () => null } },
    breaks: [CUSTOM_RENDER_PUSHED, '^context/onCustomRendererEvent/frame$'],
  },
  {
    name: 'canvas-static',
    what: 'offers the first camera frame again and again (fresh timestamps), so the page draws one frozen picture',
    pusher: { customRender: { offered: (f) => ({ ...(frozenOffer ??= f), at: f.at }) } },
    breaks: [CUSTOM_RENDER_PUSHED, '^context/onCustomRendererEvent/frame$'],
  },
  {
    name: 'canvas-read-once',
    what: 'pushes the first picture the page drew into the canvas and never reads it again',
    pusher: { customRender: { canvas: (picture) => (firstCanvas ??= picture) } },
    breaks: [CUSTOM_RENDER_PUSHED],
  },
  {
    name: 'update-wrong-size',
    what: `says a push size ${WRONG_SIZE_PX} px wider and taller than the one pushed in customrendererupdate`,
    outgoing: mapEvent('customrendererupdate', (d) => ({ ...d, width: Number(d['width']) + WRONG_SIZE_PX, height: Number(d['height']) + WRONG_SIZE_PX })),
    breaks: ['^context/onCustomRendererEvent/update$'],
  },
  {
    name: 'custom-render-always',
    what: 'pushes the (empty, black) canvas even with enableVideoCustomRender false',
    pusher: { encodeConfig: (c) => ({ ...c, customRender: true }) },
    breaks: ['^attributes/enableVideoCustomRender/false$'],
  },
  {
    name: 'snapshot-always-png',
    what: 'snapshot ignores quality compressed and writes a PNG',
    request: snapshotArgs((args) => ({ ...args, quality: 'raw' })),
    breaks: ['^context/snapshot/quality-compressed$'],
  },
  {
    name: 'snapshot-always-jpeg',
    what: 'snapshot ignores quality raw and writes a JPEG',
    request: snapshotArgs((args) => ({ ...args, quality: 'compressed' })),
    breaks: ['^context/snapshot/quality-raw$'],
  },
];
