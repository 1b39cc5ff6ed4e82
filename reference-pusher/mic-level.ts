// The captured microphone level for bindaudiovolumenotify: the pipeline taps the audio as it
// goes to the encoder (after setMICVolume and the effects, so a muted or closed microphone
// reads the floor) as 16-bit mono PCM at a low rate, and this meter turns each block of it into
// a volume from 0 (-60 dBFS RMS or quieter) to 100 (0 dBFS RMS).
// Spec: live-pusher.zh.md 事件 bindaudiovolumenotify (返回麦克风采集的音量大小); the detail
// {volume} is the driver protocol's (docs/driver-protocol.md), the scale and rate are ours.

/** Sample rate of the level tap (Hz). */
export const LEVEL_TAP_RATE = 8000;
/** One audiovolumenotify per block of this many ms of captured audio: fine enough to follow
 *  a voice's syllables (the spec gives no rate). */
export const VOLUME_NOTIFY_INTERVAL_MS = 100;
/** The level that reads 0. */
export const VOLUME_FLOOR_DBFS = -60;
export const VOLUME_MAX = 100;
const INT16_FULL_SCALE = 32768;
const BYTES_PER_SAMPLE = 2;

/** The volume (0-100) of an RMS level in dBFS: linear in dB between the floor and 0 dBFS. */
export function volumeOfDbfs(dbfs: number): number {
  if (!(dbfs > VOLUME_FLOOR_DBFS)) return 0;
  return Math.round(Math.min(VOLUME_MAX, ((dbfs - VOLUME_FLOOR_DBFS) / -VOLUME_FLOOR_DBFS) * VOLUME_MAX));
}

/** Feeds s16le PCM at LEVEL_TAP_RATE; calls `onVolume` once per VOLUME_NOTIFY_INTERVAL_MS of it. */
export class MicLevelMeter {
  private readonly blockSamples = Math.round((LEVEL_TAP_RATE * VOLUME_NOTIFY_INTERVAL_MS) / 1000);
  private sum = 0;
  private count = 0;
  private carry: Buffer | null = null;

  constructor(private readonly onVolume: (volume: number) => void) {}

  feed(chunk: Buffer): void {
    let data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const whole = data.length - (data.length % BYTES_PER_SAMPLE);
    this.carry = whole < data.length ? Buffer.from(data.subarray(whole)) : null;
    data = data.subarray(0, whole);
    for (let i = 0; i < data.length; i += BYTES_PER_SAMPLE) {
      const x = data.readInt16LE(i) / INT16_FULL_SCALE;
      this.sum += x * x;
      this.count++;
      if (this.count === this.blockSamples) {
        const rms = Math.sqrt(this.sum / this.count);
        this.onVolume(volumeOfDbfs(rms > 0 ? 20 * Math.log10(rms) : Number.NEGATIVE_INFINITY));
        this.sum = 0;
        this.count = 0;
      }
    }
  }
}
