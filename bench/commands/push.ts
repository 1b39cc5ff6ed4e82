// `lpbench push <rtmp-url> [--attr name=value ...] [--rig <file>]`: a person's way to push with
// the reference pusher, showing status codes and netstatus live until Ctrl-C, then a clean stop.
import { LivePusher, PusherCallError } from '../../reference-pusher/live-pusher.ts';
import { STATUS } from '../../spec/codes.ts';
import { statusCode } from '../../spec/index.ts';
import { attributeFromText } from '../../spec/validate.ts';
import { loadRig } from '../../rig/load.ts';
import { redactWrites } from '../../adapters/process/redacted-writes.ts';
import { rememberUrlSecrets } from '../../protocol/redact-secrets.ts';

export const USAGE = 'usage: lpbench push <rtmp-url> [--attr name=value ...] [--rig <file>]';

export interface PushArgs {
  url: string;
  attrs: Record<string, string>;
  rig?: string;
}

export class UsageError extends Error {}

export function parsePushArgs(argv: string[]): PushArgs {
  let url: string | undefined;
  const attrs: Record<string, string> = {};
  let rig: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--attr') {
      const pair = argv[++i];
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) throw new UsageError(`--attr needs name=value (got ${pair === undefined ? 'nothing' : JSON.stringify(pair)})`);
      attrs[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg === '--rig') {
      rig = argv[++i];
      if (!rig) throw new UsageError('--rig needs a file');
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (url === undefined) {
      url = arg;
    } else {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    }
  }
  if (!url) throw new UsageError('the RTMP url is missing');
  return { url, attrs, rig };
}

function line(text: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${text}\n`);
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let args: PushArgs;
  try {
    args = parsePushArgs(argv);
  } catch (err) {
    process.stderr.write(`lpbench push: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  // The url's stream key, signature and credentials never reach the terminal.
  rememberUrlSecrets(args.url);
  redactWrites(process.stdout);
  redactWrites(process.stderr);
  const rig = args.rig ? loadRig(args.rig) : undefined;
  const pusher = new LivePusher({ rig });
  pusher.on('statechange', (d: { code: number; message: string }) => {
    const known = (() => {
      try {
        return statusCode(d.code).meaning;
      } catch {
        return 'not in the spec';
      }
    })();
    line(`statechange ${d.code} ${d.message ?? known}`);
  });
  pusher.on('error', (d: { errCode: number; errMsg: string }) => line(`error ${d.errCode} ${d.errMsg}`));
  pusher.on('netstatus', (d) => {
    const i = d.info;
    line(
      `netstatus video ${i['videoBitrate']} kbps ${i['videoFPS']} fps gop ${i['videoGOP']} s ${i['videoWidth']}x${i['videoHeight']}` +
        ` | audio ${i['audioBitrate']} kbps | net ${i['netSpeed']} kbps jitter ${i['netJitter']} quality ${i['netQualityLevel']}` +
        ` | cache v${i['videoCache']} a${i['audioCache']}`,
    );
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      line('stopping');
      await pusher.stop().catch(() => undefined);
      await pusher.dispose();
    })();
    return stopping;
  };
  const gaveUp = new Promise<void>((resolve) => pusher.on('statechange', (d: { code: number }) => d.code === STATUS.RECONNECT_EXHAUSTED && resolve()));
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  try {
    const attrs = Object.fromEntries(Object.entries(args.attrs).map(([k, v]) => [k, attributeFromText(k, v)]));
    await pusher.create({ ...attrs, url: args.url });
    await pusher.start();
    line(`pushing to ${args.url} (${pusher.encodeConfig.width}x${pusher.encodeConfig.height} @ ${pusher.encodeConfig.fps} fps); Ctrl-C stops`);
  } catch (err) {
    const msg = err instanceof PusherCallError ? err.errMsg : (err as Error).message;
    process.stderr.write(`lpbench push: ${msg}\n`);
    await stop();
    return 1;
  }
  const reason = await Promise.race([interrupted.then(() => 'interrupted'), gaveUp.then(() => 'gave up')]);
  await stop();
  return reason === 'gave up' ? 1 : 0;
}
