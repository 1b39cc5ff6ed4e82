// MSB-first bit reader/writer with Exp-Golomb codes (ITU-T H.264 section 7.2 read_bits/u(n),
// section 9.1 ue(v)/se(v)), shared by the AVC SPS and AAC AudioSpecificConfig parsers. Reading
// past the end throws ProtocolError with the caller's error code.
import { ProtocolError, type ProtocolErrorCode } from './errors.ts';

const BITS_PER_BYTE = 8;
/** Widest single read (fits a JS number exactly and a UI32 field). */
export const MAX_BITS_PER_READ = 32;
/** ue(v) codes with more leading zeros would exceed 32 bits (H.264 limits them to 2^32 - 2). */
const MAX_EXP_GOLOMB_LEADING_ZEROS = 31;

export class BitReader {
  private bitOffset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly errorCode: ProtocolErrorCode,
  ) {}

  /** Bits not yet read. */
  get bitsLeft(): number {
    return this.bytes.length * BITS_PER_BYTE - this.bitOffset;
  }

  /** Bits read so far. */
  get position(): number {
    return this.bitOffset;
  }

  private fail(message: string): never {
    throw new ProtocolError(this.errorCode, message, Math.floor(this.bitOffset / BITS_PER_BYTE));
  }

  readBit(): number {
    if (this.bitOffset >= this.bytes.length * BITS_PER_BYTE) this.fail('bitstream ended early');
    const byte = this.bytes[this.bitOffset >> 3];
    const bit = (byte >> (BITS_PER_BYTE - 1 - (this.bitOffset & (BITS_PER_BYTE - 1)))) & 1;
    this.bitOffset += 1;
    return bit;
  }

  readFlag(): boolean {
    return this.readBit() === 1;
  }

  /** u(n), 0 <= n <= 32. */
  readBits(count: number): number {
    if (count < 0 || count > MAX_BITS_PER_READ) this.fail(`cannot read ${count} bits at once`);
    if (count > this.bitsLeft) this.fail(`bitstream ended early: need ${count} bits, ${this.bitsLeft} left`);
    let value = 0;
    for (let i = 0; i < count; i += 1) value = value * 2 + this.readBit();
    return value;
  }

  skipBits(count: number): void {
    if (count > this.bitsLeft) this.fail(`bitstream ended early: cannot skip ${count} bits, ${this.bitsLeft} left`);
    this.bitOffset += count;
  }

  /** ue(v): unsigned Exp-Golomb. */
  readUE(): number {
    let leadingZeros = 0;
    while (this.readBit() === 0) {
      leadingZeros += 1;
      if (leadingZeros > MAX_EXP_GOLOMB_LEADING_ZEROS) this.fail('Exp-Golomb code longer than 32 bits');
    }
    return 2 ** leadingZeros - 1 + this.readBits(leadingZeros);
  }

  /** se(v): signed Exp-Golomb (k -> (-1)^(k+1) * ceil(k / 2)). */
  readSE(): number {
    const codeNum = this.readUE();
    const magnitude = Math.ceil(codeNum / 2);
    return codeNum % 2 === 1 || codeNum === 0 ? magnitude : -magnitude;
  }
}

export class BitWriter {
  private readonly out: number[] = [];
  private current = 0;
  private used = 0;

  /** u(n), 0 <= n <= 32; `value` must fit in `count` bits. */
  writeBits(value: number, count: number): void {
    if (count < 0 || count > MAX_BITS_PER_READ || !Number.isInteger(value) || value < 0 || value >= 2 ** count) {
      throw new RangeError(`cannot write ${value} in ${count} bits`);
    }
    for (let i = count - 1; i >= 0; i -= 1) {
      const bit = Math.floor(value / 2 ** i) % 2;
      this.current = (this.current << 1) | bit;
      this.used += 1;
      if (this.used === BITS_PER_BYTE) {
        this.out.push(this.current);
        this.current = 0;
        this.used = 0;
      }
    }
  }

  writeFlag(flag: boolean): void {
    this.writeBits(flag ? 1 : 0, 1);
  }

  /** ue(v). */
  writeUE(value: number): void {
    const codeNum = value + 1;
    const length = Math.floor(Math.log2(codeNum));
    this.writeBits(0, length);
    this.writeBits(codeNum, length + 1);
  }

  /** se(v). */
  writeSE(value: number): void {
    this.writeUE(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** The bytes written, the last one padded with zero bits. */
  finish(): Uint8Array {
    const bytes = [...this.out];
    if (this.used > 0) bytes.push(this.current << (BITS_PER_BYTE - this.used));
    return Uint8Array.from(bytes);
  }
}
