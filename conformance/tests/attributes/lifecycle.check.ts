// url and autopush: where and when the IUT pushes. Truth: the server's own publish events.
// Spec: live-pusher.zh.md 通用属性 url (推流地址。目前仅支持 rtmp 格式), autopush (自动推流).
import { STATUS } from '../../../spec/codes.ts';
import { check } from '../../check.ts';
import { expectTrue } from '../support/expect.ts';
import { expectPublish, HEADERS_OBSERVE_MS, pushAndObserve } from '../support/scenario.ts';
import { videoStream } from '../support/streams.ts';

/** How long an IUT with autopush=false is watched for a publish it must not make. */
const QUIET_MS = 5000;

check(
  {
    id: 'attributes/url/rtmp',
    area: 'attributes',
    feature: 'url',
    story: 'rtmp:// url',
    severity: 'blocker',
    spec: 'live-pusher.zh.md 通用属性 url (推流地址。目前仅支持 rtmp 格式)',
    specRows: ['attribute:url'],
    tolerance: 'the server sees the publish under exactly this url and a video track can be read from it',
    requires: { attributes: ['url'], methods: ['start'] },
  },
  async (ctx) => {
    const { observation: o } = await pushAndObserve(ctx, {}, { framesEveryMs: false, observeMs: HEADERS_OBSERVE_MS });
    expectTrue('video packets read back from the url', o.packets.some((p) => p.stream === 'video'));
    videoStream(o);
  },
);

check(
  {
    id: 'attributes/autopush/true',
    area: 'attributes',
    feature: 'autopush',
    story: 'true',
    spec: 'live-pusher.zh.md 通用属性 autopush (自动推流)',
    specRows: ['attribute:autopush=true'],
    tolerance: 'the server sees the publish within 15 s of create, with no start call; the IUT reports 1002',
    requires: { attributes: ['autopush', 'url'] },
  },
  async (ctx) => {
    const { observation: o } = await pushAndObserve(ctx, { autopush: true }, { noStart: true, framesEveryMs: false, observeMs: HEADERS_OBSERVE_MS });
    expectTrue('packets read back', o.packets.length > 0);
    await ctx.iut.waitForStatus(STATUS.PUSH_BEGIN, 5000);
  },
);

check(
  {
    id: 'attributes/autopush/false',
    area: 'attributes',
    feature: 'autopush',
    story: 'false',
    spec: 'live-pusher.zh.md 通用属性 autopush (自动推流; default false)',
    specRows: ['attribute:autopush=false'],
    tolerance: `no publish at the server for ${QUIET_MS} ms after create without start; then start publishes`,
    requires: { attributes: ['autopush', 'url'], methods: ['start'] },
  },
  async (ctx) => {
    await ctx.iut.create({ url: ctx.streamUrl, autopush: false }, ctx.rig);
    let published = false;
    try {
      await ctx.server.waitForPublish(ctx.streamName, QUIET_MS);
      published = true;
    } catch (err) {
      if (!/timed out|within|timeout/i.test((err as Error).message)) throw err;
    }
    expectTrue(`no publish within ${QUIET_MS} ms without start`, !published);
    await ctx.iut.call('start');
    await expectPublish(ctx, 15_000);
  },
);
