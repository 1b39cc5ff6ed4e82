// Test driver: replies to every request with an id nobody asked for.
import { createInterface } from 'node:readline';

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const msg = JSON.parse(line);
  process.stdout.write(JSON.stringify({ id: msg.id + 1000, result: {} }) + '\n');
});
