// Test driver: answers hello (with protocolVersion unless told otherwise), then answers `call`
// with the line shape named by its first argument: event-no-ts (an event without ts),
// error-not-object ({"error":"nope"}), reply-no-result ({"id":n}). Shapes of hello: no-version,
// version-2. Writes a line on stderr before each answer.
import { createInterface } from 'node:readline';

const shape = process.argv[2] ?? '';
const CAPS = { attributes: ['url'], methods: ['start'], events: ['statechange'] };
const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

createInterface({ input: process.stdin }).on('line', (line) => {
  const msg = JSON.parse(line);
  process.stderr.write(`shape-driver: ${msg.method}\n`);
  if (msg.method === 'hello') {
    const version = shape === 'no-version' ? {} : { protocolVersion: shape === 'version-2' ? 2 : 1 };
    return send({ id: msg.id, result: { name: 'shape', version: '0', ...version, capabilities: CAPS } });
  }
  if (msg.method === 'dispose') {
    send({ id: msg.id, result: {} });
    return process.exit(0);
  }
  if (shape === 'event-no-ts') return send({ event: 'statechange', detail: { code: 1001, message: 'x' } });
  if (shape === 'error-not-object') return send({ id: msg.id, error: 'nope' });
  if (shape === 'reply-no-result') return send({ id: msg.id });
  return send({ id: msg.id, result: { errMsg: 'ok' } });
});
