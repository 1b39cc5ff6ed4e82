// A supervised child reading an extra pipe the parent writes into (SupervisedProcess
// extraInputPipe; the reference pusher's ffmpeg reads parec's audio on pipe:5): the bytes arrive
// in order, and the child's exit is reported even while a writer still holds the pipe open (a
// child's 'close' waits for every stdio stream, so a pipe left open would hang close()).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SupervisedProcess } from '../../../adapters/process/supervised.ts';

const FD = 5;
/** A child that copies `bytes` bytes from fd 5 to stdout, then exits. */
const copyScript = (bytes: number) =>
  `const fs=require('fs');let n=0;const b=Buffer.alloc(65536);while(n<${bytes}){const r=fs.readSync(${FD},b,0,Math.min(b.length,${bytes}-n));if(r===0)break;process.stdout.write(b.subarray(0,r));n+=r}process.exit(0)`;

async function copier(bytes: number): Promise<SupervisedProcess> {
  return SupervisedProcess.start({ name: 'fd 5 copier', command: process.execPath, args: ['-e', copyScript(bytes)], stdin: false, stdoutMode: 'raw', extraOutputPipes: FD - 2 });
}

describe('extraInputPipe', () => {
  it('carries the bytes written into it to the child, in order', async () => {
    const child = await copier(6);
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.extraInputPipe(FD).write('abcdef');
    await child.waitExit();
    expect(Buffer.concat(out).toString()).toBe('abcdef');
  });

  it('a child that exits while the writer is still open is reported exited (close() does not hang)', async () => {
    const child = await copier(3);
    const writer = new PassThrough();
    writer.pipe(child.extraInputPipe(FD));
    writer.write('xyz'); // the writer stays open: never ended
    const exit = await Promise.race([child.waitExit(), new Promise((r) => setTimeout(() => r('hung'), 5000))]);
    expect(exit).toMatchObject({ code: 0 });
    writer.destroy();
  });

  it('a killed child is reported exited although its pipe is never ended nor written again', async () => {
    const child = await SupervisedProcess.start({ name: 'sleeper', command: process.execPath, args: ['-e', 'setTimeout(() => {}, 20000)'], stdin: false, stdoutMode: 'ignore', extraOutputPipes: FD - 2 });
    const writer = new PassThrough();
    writer.pipe(child.extraInputPipe(FD));
    const exit = await Promise.race([child.close('SIGKILL', 100), new Promise((r) => setTimeout(() => r('hung'), 5000))]);
    expect(exit).toMatchObject({ signal: 'SIGKILL' });
    writer.destroy();
  });
});
