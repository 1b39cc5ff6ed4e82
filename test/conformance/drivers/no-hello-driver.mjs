// Test driver: knows no `hello` (answers unknown method), like a driver for another protocol.
import { createInterface } from 'node:readline';

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const msg = JSON.parse(line);
  process.stdout.write(JSON.stringify({ id: msg.id, error: { errMsg: `unknown method: ${msg.method}`, errCode: -32601 } }) + '\n');
});
