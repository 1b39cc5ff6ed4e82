// A microphone ffmpeg cannot open itself (PulseAudio, recorded by parec): the media pipeline runs
// its capture process beside ffmpeg and feeds its raw audio in on CAPTURE_PIPE_FD. Judged here with
// a stand-in capture (node writing a sine as s16le in real time), so no sound server is needed:
// the audio is encoded; a capture that cannot start fails the start as a device that cannot be
// opened does (ProcessStartError naming it); closing the pipeline ends both processes, also after
// the encoder died first while the capture was still writing. (The restart with real parec is
// judged in test/adapters/microphone/pulse-virtual.test.ts.)
import { describe, expect, it } from 'vitest';
import { attributeDefaults } from '../../spec/index.ts';
import { captureInputArgs } from '../../adapters/microphone/synthetic.ts';
import { ProcessStartError } from '../../adapters/process/supervised.ts';
import { resolveEncodeConfig } from '../../reference-pusher/encode-config.ts';
import { MediaPipeline, type AudioInput, type VideoInput } from '../../reference-pusher/media-pipeline.ts';

const config = { ...resolveEncodeConfig({ ...attributeDefaults() }, new Set()), width: 64, height: 96, fps: 10 };
const camera: VideoInput = {
  inputArgs: async () => ['-re', '-f', 'lavfi', '-i', `testsrc=size=${config.width}x${config.height}:rate=${config.fps}`],
  inputFilter: () => '',
  describe: () => 'test source',
};
/** 20 ms of a 1 kHz sine as s16le every 20 ms, for at most 30 s. */
const SINE_SCRIPT = (rate: number) =>
  `const n=${rate}/50;let t=0;const end=Date.now()+30000;setInterval(()=>{if(Date.now()>end)process.exit(0);const b=Buffer.alloc(n*2);for(let i=0;i<n;i++,t++)b.writeInt16LE(Math.round(8000*Math.sin(2*Math.PI*1000*t/${rate})),i*2);process.stdout.write(b)},20)`;
/** Samples as fast as the pipe takes them (at most 30 s): the pipe into ffmpeg fills and pauses the capture's output. */
const FLOOD_SCRIPT = 'const b=Buffer.alloc(65536);const end=Date.now()+30000;const w=()=>{while(Date.now()<end&&process.stdout.write(b));if(Date.now()<end)process.stdout.once("drain",w);else process.exit(0)};w()';
const CLOSE_WITHIN_MS = 5_000;

function captured(script: string): AudioInput {
  return {
    inputArgs: async ({ sampleRate }) => captureInputArgs(sampleRate),
    capture: () => ({ name: 'stand-in capture', command: process.execPath, args: ['-e', script] }),
    describe: () => 'stand-in capture',
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, sleep(ms).then(() => 'hung' as const)]);

describe('a microphone captured by a process beside ffmpeg', () => {
  it('its audio is encoded; the pipeline closes with both processes', async () => {
    const pipeline = await MediaPipeline.start({ config, picture: { kind: 'camera', camera }, microphone: captured(SINE_SCRIPT(config.audioSampleRate)), encode: true });
    let audio = 0;
    pipeline.on('audio', (a) => {
      if (!a.sequenceHeader) audio++;
    });
    try {
      await pipeline.started();
      const until = Date.now() + 10_000;
      while (audio < 20 && Date.now() < until) await sleep(50);
    } finally {
      expect(await within(pipeline.close(), CLOSE_WITHIN_MS)).not.toBe('hung');
    }
    expect(audio).toBeGreaterThanOrEqual(20);
  }, 20_000);

  it('a capture that exits at once fails the start, naming it', async () => {
    const pipeline = await MediaPipeline.start({ config, picture: { kind: 'camera', camera }, microphone: captured('process.stderr.write("Stream error: No such entity\\n");process.exit(1)'), encode: true });
    try {
      const err = await pipeline.started().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProcessStartError);
      expect((err as Error).message).toMatch(/stand-in capture failed to start: exited before the encoder's first output \(code 1[\s\S]*No such entity/);
    } finally {
      await pipeline.close();
    }
  }, 20_000);

  it('after the encoder died, closing does not wait on the capture left writing (its output paused by a full pipe)', async () => {
    const pipeline = await MediaPipeline.start({ config, picture: { kind: 'camera', camera }, microphone: captured(FLOOD_SCRIPT), encode: true });
    const died = new Promise((resolve) => pipeline.once('died', resolve));
    await pipeline.started().catch(() => undefined);
    await sleep(300);
    process.kill((pipeline as unknown as { proc: { pid: number } }).proc.pid, 'SIGKILL');
    expect(await within(died, CLOSE_WITHIN_MS)).not.toBe('hung');
    expect(await within(pipeline.close(), CLOSE_WITHIN_MS)).not.toBe('hung');
  }, 20_000);
});
