// The synthetic camera (README "Rig files"): the measurable test pattern of pattern.ts played
// as a live, real-time-paced ffmpeg input, with the frame counter drawn per frame by a chain
// of drawbox filters whose timeline `enable` expression tests bit i of the frame number n.
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

export interface CameraSource {
  kind: 'synthetic' | 'v4l2' | 'file';
  position: CameraPosition;
  describe(): string;
  /** ffmpeg input args producing live, real-time-paced frames at `fps`. */
  inputArgs(opts: { fps: number }): Promise<string[]>;
  /** A filter chain (ffmpeg -filter syntax, may be '') to apply right after the input. */
  inputFilter(opts: { fps: number }): string;
  captureWidth: number;
  captureHeight: number;
}

const COUNTER_ON_COLOUR = 'white';

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
    inputFilter: () => counterFilterChain(captureWidth, captureHeight),
  };
}
