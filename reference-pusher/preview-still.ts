// The pictures the pusher keeps: snapshot() of the latest frame (sourceType stream: mirrored as
// pushed; view: as previewed) and the paused still (the waiting-image when it loads and matches
// waiting-image-hash, else the last frame, else black; 10004 when the image cannot be used).
// Spec: context-api.md (snapshot: quality, sourceType, tempImagePath, width/height as strings)
// and live-pusher.zh.md (通用属性 waiting-image, waiting-image-hash; 错误码 10004).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncodeConfig } from './encode-config.ts';
import type { RawFrame } from './media-pipeline.ts';
import { encodePngRgb, encodePpm, mirrorRgb } from './png.ts';
import { writeJpeg } from './snapshot-jpeg.ts';

const RGB_BYTES = 3;
const SNAPSHOT_SOURCE_TYPES = ['stream', 'view'] as const;
const SNAPSHOT_QUALITIES = ['raw', 'compressed'] as const;

export type SnapshotSourceType = (typeof SNAPSHOT_SOURCE_TYPES)[number];
export type SnapshotQuality = (typeof SNAPSHOT_QUALITIES)[number];

/** snapshot()'s arguments checked: an error message (without the `snapshot:fail ` prefix) or the source type. */
export function checkSnapshotArgs(args: { quality?: unknown; sourceType?: unknown }): { sourceType: SnapshotSourceType; quality: SnapshotQuality } | { problem: string } {
  const sourceType = args.sourceType ?? 'stream';
  if (!(SNAPSHOT_SOURCE_TYPES as readonly unknown[]).includes(sourceType)) {
    return { problem: `sourceType ${JSON.stringify(sourceType)} is not legal; expected "stream" or "view"` };
  }
  const quality = args.quality ?? 'raw';
  if (!(SNAPSHOT_QUALITIES as readonly unknown[]).includes(quality)) {
    return { problem: `quality ${JSON.stringify(quality)} is not legal; expected "raw" or "compressed"` };
  }
  return { sourceType: sourceType as SnapshotSourceType, quality: quality as SnapshotQuality };
}

/** Why a waiting-image cannot be shown (unreadable, or its MD5 is not waiting-image-hash), or undefined. */
export function waitingImageProblem(path: string, hash: unknown): string | undefined {
  if (!existsSync(path)) return `waiting-image ${path} cannot be read`;
  if (typeof hash === 'string' && hash) {
    const actual = createHash('md5').update(readFileSync(path)).digest('hex');
    if (actual.toLowerCase() !== hash.toLowerCase()) return `waiting-image-hash ${hash} does not match the image's MD5 ${actual}`;
  }
  return undefined;
}

/** The snapshot files and the paused still, in the pusher's work dir; remembers the last frame. */
export class PreviewStill {
  private snapshotCount = 0;
  private lastFrame: RawFrame | undefined;

  constructor(private readonly workDir: string) {}

  /** Keeps the latest frame of a pipeline that is going away (the paused still falls back to it). */
  remember(frame: RawFrame | undefined): void {
    this.lastFrame = frame ?? this.lastFrame;
  }

  /** Writes `frame` mirrored when asked: quality raw as a lossless PNG, compressed as a JPEG
   *  (snapshot-jpeg.ts); returns the snapshot's success payload. */
  async writeSnapshot(frame: RawFrame, mirror: boolean, quality: SnapshotQuality = 'raw'): Promise<{ tempImagePath: string; width: string; height: string }> {
    const rgb = mirror ? mirrorRgb(frame.width, frame.height, frame.rgb) : frame.rgb;
    const base = join(this.workDir, `snapshot-${++this.snapshotCount}`);
    let path: string;
    if (quality === 'compressed') {
      path = `${base}.jpg`;
      await writeJpeg(path, frame.width, frame.height, rgb);
    } else {
      path = `${base}.png`;
      writeFileSync(path, encodePngRgb(frame.width, frame.height, rgb));
    }
    return { tempImagePath: path, width: String(frame.width), height: String(frame.height) };
  }

  /** The paused picture: the waiting-image when usable (else `onProblem` is told why), the last frame, or black. */
  stillPath(attrs: Readonly<Record<string, unknown>>, config: EncodeConfig, onProblem: (problem: string) => void): string {
    const image = attrs['waiting-image'];
    if (typeof image === 'string' && image) {
      const problem = waitingImageProblem(image, attrs['waiting-image-hash']);
      if (!problem) return image;
      onProblem(problem);
    }
    const frame = this.lastFrame;
    const path = join(this.workDir, 'still.ppm');
    if (frame) writeFileSync(path, encodePpm(frame.width, frame.height, frame.rgb));
    else writeFileSync(path, encodePpm(config.width, config.height, new Uint8Array(config.width * config.height * RGB_BYTES)));
    return path;
  }
}
