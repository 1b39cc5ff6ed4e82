// The synthetic camera (README "Rig files"): the measurable test pattern of pattern.ts played
// as a live, real-time-paced ffmpeg input, with the frame counter drawn per frame by a chain
// of drawbox filters whose timeline `enable` expression tests bit i of the frame number n.
// Camera controls act on the scene the way a real camera's do: the back camera's torch lights the
// scene (every channel scaled up, as more light on the same surfaces), and the scene sits off the
// lens's fixed focus distance, so with auto-focus off the whole picture is out of focus (a blur).
// The front camera has no torch. Spec: live-pusher.zh.md auto-focus (自动聚集); context-api.md
// toggleTorch (flashlight, back camera).
import {
  COUNTER_BITS,
  DEFAULT_CAPTURE_HEIGHT,
  DEFAULT_CAPTURE_WIDTH,
  counterCells,
  patternPpm,
  rectToPixels,
  type CameraPosition,
} from './pattern.ts';

export type { CameraPosition } from './pattern.ts';

/** The camera's controls (the pusher's torch and auto-focus); absent: torch off, auto-focus on. */
export interface CameraControls {
  torch: boolean;
  autoFocus: boolean;
}

export interface CameraSource {
  kind: 'synthetic' | 'v4l2' | 'file';
  position: CameraPosition;
  describe(): string;
  /** ffmpeg input args producing live, real-time-paced frames at `fps`; a device camera sets
   *  `controls` on the device as it opens (adapters/v4l2/controls.ts). */
  inputArgs(opts: { fps: number; controls?: CameraControls }): Promise<string[]>;
  /** A filter chain (ffmpeg -filter syntax, may be '') to apply right after the input; with
   *  `controls`, the scene as the camera shows it under them. */
  inputFilter(opts: { fps: number; controls?: CameraControls }): string;
  captureWidth: number;
  captureHeight: number;
}

const COUNTER_ON_COLOUR = 'white';
/** The torch's light: each channel of the scene is scaled by this (clipped at white), as a lit
 *  surface reflects more of the light falling on it. */
export const TORCH_GAIN = 1.3;
/** Out of focus (auto-focus off): detail finer than this many capture pixels is lost (the scene
 *  is averaged down by this factor and brought back up; a Gaussian blur of that reach costs a
 *  loaded machine its frame rate). */
export const DEFOCUS_FACTOR = 4;

/** The scene under the camera's controls: torch light (back camera only), then defocus. */
export function controlsChain(position: CameraPosition, controls: CameraControls | undefined, width: number, height: number): string {
  const parts: string[] = [];
  if (controls?.torch && position === 'back') {
    const lit = `clip(val*${TORCH_GAIN},0,255)`;
    parts.push(`lutrgb=r='${lit}':g='${lit}':b='${lit}'`);
  }
  if (controls && !controls.autoFocus) {
    const even = (n: number) => Math.max(2, Math.floor(n / DEFOCUS_FACTOR / 2) * 2);
    parts.push(`scale=${even(width)}:${even(height)}:flags=area`, `scale=${width}:${height}:flags=fast_bilinear`);
  }
  return parts.join(',');
}

/** drawbox chain that paints the counter's data cells white where bit i of n is set. */
export function counterFilterChain(width: number, height: number): string {
  const boxes: string[] = [];
  for (const cell of counterCells()) {
    if (cell.role !== 'bit' || cell.bit >= COUNTER_BITS) continue;
    const { x0, y0, x1, y1 } = rectToPixels(cell.rect, width, height);
    boxes.push(
      `drawbox=x=${x0}:y=${y0}:w=${x1 - x0}:h=${y1 - y0}:color=${COUNTER_ON_COLOUR}:t=fill` +
        `:enable='mod(floor(n/${2 ** cell.bit}),2)'`,
    );
  }
  return boxes.join(',');
}

export function syntheticCamera(position: CameraPosition, opts: { width?: number; height?: number } = {}): CameraSource {
  const captureWidth = opts.width ?? DEFAULT_CAPTURE_WIDTH;
  const captureHeight = opts.height ?? DEFAULT_CAPTURE_HEIGHT;
  if (!Number.isInteger(captureWidth) || !Number.isInteger(captureHeight) || captureWidth < 2 || captureHeight < 2) {
    throw new RangeError(`synthetic camera: bad capture size ${captureWidth}x${captureHeight}`);
  }
  return {
    kind: 'synthetic',
    position,
    captureWidth,
    captureHeight,
    describe: () => `synthetic ${position} camera pattern ${captureWidth}x${captureHeight}`,
    async inputArgs({ fps }) {
      if (!(fps > 0)) throw new RangeError(`synthetic camera: bad fps ${fps}`);
      const ppm = await patternPpm({ position, width: captureWidth, height: captureHeight });
      return ['-re', '-loop', '1', '-framerate', String(fps), '-f', 'image2', '-i', ppm];
    },
    inputFilter: ({ controls }) => [counterFilterChain(captureWidth, captureHeight), controlsChain(position, controls, captureWidth, captureHeight)].filter((f) => f !== '').join(','),
  };
}
