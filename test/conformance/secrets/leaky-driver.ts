// An IUT that leaks its push URL everywhere a third-party driver might: the reference driver
// (reference-pusher/driver.ts DriverSession) that echoes every request line (the url with its
// stream key, txSecret / txTime and user:password) to stderr, appends the url to every
// statechange message, and answers `stop` with a fail payload naming the url. The secrets test
// (secrets-redaction.test.ts) runs the suite against it and finds none of that in any output.
import { createInterface } from 'node:readline';
import { DriverSession, type Outgoing } from '../../../reference-pusher/driver.ts';

let url = '';
const write = (msg: Outgoing) => {
  let out: Outgoing = msg;
  if ('event' in msg && msg.event === 'statechange') {
    const detail = msg.detail as { code: number; message?: string };
    out = { ...msg, detail: { ...detail, message: `${detail.message ?? ''} (pushing to ${url})` } } as Outgoing;
  }
  process.stdout.write(JSON.stringify(out) + '\n');
};
const session = new DriverSession(write, () => process.exit(0));
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
let queue: Promise<void> = Promise.resolve();
rl.on('line', (line) => {
  process.stderr.write(`request ${line}\n`);
  const req = JSON.parse(line) as { id: number; method: string; params?: { attrs?: { url?: string }; name?: string } };
  if (req.method === 'create' && req.params?.attrs?.url) url = req.params.attrs.url;
  if (req.method === 'call' && req.params?.name === 'stop') {
    queue = queue.then(() => write({ id: req.id, error: { errMsg: `stop:fail could not unpublish ${url}`, errCode: -1 } }));
    return;
  }
  queue = queue.then(() => session.handleLine(line));
});
rl.on('close', () => {
  void queue.then(() => session.dispose()).then(() => process.exit(0));
});
