// A deliberately broken IUT: `node bin/run-bundled.mjs broken-driver.ts <variant>` (or `node --import tsx`) speaks the driver
// protocol like `lpbench driver`, with the variant's fault applied (see variants.ts).
import { createInterface } from 'node:readline';
import { DriverSession, type Outgoing } from '../../../reference-pusher/driver.ts';
import { validateAttributes } from '../../../spec/validate.ts';
import { variant as findVariant } from './variants.ts';

type Json = Record<string, unknown>;

const v = findVariant(process.argv[2] ?? '');

/** Id prefix of the requests the variant sends itself (variant.later); their replies are not sent. */
const OWN_ID = 'variant-later-';

function send(msg: Outgoing): void {
  if (String((msg as unknown as Json)['id']).startsWith(OWN_ID)) return;
  const out = v.outgoing ? v.outgoing(msg as unknown as Json) : (msg as unknown as Json);
  for (const m of out === null ? [] : Array.isArray(out) ? out : [out]) process.stdout.write(JSON.stringify(m) + '\n');
}

let ownRequests = 0;
function scheduleLater(req: Json): void {
  for (const { afterMs, request } of v.later?.(req) ?? []) {
    const line = JSON.stringify({ ...request, id: `${OWN_ID}${++ownRequests}` });
    setTimeout(() => {
      queue = queue.then(() => session.handleLine(line));
    }, afterMs).unref();
  }
}

function rewrite(line: string): string | Json {
  let req: Json;
  try {
    req = JSON.parse(line) as Json;
  } catch {
    return line;
  }
  if (typeof req !== 'object' || req === null) return line;
  scheduleLater(req);
  if (v.request) req = v.request(req);
  const params = req['params'] as Json | undefined;
  if (req['method'] === 'call' && v.fakeCalls?.includes(String(params?.['name']))) {
    return { id: req['id'], result: { errMsg: `${String(params?.['name'])}:ok` } };
  }
  if (v.acceptIllegal && (req['method'] === 'create' || req['method'] === 'update') && params?.['attrs']) {
    const attrs = params['attrs'] as Json;
    const { values } = validateAttributes(attrs);
    const legal = Object.fromEntries(Object.keys(values).map((k) => [k, attrs[k]]));
    req = { ...req, params: { ...params, attrs: legal } };
  }
  return JSON.stringify(req);
}

let finished: () => void = () => undefined;
const done = new Promise<void>((resolve) => {
  finished = resolve;
});
const session = new DriverSession(send, () => finished(), { ...(v.pusher ? { hooks: v.pusher } : {}), ...(v.retry ? { retry: v.retry } : {}) }, v.platform);
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
let queue: Promise<void> = Promise.resolve();
rl.on('line', (line) => {
  const next = rewrite(line);
  queue = queue.then(async () => {
    if (typeof next === 'string') await session.handleLine(next);
    else send(next as unknown as Outgoing);
  });
});
rl.on('close', () => {
  void queue.then(() => session.dispose()).then(() => finished());
});
process.once('SIGTERM', () => void session.dispose().then(() => finished()));
await done;
await session.dispose();
process.stdout.write('', () => process.exit(0));
