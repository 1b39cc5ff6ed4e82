// Test driver wrapper: `node tap-driver.mjs <log file> <driver command...>` runs the driver
// command and passes stdin, stdout and stderr through unchanged, appending every stdin and
// stdout line to the log file as {"tap":<this process id>,"dir":"in"|"out","line":...} (one JSON
// object a line; many taps may share one file), so a test can validate every message of a
// conformance run against the protocol schema, each driver's replies against its own requests.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const [logFile, ...command] = process.argv.slice(2);
const child = spawn('sh', ['-c', `exec ${command.join(' ')}`], { stdio: ['pipe', 'pipe', 'inherit'] });
const record = (dir, line) => appendFileSync(logFile, JSON.stringify({ tap: process.pid, dir, line }) + '\n');

createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
  record('in', line);
  child.stdin.write(line + '\n');
}).on('close', () => child.stdin.end());
createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
  record('out', line);
  process.stdout.write(line + '\n');
});
child.stdin.on('error', () => undefined);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
process.on('SIGTERM', () => child.kill('SIGTERM'));
