// v4l2-ctl (v4l-utils) as the bench's window on a V4L2 camera (issue 11 "Rig model": formats,
// sizes, frame rates and controls): building its command lines and parsing what it prints for
// --list-formats-ext, --list-ctrls and --info. Pure functions; running them is
// adapters/v4l2/probe.ts. The output formats are v4l-utils 1.22–1.24's (Debian 12 ships 1.22).

export const V4L2_CTL = 'v4l2-ctl';

/** The controls the bench acts on when a device has them (context-api.md setZoom, toggleTorch; focus). */
export const ZOOM_CONTROL = 'zoom_absolute';
export const FOCUS_CONTINUOUS_CONTROLS = ['focus_automatic_continuous', 'focus_auto'] as const;
/** The V4L2 flash class ("LED Mode" -> led_mode): a torch where the camera has a flash LED. */
export const TORCH_CONTROLS = ['led_mode', 'torch_intensity'] as const;

export type V4l2Query = 'formats' | 'ctrls' | 'info';

const QUERY_FLAGS: Record<V4l2Query, string> = { formats: '--list-formats-ext', ctrls: '--list-ctrls', info: '--info' };

/** Args of `v4l2-ctl -d <device> <query>`. */
export function queryArgs(device: string, query: V4l2Query): string[] {
  return ['-d', device, QUERY_FLAGS[query]];
}

const CONTROL_NAME = /^[a-z][a-z0-9_]*$/;

/** Args setting one control (`--set-ctrl zoom_absolute=200`); the name and value are checked. */
export function setControlArgs(device: string, name: string, value: number): string[] {
  if (!CONTROL_NAME.test(name)) throw new RangeError(`v4l2 control name ${JSON.stringify(name)} is not legal; expected lower_case_with_underscores`);
  if (!Number.isInteger(value)) throw new RangeError(`v4l2 control ${name}: value ${value} is not legal; expected an integer`);
  return ['-d', device, `--set-ctrl=${name}=${value}`];
}

/** Args choosing the capture format (`--set-fmt-video=width=..,height=..,pixelformat=..`). */
export function setFormatArgs(device: string, fmt: { width: number; height: number; fourcc: string }): string[] {
  if (!/^[A-Z0-9 ]{4}$/.test(fmt.fourcc)) throw new RangeError(`v4l2 pixel format ${JSON.stringify(fmt.fourcc)} is not legal; expected a FourCC like MJPG or YUYV`);
  for (const [k, v] of [['width', fmt.width], ['height', fmt.height]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`v4l2 ${k} ${v} is not legal; expected a positive integer`);
  }
  return ['-d', device, `--set-fmt-video=width=${fmt.width},height=${fmt.height},pixelformat=${fmt.fourcc.trim()}`];
}

// ---- --list-formats-ext ----

export type FrameInterval =
  | { kind: 'discrete'; fps: number }
  | { kind: 'stepwise'; minFps: number; maxFps: number };

export type FrameSize =
  | { kind: 'discrete'; width: number; height: number; intervals: FrameInterval[] }
  | { kind: 'stepwise'; minWidth: number; minHeight: number; maxWidth: number; maxHeight: number; stepWidth: number; stepHeight: number; intervals: FrameInterval[] };

export interface PixelFormat {
  index: number;
  fourcc: string;
  description: string;
  compressed: boolean;
  sizes: FrameSize[];
}

/** Frame rates are printed with three decimals ("30.000 fps"); rounded to that. */
function fps(text: string): number {
  return Math.round(Number(text) * 1000) / 1000;
}

export function parseFormats(text: string): PixelFormat[] {
  const formats: PixelFormat[] = [];
  let size: FrameSize | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^\[(\d+)\]: '(.{4})' \((.*?)(, compressed)?\)$/.exec(line))) {
      formats.push({ index: Number(m[1]), fourcc: m[2]!.trim(), description: m[3]!, compressed: Boolean(m[4]), sizes: [] });
      size = undefined;
    } else if ((m = /^Size: Discrete (\d+)x(\d+)$/.exec(line))) {
      size = { kind: 'discrete', width: Number(m[1]), height: Number(m[2]), intervals: [] };
      current(formats, line).sizes.push(size);
    } else if ((m = /^Size: (?:Stepwise|Continuous) (\d+)x(\d+) - (\d+)x(\d+)(?: with step (\d+)\/(\d+))?$/.exec(line))) {
      size = {
        kind: 'stepwise',
        minWidth: Number(m[1]), minHeight: Number(m[2]), maxWidth: Number(m[3]), maxHeight: Number(m[4]),
        stepWidth: Number(m[5] ?? 1), stepHeight: Number(m[6] ?? 1), intervals: [],
      };
      current(formats, line).sizes.push(size);
    } else if ((m = /^Interval: Discrete [\d.]+s \(([\d.]+) fps\)$/.exec(line))) {
      requireSize(size, line).intervals.push({ kind: 'discrete', fps: fps(m[1]!) });
    } else if ((m = /^Interval: (?:Stepwise|Continuous) [\d.]+s - [\d.]+s(?: with step [\d.]+s)? \(([\d.]+)-([\d.]+) fps\)$/.exec(line))) {
      requireSize(size, line).intervals.push({ kind: 'stepwise', minFps: fps(m[1]!), maxFps: fps(m[2]!) });
    }
  }
  return formats;
}

function current(formats: PixelFormat[], line: string): PixelFormat {
  const f = formats[formats.length - 1];
  if (!f) throw new SyntaxError(`v4l2-ctl --list-formats-ext: ${JSON.stringify(line)} before any format line`);
  return f;
}

function requireSize(size: FrameSize | undefined, line: string): FrameSize {
  if (!size) throw new SyntaxError(`v4l2-ctl --list-formats-ext: ${JSON.stringify(line)} before any Size line`);
  return size;
}

/** Whether a format offers width x height at (at least) fps. */
export function supports(format: PixelFormat, width: number, height: number, atFps: number): boolean {
  return format.sizes.some((s) => {
    const fits =
      s.kind === 'discrete'
        ? s.width === width && s.height === height
        : width >= s.minWidth && width <= s.maxWidth && height >= s.minHeight && height <= s.maxHeight &&
          (width - s.minWidth) % s.stepWidth === 0 && (height - s.minHeight) % s.stepHeight === 0;
    // A driver that lists no frame intervals for a size (bcm2835 stepwise) leaves the rate to the stream: not refused here.
    return fits && (s.intervals.length === 0 || s.intervals.some((i) => (i.kind === 'discrete' ? i.fps >= atFps : i.maxFps >= atFps && i.minFps <= atFps)));
  });
}

// ---- --list-ctrls ----

export interface Control {
  name: string;
  id: number;
  type: string;
  min?: number;
  max?: number;
  step?: number;
  default?: number;
  value?: number;
  /** The menu item's label printed after a menu value: "(Aperture Priority Mode)". */
  valueLabel?: string;
  flags: string[];
  /** The class heading it was listed under ("Camera Controls"). */
  group: string;
}

export function parseControls(text: string): Map<string, Control> {
  const controls = new Map<string, Control>();
  let group = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([a-z][a-z0-9_]*) (0x[0-9a-f]{8}) \(([a-z0-9 ]+)\)\s*:(.*)$/.exec(line);
    if (!m) {
      if (/^[A-Z][A-Za-z0-9 ]* Controls$/.test(line)) group = line;
      continue;
    }
    const fields = m[4]!;
    const num = (key: string): number | undefined => {
      const f = new RegExp(`(?:^|\\s)${key}=(-?(?:0x[0-9a-f]+|\\d+))`).exec(fields);
      return f ? Number(f[1]) : undefined;
    };
    const label = /value=-?\d+ \(([^)]*)\)/.exec(fields);
    const flags = /flags=([a-z, -]+)$/.exec(fields.trim());
    controls.set(m[1]!, {
      name: m[1]!,
      id: Number.parseInt(m[2]!, 16),
      type: m[3]!.trim(),
      min: num('min'),
      max: num('max'),
      step: num('step'),
      default: num('default'),
      value: num('value'),
      ...(label ? { valueLabel: label[1] } : {}),
      flags: flags ? flags[1]!.split(',').map((s) => s.trim()).filter(Boolean) : [],
      group,
    });
  }
  return controls;
}

/** What the pusher's zoom/focus/torch can use on this device (context-api.md setZoom / toggleTorch). */
export function cameraFeatures(controls: Map<string, Control>): { zoom?: { min: number; max: number }; continuousFocus?: string; torch?: string } {
  const zoom = controls.get(ZOOM_CONTROL);
  return {
    ...(zoom && zoom.min !== undefined && zoom.max !== undefined ? { zoom: { min: zoom.min, max: zoom.max } } : {}),
    ...(pick(controls, FOCUS_CONTINUOUS_CONTROLS) ? { continuousFocus: pick(controls, FOCUS_CONTINUOUS_CONTROLS) } : {}),
    ...(pick(controls, TORCH_CONTROLS) ? { torch: pick(controls, TORCH_CONTROLS) } : {}),
  };
}

function pick(controls: Map<string, Control>, names: readonly string[]): string | undefined {
  return names.find((n) => controls.has(n));
}

// ---- --info ----

export interface DeviceInfo {
  driver: string;
  card: string;
  bus: string;
  driverVersion?: string;
  /** The node's own capabilities ("Device Caps"), else the device's ("Capabilities"). */
  caps: string[];
}

export function parseInfo(text: string): DeviceInfo {
  const field = (name: string): string | undefined => new RegExp(`^\\s*${name}\\s*: (.*)$`, 'm').exec(text)?.[1]?.trim();
  const capsAfter = (heading: string): string[] | undefined => {
    const lines = text.split('\n');
    const at = lines.findIndex((l) => new RegExp(`^\\s*${heading}\\s*: 0x`).test(l));
    if (at < 0) return undefined;
    const indent = /^\s*/.exec(lines[at]!)![0].length;
    const out: string[] = [];
    for (const l of lines.slice(at + 1)) {
      if (/^\s*$/.test(l) || /^\s*/.exec(l)![0].length <= indent || l.includes(':')) break;
      out.push(l.trim());
    }
    return out;
  };
  const driver = field('Driver name');
  const card = field('Card type');
  if (!driver || !card) throw new SyntaxError('v4l2-ctl --info: no "Driver name" / "Card type" line (is this v4l2-ctl --info output?)');
  return { driver, card, bus: field('Bus info') ?? '', driverVersion: field('Driver version'), caps: capsAfter('Device Caps') ?? capsAfter('Capabilities') ?? [] };
}

/** A node that can capture video (UVC cameras also expose metadata-only nodes). */
export function canCapture(info: DeviceInfo): boolean {
  return info.caps.includes('Video Capture') || info.caps.includes('Video Capture Multiplanar');
}
