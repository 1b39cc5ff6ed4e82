// Test driver: answers hello, then prints a line that is not JSON in reply to anything else.
import { createInterface } from 'node:readline';

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const msg = JSON.parse(line);
  if (msg.method === 'hello') {
    process.stdout.write(JSON.stringify({ id: msg.id, result: { name: 'garbage', version: '0', capabilities: { attributes: [], methods: [], events: [] } } }) + '\n');
    return;
  }
  process.stderr.write('garbage-driver: about to print garbage\n');
  process.stdout.write('this is {not json\n');
});
