// sendMessage: the message is carried in-band in the H.264 stream as an SEI NAL unit of type
// user_data_unregistered (ITU-T H.264 D.1.7: a 16-byte UUID, then the message bytes), put in front
// of the slices of the next video access unit. Pure functions on bytes; LivePusher queues the
// messages and calls addSeiMessage on the next encoded frame's FLV video tag body.
// Spec: context-api.md sendMessage ({msg}; carried in-band as an SEI message).

/** The UUID the reference tags its messages with (any fixed 16 bytes; readers match on it). */
export const SEI_MESSAGE_UUID = Uint8Array.from([
  0x6c, 0x70, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x2d, 0x73, 0x65, 0x6e, 0x64, 0x4d, 0x73, 0x67, 0x21,
]);
/** The longest message accepted, in UTF-8 bytes (one SEI fits comfortably in any frame). */
export const MAX_MESSAGE_BYTES = 4096;
const NAL_TYPE_SEI = 6;
const SEI_USER_DATA_UNREGISTERED = 5;
const RBSP_STOP_BIT = 0x80;
/** FLV AVC video tag: frame/codec byte, AVCPacketType, 3-byte composition time, then NALUs. */
const FLV_AVC_HEADER_BYTES = 5;
const AVC_PACKET_NALU = 1;
/** NAL unit length prefix in the FLV body (AVCDecoderConfigurationRecord lengthSizeMinusOne + 1;
 *  ffmpeg's FLV muxer writes 4). */
const NAL_LENGTH_BYTES = 4;

/** Inserts emulation-prevention bytes (0x03 after two zero bytes before a byte ≤ 3). */
export function escapeRbsp(rbsp: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

/** The SEI NAL unit (header byte included, escaped) carrying `message` as user_data_unregistered. */
export function seiNal(message: Uint8Array, uuid: Uint8Array = SEI_MESSAGE_UUID): Uint8Array {
  const size = uuid.length + message.length;
  const rbsp: number[] = [SEI_USER_DATA_UNREGISTERED];
  let rest = size;
  while (rest >= 0xff) {
    rbsp.push(0xff);
    rest -= 0xff;
  }
  rbsp.push(rest, ...uuid, ...message, RBSP_STOP_BIT);
  const escaped = escapeRbsp(Uint8Array.from(rbsp));
  const nal = new Uint8Array(1 + escaped.length);
  nal[0] = NAL_TYPE_SEI;
  nal.set(escaped, 1);
  return nal;
}

/** The FLV AVC video tag body with the SEI in front of its NAL units; the body unchanged when it
 *  is not a NALU packet (a sequence header or end of sequence). */
export function addSeiMessage(body: Uint8Array, message: Uint8Array): Uint8Array {
  if (body.length < FLV_AVC_HEADER_BYTES || body[1] !== AVC_PACKET_NALU) return body;
  const nal = seiNal(message);
  const out = new Uint8Array(body.length + NAL_LENGTH_BYTES + nal.length);
  out.set(body.subarray(0, FLV_AVC_HEADER_BYTES), 0);
  new DataView(out.buffer).setUint32(FLV_AVC_HEADER_BYTES, nal.length);
  out.set(nal, FLV_AVC_HEADER_BYTES + NAL_LENGTH_BYTES);
  out.set(body.subarray(FLV_AVC_HEADER_BYTES), FLV_AVC_HEADER_BYTES + NAL_LENGTH_BYTES + nal.length);
  return out;
}

/** sendMessage's argument checked: the message's bytes, or what is wrong with it. */
export function checkMessage(msg: unknown): { bytes: Uint8Array } | { problem: string } {
  if (typeof msg !== 'string' || msg.length === 0) return { problem: `msg must be a non-empty string, got ${JSON.stringify(msg)}` };
  const bytes = new TextEncoder().encode(msg);
  if (bytes.length > MAX_MESSAGE_BYTES) return { problem: `msg is ${bytes.length} bytes in UTF-8; at most ${MAX_MESSAGE_BYTES}` };
  return { bytes };
}
