// Where the ffmpeg and ffprobe binaries come from: FFMPEG_PATH / FFPROBE_PATH override, else the
// binaries shipped inside @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe (no download
// at install time, so this works on a machine whose only network is the npm registry).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);

export interface BinaryLocation {
  path: string;
  source: 'env' | 'package';
}

export class BinaryNotFoundError extends Error {
  constructor(
    readonly binary: 'ffmpeg' | 'ffprobe',
    detail: string,
  ) {
    super(`${binary} not found: ${detail}`);
    this.name = 'BinaryNotFoundError';
  }
}

function locate(binary: 'ffmpeg' | 'ffprobe', envVar: string, pkg: string): BinaryLocation {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new BinaryNotFoundError(binary, `${envVar}=${fromEnv} does not exist`);
    return { path: fromEnv, source: 'env' };
  }
  let path: string;
  try {
    path = (require(pkg) as { path: string }).path;
  } catch (err) {
    throw new BinaryNotFoundError(binary, `${pkg} is not installed (${(err as Error).message}); run npm ci or set ${envVar}`);
  }
  if (!existsSync(path)) throw new BinaryNotFoundError(binary, `${pkg} points at ${path}, which is missing; set ${envVar}`);
  return { path, source: 'package' };
}

export function ffmpegLocation(): BinaryLocation {
  return locate('ffmpeg', 'FFMPEG_PATH', '@ffmpeg-installer/ffmpeg');
}

export function ffprobeLocation(): BinaryLocation {
  return locate('ffprobe', 'FFPROBE_PATH', '@ffprobe-installer/ffprobe');
}

export function ffmpegPath(): string {
  return ffmpegLocation().path;
}

export function ffprobePath(): string {
  return ffprobeLocation().path;
}
