// Test driver: answers hello, then dies with exit code 3 on the next request, after logging.
import { createInterface } from 'node:readline';

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const msg = JSON.parse(line);
  if (msg.method === 'hello') {
    process.stdout.write(JSON.stringify({ id: msg.id, result: { name: 'dies', version: '0', capabilities: { attributes: [], methods: [], events: [] } } }) + '\n');
    return;
  }
  process.stderr.write('dies-driver: fatal: camera exploded\n', () => process.exit(3));
});
