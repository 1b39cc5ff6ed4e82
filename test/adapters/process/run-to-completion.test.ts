import { describe, expect, it } from 'vitest';
import { ProcessRunError, runCommand, runProcess, runToCompletion } from '../../../adapters/process/run-to-completion.ts';
import { liveProcessCount, ProcessStartError } from '../../../adapters/process/supervised.ts';

const NODE = process.execPath;
const SHORT_TIMEOUT_MS = 300;
const NEVER_ENDS = ['-e', 'setTimeout(() => undefined, 60000)'];
const MISSING_BINARY = '/nonexistent/lpbench-no-such-binary';

describe('runToCompletion', () => {
  it('feeds stdin and resolves with stdout', async () => {
    const { stdout } = await runToCompletion({
      name: 'echo',
      command: NODE,
      args: ['-e', 'process.stdin.pipe(process.stdout)'],
      stdin: new TextEncoder().encode('bytes in'),
    });
    expect(stdout.toString('utf8')).toBe('bytes in');
  });

  it('rejects a non-zero exit with ProcessRunError naming the process, code and stderr', async () => {
    const run = runToCompletion({ name: 'failing tool', command: NODE, args: ['-e', 'console.error("bad input"); process.exit(4)'] });
    await expect(run).rejects.toBeInstanceOf(ProcessRunError);
    await expect(run).rejects.toThrow(/failing tool: exited with code 4 signal -[\s\S]*bad input/);
  });

  it('kills a run that outlives its timeout and rejects saying so', async () => {
    const before = liveProcessCount();
    await expect(runToCompletion({ name: 'slow tool', command: NODE, args: NEVER_ENDS, timeoutMs: SHORT_TIMEOUT_MS })).rejects.toThrow(
      `slow tool: timed out after ${SHORT_TIMEOUT_MS} ms`,
    );
    expect(liveProcessCount()).toBe(before);
  });

  it('rejects with ProcessStartError when the binary does not exist', async () => {
    await expect(runToCompletion({ name: 'absent', command: MISSING_BINARY, args: [] })).rejects.toBeInstanceOf(ProcessStartError);
  });
});

describe('runProcess', () => {
  it('keeps at most maxStdoutBytes of stdout (whole chunks)', async () => {
    const run = await runProcess({ name: 'chatty', command: NODE, args: ['-e', 'process.stdout.write("x".repeat(1 << 20))'], maxStdoutBytes: 1 });
    expect(run.outcome).toBe('exited');
    expect(run.stdout.length).toBeGreaterThan(0);
    expect(run.stdout.length).toBeLessThan(1 << 20);
  });
});

describe('runCommand never hangs and never throws', () => {
  it('kills a command that outlives its timeout, and says a missing binary is not found', async () => {
    const before = liveProcessCount();
    const slow = await runCommand(NODE, NEVER_ENDS, SHORT_TIMEOUT_MS);
    expect(slow.outcome).toBe('timeout');
    expect(liveProcessCount()).toBe(before);
    const absent = await runCommand(MISSING_BINARY, []);
    expect(absent.outcome).toBe('not-found');
    const ran = await runCommand(NODE, ['-e', 'process.stdout.write("hi"); process.exit(3)']);
    expect(ran).toMatchObject({ outcome: 'exited', code: 3, stdout: 'hi' });
  });
});
