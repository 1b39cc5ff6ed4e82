// Resumable FLV demuxer (Video File Format Specification v10.1, Annex E: E.2 header, E.3 body,
// E.4.1 FLVTAG). feed() accepts any split of the input -- one byte at a time yields the same
// events as the whole file at once -- through explicit states, each waiting for a fixed number
// of bytes. Throws ProtocolError: 'flv' for malformed input, 'limit' for oversized tags. After an
// error the demuxer is failed: every later call throws the same error.
import { ProtocolError } from '../errors.ts';
import {
  FLV_DEFAULT_MAX_TAG_DATA_SIZE,
  FLV_HEADER_FLAG,
  FLV_HEADER_SIZE,
  FLV_MAX_HEADER_SIZE,
  FLV_PREVIOUS_TAG_SIZE_BYTES,
  FLV_SIGNATURE,
  FLV_TAG_FILTER_BIT,
  FLV_TAG_HEADER_SIZE,
  FLV_TAG_TYPE,
  FLV_TAG_TYPE_MASK,
  FLV_TIMESTAMP_LOW_BITS,
  FLV_VERSION,
  type FlvTagType,
} from './constants.ts';
import type { FlvEvent, FlvTag } from './types.ts';

export interface FlvDemuxerOptions {
  /** Largest tag body accepted; a bigger DataSize is refused before allocating. */
  maxTagDataSize?: number;
}

/** What the demuxer is waiting for. */
export type FlvDemuxerState =
  | 'header'
  | 'header-padding'
  | 'previous-tag-size'
  | 'tag-header'
  | 'tag-data'
  | 'ended'
  | 'failed';

const SIGNATURE_OFFSET = 0;
const VERSION_OFFSET = 3;
const FLAGS_OFFSET = 4;
const DATA_OFFSET_OFFSET = 5;
const TAG_DATA_SIZE_OFFSET = 1;
const TAG_TIMESTAMP_OFFSET = 4;
const TAG_TIMESTAMP_EXTENDED_OFFSET = 7;
const TAG_STREAM_ID_OFFSET = 8;
const BITS_PER_BYTE = 8;
const MIN_TAG_DATA_CAPACITY = 4096;

const TAG_TYPE_BY_CODE: ReadonlyMap<number, FlvTagType> = new Map(
  (Object.entries(FLV_TAG_TYPE) as [FlvTagType, number][]).map(([name, code]) => [code, name]),
);

function uint24(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << (2 * BITS_PER_BYTE)) | (bytes[offset + 1] << BITS_PER_BYTE) | bytes[offset + 2];
}

function uint32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset);
}

export class FlvDemuxer {
  private readonly maxTagDataSize: number;
  private stateValue: FlvDemuxerState = 'header';
  /** Buffer of the current unit (header, tag header, previous tag size, tag data). Tag data
   *  grows with what arrives (never past twice the bytes received), so a DataSize field alone
   *  cannot make the demuxer allocate. */
  private unit = new Uint8Array(FLV_HEADER_SIZE);
  /** Bytes the current unit needs in total. */
  private unitSize = FLV_HEADER_SIZE;
  private readonly tagHeaderBuffer = new Uint8Array(FLV_TAG_HEADER_SIZE);
  private readonly previousTagSizeBuffer = new Uint8Array(FLV_PREVIOUS_TAG_SIZE_BYTES);
  private filled = 0;
  /** Header padding still to skip (DataOffset beyond 9). */
  private skipRemaining = 0;
  /** Stream offset of the first byte of the current unit, for error messages. */
  private unitOffset = 0;
  private consumed = 0;
  /** What the next PreviousTagSize must say. */
  private expectedPreviousTagSize = 0;
  private pendingTag: Omit<FlvTag, 'data'> | null = null;
  private failure: ProtocolError | null = null;

  constructor(options: FlvDemuxerOptions = {}) {
    this.maxTagDataSize = options.maxTagDataSize ?? FLV_DEFAULT_MAX_TAG_DATA_SIZE;
  }

  get state(): FlvDemuxerState {
    return this.stateValue;
  }

  /** Total bytes consumed so far. */
  get offset(): number {
    return this.consumed;
  }

  feed(chunk: Uint8Array): FlvEvent[] {
    this.assertUsable('feed');
    const events: FlvEvent[] = [];
    try {
      let position = 0;
      // Each pass consumes at least one byte or completes a unit; bounded by the chunk length
      // plus one completion per unit (units have at least one byte, except empty tag data).
      while (position < chunk.length || this.unitReady()) {
        if (this.stateValue === 'header-padding') {
          const skip = Math.min(this.skipRemaining, chunk.length - position);
          this.skipRemaining -= skip;
          position += skip;
          this.consumed += skip;
          if (this.skipRemaining === 0) this.expect('previous-tag-size', FLV_PREVIOUS_TAG_SIZE_BYTES);
          continue;
        }
        const take = Math.min(this.unitSize - this.filled, chunk.length - position);
        this.reserve(this.filled + take);
        this.unit.set(chunk.subarray(position, position + take), this.filled);
        this.filled += take;
        position += take;
        this.consumed += take;
        if (this.unitReady()) this.complete(events);
      }
    } catch (err) {
      this.fail(err);
    }
    return events;
  }

  /** Declares the input finished; throws if it stopped inside the header or a tag. A stream
   *  that ends right after a tag's data, without its trailing PreviousTagSize, is accepted. */
  end(): void {
    this.assertUsable('end');
    const atBoundary =
      (this.stateValue === 'tag-header' || this.stateValue === 'previous-tag-size') && this.filled === 0;
    if (!atBoundary) {
      this.fail(new ProtocolError('flv', `input ended in the middle of the ${this.stateValue} (${this.filled} bytes of it)`, this.consumed));
    }
    this.stateValue = 'ended';
  }

  /** Bytes held in buffers for the unit in progress. */
  get bufferedBytes(): number {
    return this.unit.length;
  }

  private unitReady(): boolean {
    return this.stateValue !== 'header-padding' && this.filled === this.unitSize;
  }

  /** Grows the tag data buffer to hold `needed` bytes (doubling, capped at the unit size). */
  private reserve(needed: number): void {
    if (needed <= this.unit.length) return;
    const capacity = Math.min(this.unitSize, Math.max(needed, this.unit.length * 2, MIN_TAG_DATA_CAPACITY));
    const grown = new Uint8Array(capacity);
    grown.set(this.unit.subarray(0, this.filled));
    this.unit = grown;
  }

  private assertUsable(call: string): void {
    if (this.failure) throw this.failure;
    if (this.stateValue === 'failed') throw new ProtocolError('flv', `${call}() after an internal failure`, this.consumed);
    if (this.stateValue === 'ended') throw new ProtocolError('flv', `${call}() after end()`, this.consumed);
  }

  private fail(err: unknown): never {
    if (err instanceof ProtocolError) this.failure = err;
    this.stateValue = 'failed';
    throw err;
  }

  /** Waits for `size` bytes in `state` (tag data gets its own buffer, handed to the event). */
  private expect(state: 'previous-tag-size' | 'tag-header' | 'tag-data', size: number): void {
    this.stateValue = state;
    this.unitSize = size;
    if (state === 'tag-data') this.unit = new Uint8Array(0);
    else if (state === 'tag-header') this.unit = this.tagHeaderBuffer;
    else this.unit = this.previousTagSizeBuffer;
    this.filled = 0;
    this.unitOffset = this.consumed;
  }

  private complete(events: FlvEvent[]): void {
    switch (this.stateValue) {
      case 'header':
        this.completeHeader(events);
        return;
      case 'previous-tag-size':
        this.completePreviousTagSize();
        return;
      case 'tag-header':
        this.completeTagHeader();
        return;
      case 'tag-data':
        this.completeTagData(events);
        return;
      default:
        throw new ProtocolError('flv', `no unit to complete in state ${this.stateValue}`, this.consumed);
    }
  }

  private completeHeader(events: FlvEvent[]): void {
    const header = this.unit;
    for (let i = 0; i < FLV_SIGNATURE.length; i += 1) {
      if (header[SIGNATURE_OFFSET + i] !== FLV_SIGNATURE[i]) {
        throw new ProtocolError('flv', 'missing FLV signature', this.unitOffset + SIGNATURE_OFFSET + i);
      }
    }
    const version = header[VERSION_OFFSET];
    if (version !== FLV_VERSION) throw new ProtocolError('flv', `unsupported FLV version ${version}`, this.unitOffset + VERSION_OFFSET);
    const dataOffset = uint32(header, DATA_OFFSET_OFFSET);
    if (dataOffset < FLV_HEADER_SIZE || dataOffset > FLV_MAX_HEADER_SIZE) {
      throw new ProtocolError('flv', `header size ${dataOffset} outside ${FLV_HEADER_SIZE}..${FLV_MAX_HEADER_SIZE}`, this.unitOffset + DATA_OFFSET_OFFSET);
    }
    const flags = header[FLAGS_OFFSET];
    events.push({
      kind: 'header',
      version,
      hasAudio: (flags & FLV_HEADER_FLAG.audio) !== 0,
      hasVideo: (flags & FLV_HEADER_FLAG.video) !== 0,
    });
    this.expectedPreviousTagSize = 0;
    if (dataOffset > FLV_HEADER_SIZE) {
      this.skipRemaining = dataOffset - FLV_HEADER_SIZE;
      this.stateValue = 'header-padding';
      this.filled = 0;
      this.unitOffset = this.consumed;
    } else {
      this.expect('previous-tag-size', FLV_PREVIOUS_TAG_SIZE_BYTES);
    }
  }

  private completePreviousTagSize(): void {
    const size = uint32(this.unit, 0);
    if (size !== this.expectedPreviousTagSize) {
      throw new ProtocolError('flv', `PreviousTagSize ${size} does not match the previous tag's ${this.expectedPreviousTagSize}`, this.unitOffset);
    }
    this.expect('tag-header', FLV_TAG_HEADER_SIZE);
  }

  private completeTagHeader(): void {
    const header = this.unit;
    const first = header[0];
    if (first & FLV_TAG_FILTER_BIT) throw new ProtocolError('flv', 'encrypted (Filter=1) tags are not supported', this.unitOffset);
    const type = TAG_TYPE_BY_CODE.get(first & FLV_TAG_TYPE_MASK);
    if (type === undefined) throw new ProtocolError('flv', `unknown tag type ${first & FLV_TAG_TYPE_MASK}`, this.unitOffset);
    const dataSize = uint24(header, TAG_DATA_SIZE_OFFSET);
    if (dataSize > this.maxTagDataSize) {
      throw new ProtocolError('limit', `tag data size ${dataSize} exceeds the ${this.maxTagDataSize}-byte limit`, this.unitOffset + TAG_DATA_SIZE_OFFSET);
    }
    const timestamp = uint24(header, TAG_TIMESTAMP_OFFSET) + header[TAG_TIMESTAMP_EXTENDED_OFFSET] * 2 ** FLV_TIMESTAMP_LOW_BITS;
    this.pendingTag = { type, timestamp, streamId: uint24(header, TAG_STREAM_ID_OFFSET) };
    this.expectedPreviousTagSize = FLV_TAG_HEADER_SIZE + dataSize;
    this.expect('tag-data', dataSize);
  }

  private completeTagData(events: FlvEvent[]): void {
    const pending = this.pendingTag;
    if (pending === null) throw new ProtocolError('flv', 'tag data without a tag header', this.unitOffset);
    const data = this.unit;
    // The unit buffer (exactly unitSize long once full) now belongs to the event.
    this.unit = new Uint8Array(0);
    this.pendingTag = null;
    events.push({ kind: 'tag', tag: { ...pending, data } });
    this.expect('previous-tag-size', FLV_PREVIOUS_TAG_SIZE_BYTES);
  }
}
