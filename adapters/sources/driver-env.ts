// The environment a driver is started with (docs/driver-protocol.md "Finding ffmpeg"): the
// bench's own environment plus FFMPEG_PATH / FFPROBE_PATH naming the binaries the bench itself
// uses (the user's values win), so a driver that pushes with ffmpeg needs no binary of its own.
import { ffmpegPath, ffprobePath } from '../ffmpeg.ts';

function tryPath(locate: () => string): string | undefined {
  try {
    return locate();
  } catch {
    return undefined;
  }
}

export function driverEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  env.FFMPEG_PATH ||= tryPath(ffmpegPath);
  env.FFPROBE_PATH ||= tryPath(ffprobePath);
  for (const key of ['FFMPEG_PATH', 'FFPROBE_PATH'] as const) if (env[key] === undefined) delete env[key];
  return env;
}
