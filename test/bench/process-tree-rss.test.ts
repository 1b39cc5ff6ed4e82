// processTreeRss (bench/perf/process-tree-rss.ts) on processes with known relations: this
// process alone, and this process with a child that holds a known extra buffer (the tree grows by
// at least that much); an exited pid answers undefined.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processTree, processTreeRss } from '../../bench/perf/process-tree-rss.ts';

const CHILD_BUFFER_MB = 64;
const MB = 1024 * 1024;

describe.runIf(process.platform === 'linux')('processTreeRss', () => {
  it('counts a child and the memory it holds', async () => {
    const alone = processTreeRss(process.pid)!;
    expect(alone).toBeGreaterThan(0);
    // The child touches every page of its buffer so that it is resident, then says so and waits.
    const child = spawn(process.execPath, ['-e', `const b = Buffer.alloc(${CHILD_BUFFER_MB * MB}, 1); console.log('ready'); setInterval(() => b[0]++, 1000);`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      expect(processTree(process.pid)).toContain(child.pid);
      expect(processTreeRss(process.pid)! - alone).toBeGreaterThan(CHILD_BUFFER_MB * MB);
    } finally {
      child.kill();
    }
    await new Promise((r) => child.once('exit', r));
    expect(processTreeRss(child.pid!)).toBeUndefined();
  });
});
