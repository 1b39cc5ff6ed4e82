// sendMessage's SEI (context-api.md sendMessage): the NAL unit is escaped and well formed, it is
// put in front of a frame's NAL units in the FLV body, and the message argument is checked.
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, SEI_MESSAGE_UUID, addSeiMessage, checkMessage, escapeRbsp, seiNal } from '../../reference-pusher/sei-message.ts';

describe('sei-message', () => {
  it('escapes 00 00 0x sequences', () => {
    expect([...escapeRbsp(Uint8Array.from([0, 0, 1, 0, 0, 0, 0, 0, 4]))]).toEqual([0, 0, 3, 1, 0, 0, 3, 0, 0, 3, 0, 4]);
  });

  it('builds a user_data_unregistered SEI: type 6, payload type 5, size, UUID, message, stop bit', () => {
    const nal = seiNal(Uint8Array.from([0x41, 0x42]));
    expect([...nal.subarray(0, 3)]).toEqual([6, 5, 16 + 2]);
    expect([...nal.subarray(3, 19)]).toEqual([...SEI_MESSAGE_UUID]);
    expect([...nal.subarray(19)]).toEqual([0x41, 0x42, 0x80]);
    expect([...seiNal(new Uint8Array(300)).subarray(0, 4)]).toEqual([6, 5, 0xff, 316 - 0xff]);
  });

  it('puts the SEI first among the NAL units of a NALU packet, and leaves a sequence header alone', () => {
    const body = Uint8Array.from([0x27, 1, 0, 0, 0, 0, 0, 0, 2, 0x41, 0x9a]);
    const out = addSeiMessage(body, Uint8Array.from([0x41]));
    const nal = seiNal(Uint8Array.from([0x41]));
    expect([...out.subarray(0, 5)]).toEqual([0x27, 1, 0, 0, 0]);
    expect(new DataView(out.buffer).getUint32(5)).toBe(nal.length);
    expect([...out.subarray(9, 9 + nal.length)]).toEqual([...nal]);
    expect([...out.subarray(9 + nal.length)]).toEqual([0, 0, 0, 2, 0x41, 0x9a]);
    const header = Uint8Array.from([0x17, 0, 0, 0, 0, 1, 2]);
    expect(addSeiMessage(header, Uint8Array.from([1]))).toBe(header);
  });

  it('checks the message', () => {
    expect(checkMessage('hi')).toEqual({ bytes: Uint8Array.from([0x68, 0x69]) });
    expect(checkMessage('')).toEqual({ problem: 'msg must be a non-empty string, got ""' });
    expect(checkMessage(3)).toEqual({ problem: 'msg must be a non-empty string, got 3' });
    expect(checkMessage('x'.repeat(MAX_MESSAGE_BYTES + 1))).toEqual({ problem: `msg is ${MAX_MESSAGE_BYTES + 1} bytes in UTF-8; at most ${MAX_MESSAGE_BYTES}` });
  });
});
