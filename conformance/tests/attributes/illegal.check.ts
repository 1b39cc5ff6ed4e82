// Bad input: an illegal value for each core attribute gets a fail result (or an error event)
// that names the attribute and the value, and the IUT keeps working. Truth: the IUT's replies
// and its later behaviour (it still accepts a legal create).
// Spec: live-pusher.zh.md 通用属性 (types, legal values and ranges of each attribute).
import { check, type CheckContext } from '../../check.ts';
import type { AttributeName } from '../../../spec/index.ts';
import { IutCallError, type IutEvent } from '../../iut-client.ts';
import { expectTrue, fail } from '../support/expect.ts';

const ERROR_EVENT_WAIT_MS = 2000;

const ILLEGAL: { attribute: AttributeName; value: unknown; legal: string }[] = [
  { attribute: 'url', value: 'http://127.0.0.1/live/x', legal: 'an rtmp:// url' },
  { attribute: 'mode', value: 'UHD', legal: 'QVGA, HVGA, SD, HD, FHD, RTC' },
  { attribute: 'autopush', value: 'sometimes', legal: 'a boolean' },
  { attribute: 'video-width', value: -360, legal: 'a positive number' },
  { attribute: 'video-height', value: 'tall', legal: 'a positive number' },
  { attribute: 'aspect', value: '4:3', legal: '3:4 or 9:16' },
  { attribute: 'orientation', value: 'diagonal', legal: 'vertical or horizontal' },
  { attribute: 'fps', value: 45, legal: '1..30' },
  { attribute: 'min-bitrate', value: -5, legal: 'a positive number' },
  { attribute: 'max-bitrate', value: 'fast', legal: 'a positive number' },
  { attribute: 'audio-quality', value: 'medium', legal: 'high or low' },
  { attribute: 'enable-camera', value: 'yes', legal: 'a boolean' },
  { attribute: 'enable-mic', value: 2, legal: 'a boolean' },
  { attribute: 'muted', value: 'maybe', legal: 'a boolean' },
  { attribute: 'mirror', value: 'x', legal: 'a boolean' },
  { attribute: 'remote-mirror', value: 3, legal: 'a boolean' },
];

function mentions(text: string, attribute: string, value: unknown): boolean {
  return text.includes(attribute) && text.includes(String(value));
}

async function rejection(ctx: CheckContext, attrs: Record<string, unknown>, attribute: string, value: unknown): Promise<string> {
  const before = ctx.iut.events().length;
  try {
    await ctx.iut.create(attrs, ctx.rig);
  } catch (err) {
    if (err instanceof IutCallError) return err.errMsg;
    throw err;
  }
  const isError = (e: IutEvent) => e.event === 'error' && ctx.iut.events().indexOf(e) >= before;
  try {
    const e = await ctx.iut.waitForEvent('error', isError, ERROR_EVENT_WAIT_MS);
    return String((e.detail as { errMsg?: unknown })?.errMsg ?? '');
  } catch {
    fail(`create with ${attribute}=${JSON.stringify(value)} succeeded with no error event within ${ERROR_EVENT_WAIT_MS} ms`);
  }
}

for (const c of ILLEGAL) {
  check(
    {
      id: `attributes/${c.attribute}/illegal`,
      area: 'attributes',
      feature: c.attribute,
      story: `illegal value ${JSON.stringify(c.value)}`,
      severity: 'normal',
      spec: `live-pusher.zh.md 通用属性 ${c.attribute} (legal: ${c.legal})`,
      specRows: [`attribute:${c.attribute}`],
      tolerance: 'a fail result or error event whose errMsg names the attribute and the value; a legal create afterwards succeeds',
      requires: { attributes: [c.attribute] },
    },
    async (ctx) => {
      const attrs = c.attribute === 'url' ? { url: c.value } : { url: ctx.streamUrl, [c.attribute]: c.value };
      const errMsg = await rejection(ctx, attrs, c.attribute, c.value);
      ctx.log(`errMsg: ${errMsg}`);
      expectTrue(`errMsg names ${c.attribute} and ${JSON.stringify(c.value)}`, mentions(errMsg, c.attribute, c.value), `errMsg was ${JSON.stringify(errMsg)}`);
      await ctx.iut.create({ url: ctx.streamUrl }, ctx.rig).catch((err: unknown) => {
        if (err instanceof IutCallError && /already/.test(err.errMsg)) return;
        throw err;
      });
    },
  );
}
