// redactWrites (adapters/process/redacted-writes.ts): strings and UTF-8 buffers written to a
// stream lose the secrets of push urls until restore(); callbacks and encodings still pass.
import { describe, expect, it } from 'vitest';
import { redactWrites } from '../../../adapters/process/redacted-writes.ts';

function fakeStream(): { stream: NodeJS.WriteStream; written: unknown[] } {
  const written: unknown[] = [];
  const stream = {
    write(chunk: unknown, ...rest: unknown[]) {
      written.push(chunk);
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('redactWrites', () => {
  it('redacts strings and buffers, passes callbacks, and stops on restore', () => {
    const { stream, written } = fakeStream();
    const restore = redactWrites(stream);
    let called = false;
    stream.write('push rtmp://h/live/key7777?txSecret=abc123\n', () => {
      called = true;
    });
    stream.write(Buffer.from('rtmp://u:pw@h/live/key8888'));
    restore();
    stream.write('rtmp://h/live/key9999');
    expect(called).toBe(true);
    expect(written[0]).toBe('push rtmp://h/live/***?txSecret=***\n');
    expect(Buffer.from(written[1] as Uint8Array).toString()).toBe('rtmp://***@h/live/***');
    expect(written[2]).toBe('rtmp://h/live/key9999');
  });
});
