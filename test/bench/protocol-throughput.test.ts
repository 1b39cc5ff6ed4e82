// The throughput benchmark measures real work: every media tag of the FLV becomes RTMP chunks
// (no timing asserted here: speed figures belong to `lpbench bench`).
import { describe, expect, it } from 'vitest';
import { FlvMuxer, buildAvcVideoTagBody } from '../../protocol/flv/index.ts';
import { copyInPieces, demuxAndChunk } from '../../bench/perf/protocol-throughput.ts';
import { run } from '../../bench/commands/bench.ts';

describe('protocol-throughput benchmark', () => {
  it('turns every video tag of an FLV into RTMP chunks: all payload bytes plus only chunk headers', () => {
    const mux = new FlvMuxer();
    const bodies = [1, 5000, 9000].map((n, i) => buildAvcVideoTagBody({ frameType: i === 0 ? 'key' : 'inter', packetType: 'nalu', payload: new Uint8Array(n).fill(i + 1) }));
    const flv = Buffer.concat([mux.encodeHeader({ hasVideo: true, hasAudio: false }), ...bodies.map((data, i) => mux.encodeTag({ type: 'video', timestamp: i * 66, streamId: 0, data }))]);
    const bytes = demuxAndChunk(flv);
    const total = bodies.reduce((a, b) => a + b.length, 0);
    expect(bytes).toBeGreaterThan(total);
    expect(bytes).toBeLessThan(total + 100);
  });

  it('the baseline passes over every byte once, across piece boundaries', () => {
    for (const n of [0, 1, 65_535, 65_536, 65_537, 200_000]) expect(copyInPieces(Buffer.alloc(n, 7))).toBe(n);
  });

  it('refuses an unknown benchmark name with exit code 2', async () => {
    expect(await run(['no-such-benchmark'])).toBe(2);
  });
});
