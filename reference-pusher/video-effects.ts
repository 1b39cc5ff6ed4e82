// The reference pusher's image processing as ffmpeg filters: digital zoom (a centre crop that the
// pipeline's scale brings back to the encoded size), beauty (smoothing whose strength grows with
// the value, in two styles), whiteness (luma lifted towards white, chroma untouched) and the
// eleven colour filters. Applied to the camera picture only (not to a waiting-image or black).
// Spec: live-pusher.zh.md 通用属性 zoom (调整焦距), beauty (美颜 0-9), whiteness (美白 0-9),
// beauty-style (smooth 光滑 / nature 自然), filter (色彩滤镜, eleven names), custom-effect with
// skin-whiteness / skin-smoothness (0~1), applyFilter's lookup table (lut-filter.ts);
// context-api.md setZoom ({zoom} in [1, maxZoom], one decimal) / getMaxZoom; the camera controls
// the adapter applies: auto-focus (自动聚集) and toggleTorch (flashlight, back camera); applySticker's
// overlays (stickers.ts).

/** The spec's eleven filter names (live-pusher.zh.md filter). */
export type FilterName =
  | 'standard' | 'pink' | 'nostalgia' | 'blues' | 'romantic' | 'cool' | 'fresher' | 'solor' | 'aestheticism' | 'whitening' | 'cerisered';

export type BeautyStyle = 'smooth' | 'nature';

export interface VideoEffects {
  /** Digital zoom factor, 1 (none) .. MAX_ZOOM. */
  zoom: number;
  /** 0 (off) .. 9. */
  beauty: number;
  beautyStyle: BeautyStyle;
  /** 0 (off) .. 9. */
  whiteness: number;
  filter: FilterName;
  /** applyFilter's lookup table as a .cube file (lut-filter.ts); '' when none. */
  lut: string;
  /** applySticker's stickers (stickers.ts encodeStickers); '' when none. */
  stickers: string;
  /** Camera controls, applied by the camera adapter (adapters/camera/synthetic.ts): the torch
   *  toggled by toggleTorch (only a back camera has one) and the auto-focus attribute. */
  torch: boolean;
  autoFocus: boolean;
}

/** The largest digital zoom: the crop keeps a quarter of the capture's width and height (a
 *  720x1280 capture still gives 180x320 pixels, the smallest preset's size). */
export const MAX_ZOOM = 4;
/** The zoom the boolean `zoom` attribute asks for when set (the spec gives no factor). */
export const ATTRIBUTE_ZOOM = 2;
/** setZoom takes one decimal (context-api.md). */
export const ZOOM_DECIMALS = 1;
export const LEVEL_MAX = 9;

/** Gaussian sigma (pixels of the encoded frame) per beauty level, style smooth. */
const SMOOTH_SIGMA_PER_LEVEL = 0.35;
/** Unsharp-mask radius (pixels, odd) and the amount at level 9, style nature: a negative
 *  amount subtracts the local detail, up to all of it (-1) at level 9, so the texture falls
 *  with the level while edges wider than the radius keep their step. */
const NATURE_RADIUS = 5;
const NATURE_AMOUNT_AT_MAX = -1;
/** Share of the way to white the luma is lifted per whiteness level (level 9: 45 %). */
const WHITENESS_LIFT_PER_LEVEL = 0.05;

/** Each filter as an ffmpeg chain. Matrices are colorchannelmixer rows (out = M * in, RGB),
 *  picked so the grey patch takes a distinct tint and the colour patches a distinct shift. */
export const FILTER_CHAINS: Readonly<Record<FilterName, string>> = {
  standard: '',
  pink: 'colorchannelmixer=rr=1:rg=0.12:rb=0.06:gg=0.8:bb=0.96',
  nostalgia: 'colorchannelmixer=rr=0.393:rg=0.769:rb=0.189:gr=0.349:gg=0.686:gb=0.168:br=0.272:bg=0.534:bb=0.131',
  blues: 'colorchannelmixer=rr=0.7:gg=0.88:bb=1:br=0.2:bg=0.2',
  romantic: 'colorchannelmixer=rr=0.95:rb=0.2:gg=0.72:gr=0.05:bb=1.1',
  cool: 'colorchannelmixer=rr=0.72:gg=1:gb=0.1:bb=1:bg=0.15',
  fresher: 'colorchannelmixer=rr=0.85:gg=1.05:gb=0.12:bb=0.8',
  solor: 'eq=contrast=0.7:brightness=0.12:saturation=0.55',
  aestheticism: 'eq=contrast=1.35:saturation=1.6:brightness=-0.06',
  whitening: 'eq=brightness=0.22:saturation=0.85:contrast=0.9',
  cerisered: 'colorchannelmixer=rr=1.25:gg=0.62:gb=0.08:bb=0.7:br=0.1',
};

/** The chain ends in the encoder's pixel format (RGB filters convert the picture). */
const TO_ENCODER_FORMAT = 'format=yuv420p';

/** A zoom asked of setZoom, to one decimal, or a reason it is refused. */
export function checkZoom(zoom: unknown, maxZoom = MAX_ZOOM): { zoom: number } | { problem: string } {
  if (typeof zoom !== 'number' || !Number.isFinite(zoom)) return { problem: `zoom must be a number in [1, ${maxZoom}] (getMaxZoom), got ${JSON.stringify(zoom)}` };
  const scale = 10 ** ZOOM_DECIMALS;
  const rounded = Math.round(zoom * scale) / scale;
  if (rounded < 1 || rounded > maxZoom) return { problem: `zoom ${zoom} is out of range: legal values are 1 to ${maxZoom} (getMaxZoom), one decimal` };
  return { zoom: rounded };
}

/** The centre crop of a zoom, applied to the capture before the encoded size's crop and scale
 *  (which scale it back up); empty at zoom 1. Sizes are kept even for 4:2:0. */
export function zoomChain(zoom: number): string {
  if (!(zoom > 1)) return '';
  return `crop=w='trunc(iw/${zoom}/2)*2':h='trunc(ih/${zoom}/2)*2'`;
}

function beautyChain(level: number, style: BeautyStyle): string {
  if (level <= 0) return '';
  if (style === 'smooth') return `gblur=sigma=${(level * SMOOTH_SIGMA_PER_LEVEL).toFixed(3)}`;
  const amount = ((NATURE_AMOUNT_AT_MAX * level) / LEVEL_MAX).toFixed(3);
  return `unsharp=lx=${NATURE_RADIUS}:ly=${NATURE_RADIUS}:la=${amount}:cx=${NATURE_RADIUS}:cy=${NATURE_RADIUS}:ca=0`;
}

function whitenessChain(level: number): string {
  if (level <= 0) return '';
  const k = (level * WHITENESS_LIFT_PER_LEVEL).toFixed(3);
  return `lutyuv=y='val+(maxval-val)*${k}'`;
}

/** Beauty, whiteness and the colour filter on the scaled picture; empty when all are off. */
export function effectsChain(e: VideoEffects): string {
  const lut = e.lut ? `lut3d=file=${e.lut}:interp=trilinear` : '';
  const parts = [beautyChain(e.beauty, e.beautyStyle), whitenessChain(e.whiteness), FILTER_CHAINS[e.filter], lut].filter((p) => p !== '');
  if (parts.length === 0) return '';
  return [...parts, TO_ENCODER_FORMAT].join(',');
}

/** A custom-effect amount (0..1) on the 0..LEVEL_MAX scale of beauty and whiteness. */
function customLevel(attrs: Record<string, unknown>, name: string): number {
  return attrs['custom-effect'] === true ? Number(attrs[name] ?? 0) * LEVEL_MAX : 0;
}

/** The effects the attributes ask for (zoom from the boolean attribute; setZoom overrides it).
 *  With custom-effect on, skin-whiteness and skin-smoothness (0..1) drive the same whitening and
 *  smoothing as whiteness and beauty (0..9), the stronger of the two applying. */
export function effectsFromAttributes(attrs: Record<string, unknown>): VideoEffects {
  return {
    zoom: attrs['zoom'] === true ? ATTRIBUTE_ZOOM : 1,
    beauty: Math.max(Number(attrs['beauty'] ?? 0), customLevel(attrs, 'skin-smoothness')),
    beautyStyle: attrs['beauty-style'] === 'nature' ? 'nature' : 'smooth',
    whiteness: Math.max(Number(attrs['whiteness'] ?? 0), customLevel(attrs, 'skin-whiteness')),
    filter: (attrs['filter'] as FilterName | undefined) ?? 'standard',
    lut: '',
    stickers: '',
    torch: false,
    autoFocus: attrs['auto-focus'] !== false,
  };
}
