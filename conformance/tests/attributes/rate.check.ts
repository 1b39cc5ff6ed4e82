// Frame rate and bitrate bounds. Truth: packet timestamps and bytes at the server.
// Spec: live-pusher.zh.md 通用属性 fps (有效值为 1~30), min-bitrate, max-bitrate;
// context-api.md (bitrate stays within [min-bitrate, max-bitrate]).
import { check } from '../../check.ts';
import { expectAtLeast, expectAtMost, expectWithinRatio } from '../support/expect.ts';
import { pushAndObserve } from '../support/scenario.ts';
import { measuredFps, measuredKbps } from '../support/streams.ts';

const FPS_TOLERANCE = 0.1;
const BITRATE_SLACK = 0.2;

for (const fps of [5, 15, 30]) {
  check(
    {
      id: `attributes/fps/${fps}`,
      area: 'attributes',
      feature: 'fps',
      story: String(fps),
      severity: 'critical',
      spec: 'live-pusher.zh.md 通用属性 fps (帧率，有效值为 1~30; default 15)',
      specRows: ['attribute:fps'],
      tolerance: `frame rate from video packet timestamps within ± ${FPS_TOLERANCE * 100} %`,
      requires: { attributes: ['fps'] },
    },
    async (ctx) => {
      const { observation: o } = await pushAndObserve(ctx, { fps }, { framesEveryMs: false });
      const measured = measuredFps(o);
      ctx.log(`measured ${measured.toFixed(2)} fps`);
      expectWithinRatio('frame rate (fps)', measured, fps, FPS_TOLERANCE);
    },
  );
}

check(
  {
    id: 'attributes/max-bitrate/300',
    area: 'attributes',
    feature: 'max-bitrate',
    story: '300',
    severity: 'critical',
    spec: 'live-pusher.zh.md 通用属性 max-bitrate (最大码率; default 1000)',
    specRows: ['attribute:max-bitrate'],
    tolerance: `video bitrate at the server at most max-bitrate + ${BITRATE_SLACK * 100} %`,
    requires: { attributes: ['max-bitrate'] },
  },
  async (ctx) => {
    const { observation: o } = await pushAndObserve(ctx, { 'min-bitrate': 100, 'max-bitrate': 300 }, { framesEveryMs: false });
    const kbps = measuredKbps(o, 'video');
    ctx.log(`video ${kbps.toFixed(0)} kbps`);
    expectAtMost('video bitrate (kbps)', kbps, 300 * (1 + BITRATE_SLACK));
  },
);

check(
  {
    id: 'attributes/min-bitrate/600',
    area: 'attributes',
    feature: 'min-bitrate',
    story: '600 (max 800)',
    severity: 'critical',
    spec: 'live-pusher.zh.md 通用属性 min-bitrate (最小码率; default 200)',
    specRows: ['attribute:min-bitrate'],
    tolerance: `on an unimpaired link the video bitrate stays within [min-bitrate − ${BITRATE_SLACK * 100} %, max-bitrate + ${BITRATE_SLACK * 100} %]`,
    requires: { attributes: ['min-bitrate', 'max-bitrate'] },
  },
  async (ctx) => {
    const { observation: o } = await pushAndObserve(ctx, { 'min-bitrate': 600, 'max-bitrate': 800 }, { framesEveryMs: false });
    const kbps = measuredKbps(o, 'video');
    ctx.log(`video ${kbps.toFixed(0)} kbps`);
    expectAtLeast('video bitrate (kbps)', kbps, 600 * (1 - BITRATE_SLACK));
    expectAtMost('video bitrate (kbps)', kbps, 800 * (1 + BITRATE_SLACK));
  },
);
