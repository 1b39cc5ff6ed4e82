// Test driver: a well-behaved IUT driver (docs/driver-protocol.md) with no media.
// `call start` emits statechange 1001 then 1002; `call fail` answers with the fail payload;
// `call echo` returns its args; `call emit` emits the event named in args. Logs to stderr.
import { createInterface } from 'node:readline';

const CAPABILITIES = { attributes: ['url', 'mirror'], methods: ['start', 'stop', 'fail', 'echo', 'emit'], events: ['statechange'] };
const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const emit = (event, detail) => send({ event, detail, ts: Date.now() });

process.stderr.write('good-driver: ready\n');
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const msg = JSON.parse(line);
  const p = msg.params ?? {};
  switch (msg.method) {
    case 'hello':
      return send({ id: msg.id, result: { name: 'good', version: '1.2.3', platform: 'test', capabilities: CAPABILITIES } });
    case 'create':
      process.stderr.write(`good-driver: create ${JSON.stringify(p)}\n`);
      return send({ id: msg.id, result: { created: true, rig: p.rig ?? null } });
    case 'update':
      return send({ id: msg.id, result: { updated: Object.keys(p.attrs ?? {}) } });
    case 'dispose':
      send({ id: msg.id, result: {} });
      return process.exit(0);
    case 'call':
      if (p.name === 'start') {
        send({ id: msg.id, result: { errMsg: 'start:ok' } });
        emit('statechange', { code: 1001, message: 'connected' });
        setTimeout(() => emit('statechange', { code: 1002, message: 'publishing' }), 50);
        return;
      }
      if (p.name === 'fail') return send({ id: msg.id, error: { errMsg: 'fail:denied', errCode: 10001 } });
      if (p.name === 'emit') {
        send({ id: msg.id, result: {} });
        return emit(p.args.event, p.args.detail);
      }
      return send({ id: msg.id, result: { name: p.name, args: p.args ?? {} } });
    default:
      return send({ id: msg.id, error: { errMsg: `unknown method ${msg.method}`, errCode: -1 } });
  }
});
