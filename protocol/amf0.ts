// AMF0 codec (Adobe "Action Message Format -- AMF 0", 2006, section 2 "AMF 0 Data Types").
// Pure: bytes in, values out and back. Used by RTMP commands (section 2 of the RTMP spec) and
// by FLV script tags (onMetaData). The decoder throws only ProtocolError: 'amf0' for malformed
// or unsupported input (with the byte offset), 'limit' for nesting deeper than AMF0_MAX_DEPTH.
import { ProtocolError } from './errors.ts';

/** Type markers, AMF0 spec section 2.1. */
export const AMF0_TYPE = {
  number: 0x00,
  boolean: 0x01,
  string: 0x02,
  object: 0x03,
  movieclip: 0x04,
  null: 0x05,
  undefined: 0x06,
  reference: 0x07,
  ecmaArray: 0x08,
  objectEnd: 0x09,
  strictArray: 0x0a,
  date: 0x0b,
  longString: 0x0c,
  unsupported: 0x0d,
  recordset: 0x0e,
  xmlDocument: 0x0f,
  typedObject: 0x10,
  avmplusObject: 0x11,
} as const;

export type Amf0Value =
  | number
  | boolean
  | string
  | null
  | undefined
  | Amf0Object
  | Amf0EcmaArray
  | Amf0Value[]
  | Amf0Date;

/** A plain object: encoded as an anonymous AMF0 object (0x03). */
export interface Amf0Object {
  [key: string]: Amf0Value;
}

/** An associative ("ECMA") array (0x08), as used by onMetaData. */
export class Amf0EcmaArray {
  constructor(public entries: Record<string, Amf0Value>) {}
}

/** A date (0x0b): milliseconds since the Unix epoch plus the (reserved) timezone field. */
export class Amf0Date {
  constructor(
    public epochMs: number,
    public timezone = 0,
  ) {}
}

/** Most objects/arrays nested inside one another that the decoder and the encoder accept
 *  (the encoder's bound also stops cycles). */
export const AMF0_MAX_DEPTH = 64;

/** Largest string a plain string marker can carry (u16 length); longer ones use longString. */
export const AMF0_MAX_SHORT_STRING = 0xffff;

const U16_BYTES = 2;
const U32_BYTES = 4;
const F64_BYTES = 8;
const S16_BYTES = 2;
const MARKER_BYTES = 1;
/** Smallest encoded value: a bare marker (null, undefined, ...). Bounds counts read from input. */
const MIN_VALUE_BYTES = MARKER_BYTES;
const INITIAL_WRITER_CAPACITY = 256;

const UNSUPPORTED_MARKER_NAMES: Readonly<Record<number, string>> = {
  [AMF0_TYPE.movieclip]: 'movieclip',
  [AMF0_TYPE.recordset]: 'recordset',
  [AMF0_TYPE.xmlDocument]: 'xml document',
  [AMF0_TYPE.typedObject]: 'typed object',
  [AMF0_TYPE.avmplusObject]: 'avmplus object (AMF3 switch)',
};

const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Decoding

interface DecodeState {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Complex values (object, ecma array, strict array) in the order they began, for 0x07. */
  readonly references: Amf0Value[];
  /** Parallel to references: true once the value is fully decoded. */
  readonly complete: boolean[];
}

function need(state: DecodeState, offset: number, count: number, what: string): void {
  if (offset + count > state.bytes.length) {
    throw new ProtocolError('amf0', `truncated ${what}: need ${count} bytes, ${Math.max(0, state.bytes.length - offset)} left`, offset);
  }
}

function readUtf8(state: DecodeState, offset: number, length: number, what: string): string {
  need(state, offset, length, what);
  return utf8Decoder.decode(state.bytes.subarray(offset, offset + length));
}

/** Reads a u16-length-prefixed UTF-8 string (an object key or a string body). */
function readShortString(state: DecodeState, offset: number, what: string): { value: string; next: number } {
  need(state, offset, U16_BYTES, `${what} length`);
  const length = state.view.getUint16(offset);
  const start = offset + U16_BYTES;
  return { value: readUtf8(state, start, length, what), next: start + length };
}

function setProperty(target: Record<string, Amf0Value>, key: string, value: Amf0Value): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Reads key/value pairs up to the empty key + objectEnd marker (objects and ECMA arrays). */
function readProperties(
  state: DecodeState,
  offset: number,
  depth: number,
  target: Record<string, Amf0Value>,
): number {
  let cursor = offset;
  // Each pass consumes at least U16_BYTES + MARKER_BYTES, so the loop is bounded by the input.
  for (;;) {
    const key = readShortString(state, cursor, 'object key');
    if (key.value.length === 0) {
      need(state, key.next, MARKER_BYTES, 'object end marker');
      const marker = state.bytes[key.next];
      if (marker !== AMF0_TYPE.objectEnd) {
        throw new ProtocolError('amf0', `empty object key not followed by the object end marker (got 0x${marker.toString(16)})`, key.next);
      }
      return key.next + MARKER_BYTES;
    }
    const entry = decodeAt(state, key.next, depth);
    setProperty(target, key.value, entry.value);
    cursor = entry.next;
  }
}

function beginReference(state: DecodeState, value: Amf0Value): number {
  state.references.push(value);
  state.complete.push(false);
  return state.references.length - 1;
}

/** `depth` counts the containers enclosing the one about to open. */
function enterContainer(depth: number, offset?: number): void {
  if (depth >= AMF0_MAX_DEPTH) {
    throw new ProtocolError('limit', `AMF0 containers nested deeper than ${AMF0_MAX_DEPTH}`, offset);
  }
}

function decodeAt(state: DecodeState, offset: number, depth: number): { value: Amf0Value; next: number } {
  need(state, offset, MARKER_BYTES, 'type marker');
  const marker = state.bytes[offset];
  const body = offset + MARKER_BYTES;
  switch (marker) {
    case AMF0_TYPE.number:
      need(state, body, F64_BYTES, 'number');
      return { value: state.view.getFloat64(body), next: body + F64_BYTES };
    case AMF0_TYPE.boolean:
      need(state, body, MARKER_BYTES, 'boolean');
      return { value: state.bytes[body] !== 0, next: body + MARKER_BYTES };
    case AMF0_TYPE.string:
      return readShortString(state, body, 'string');
    case AMF0_TYPE.longString: {
      need(state, body, U32_BYTES, 'long string length');
      const length = state.view.getUint32(body);
      const start = body + U32_BYTES;
      return { value: readUtf8(state, start, length, 'long string'), next: start + length };
    }
    case AMF0_TYPE.null:
      return { value: null, next: body };
    case AMF0_TYPE.undefined:
    case AMF0_TYPE.unsupported:
      return { value: undefined, next: body };
    case AMF0_TYPE.object: {
      enterContainer(depth, offset);
      const value: Amf0Object = {};
      const index = beginReference(state, value);
      const next = readProperties(state, body, depth + 1, value);
      state.complete[index] = true;
      return { value, next };
    }
    case AMF0_TYPE.ecmaArray: {
      enterContainer(depth, offset);
      need(state, body, U32_BYTES, 'ECMA array count');
      const entries: Record<string, Amf0Value> = {};
      const value = new Amf0EcmaArray(entries);
      const index = beginReference(state, value);
      // The count is advisory (encoders disagree on it); the end marker is authoritative.
      const next = readProperties(state, body + U32_BYTES, depth + 1, entries);
      state.complete[index] = true;
      return { value, next };
    }
    case AMF0_TYPE.strictArray: {
      enterContainer(depth, offset);
      need(state, body, U32_BYTES, 'strict array count');
      const count = state.view.getUint32(body);
      let cursor = body + U32_BYTES;
      if (count * MIN_VALUE_BYTES > state.bytes.length - cursor) {
        throw new ProtocolError('amf0', `strict array claims ${count} elements, only ${state.bytes.length - cursor} bytes left`, body);
      }
      const value: Amf0Value[] = [];
      const index = beginReference(state, value);
      for (let i = 0; i < count; i += 1) {
        const element = decodeAt(state, cursor, depth + 1);
        value.push(element.value);
        cursor = element.next;
      }
      state.complete[index] = true;
      return { value, next: cursor };
    }
    case AMF0_TYPE.date: {
      need(state, body, F64_BYTES + S16_BYTES, 'date');
      const epochMs = state.view.getFloat64(body);
      const timezone = state.view.getInt16(body + F64_BYTES);
      return { value: new Amf0Date(epochMs, timezone), next: body + F64_BYTES + S16_BYTES };
    }
    case AMF0_TYPE.reference: {
      need(state, body, U16_BYTES, 'reference index');
      const index = state.view.getUint16(body);
      if (index >= state.references.length) {
        throw new ProtocolError('amf0', `reference to unknown object #${index} (${state.references.length} known)`, offset);
      }
      if (!state.complete[index]) {
        throw new ProtocolError('amf0', `reference to object #${index} that is still being decoded (cycle)`, offset);
      }
      return { value: state.references[index], next: body + U16_BYTES };
    }
    case AMF0_TYPE.objectEnd:
      throw new ProtocolError('amf0', 'object end marker outside an object', offset);
    default: {
      const name = UNSUPPORTED_MARKER_NAMES[marker];
      throw new ProtocolError('amf0', name ? `unsupported type ${name} (0x${marker.toString(16)})` : `unknown type marker 0x${marker.toString(16)}`, offset);
    }
  }
}

function newState(bytes: Uint8Array): DecodeState {
  return {
    bytes,
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    references: [],
    complete: [],
  };
}

/** Decodes one value at `offset`; `next` is the offset just past it. */
export function decodeAmf0Value(bytes: Uint8Array, offset: number): { value: Amf0Value; next: number } {
  if (!Number.isInteger(offset) || offset < 0 || offset > bytes.length) {
    throw new ProtocolError('amf0', `offset ${offset} outside the ${bytes.length}-byte buffer`, offset);
  }
  return decodeAt(newState(bytes), offset, 0);
}

/** Decodes every value in the buffer (an RTMP command message is a sequence of values).
 *  References (0x07) resolve across the whole sequence, as in an RTMP command body. */
export function decodeAmf0(bytes: Uint8Array): Amf0Value[] {
  const state = newState(bytes);
  const values: Amf0Value[] = [];
  let offset = 0;
  // Every value consumes at least one byte, so this loop ends within bytes.length passes.
  while (offset < bytes.length) {
    const decoded = decodeAt(state, offset, 0);
    values.push(decoded.value);
    offset = decoded.next;
  }
  return values;
}

// ---------------------------------------------------------------------------------------------
// Encoding

class ByteWriter {
  private buffer = new Uint8Array(INITIAL_WRITER_CAPACITY);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + count) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.length] = value;
    this.length += 1;
  }

  u16(value: number): void {
    this.reserve(U16_BYTES);
    this.view.setUint16(this.length, value);
    this.length += U16_BYTES;
  }

  s16(value: number): void {
    this.reserve(S16_BYTES);
    this.view.setInt16(this.length, value);
    this.length += S16_BYTES;
  }

  u32(value: number): void {
    this.reserve(U32_BYTES);
    this.view.setUint32(this.length, value);
    this.length += U32_BYTES;
  }

  f64(value: number): void {
    this.reserve(F64_BYTES);
    this.view.setFloat64(this.length, value);
    this.length += F64_BYTES;
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

function writeKey(writer: ByteWriter, key: string): void {
  const encoded = utf8Encoder.encode(key);
  if (encoded.length === 0) throw new ProtocolError('amf0', 'cannot encode an empty object key (it would end the object)');
  if (encoded.length > AMF0_MAX_SHORT_STRING) throw new ProtocolError('amf0', `object key of ${encoded.length} bytes exceeds ${AMF0_MAX_SHORT_STRING}`);
  writer.u16(encoded.length);
  writer.bytes(encoded);
}

function writeProperties(writer: ByteWriter, entries: Record<string, Amf0Value>, depth: number): void {
  for (const key of Object.keys(entries)) {
    writeKey(writer, key);
    encodeInto(writer, entries[key], depth);
  }
  writer.u16(0);
  writer.u8(AMF0_TYPE.objectEnd);
}

function isPlainObject(value: object): value is Amf0Object {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function encodeInto(writer: ByteWriter, value: Amf0Value, depth: number): void {
  if (value === null) {
    writer.u8(AMF0_TYPE.null);
    return;
  }
  switch (typeof value) {
    case 'undefined':
      writer.u8(AMF0_TYPE.undefined);
      return;
    case 'number':
      writer.u8(AMF0_TYPE.number);
      writer.f64(value);
      return;
    case 'boolean':
      writer.u8(AMF0_TYPE.boolean);
      writer.u8(value ? 1 : 0);
      return;
    case 'string': {
      const encoded = utf8Encoder.encode(value);
      if (encoded.length > AMF0_MAX_SHORT_STRING) {
        writer.u8(AMF0_TYPE.longString);
        writer.u32(encoded.length);
      } else {
        writer.u8(AMF0_TYPE.string);
        writer.u16(encoded.length);
      }
      writer.bytes(encoded);
      return;
    }
    case 'object':
      break;
    default:
      throw new ProtocolError('amf0', `cannot encode a ${typeof value} as AMF0`);
  }
  if (value instanceof Amf0Date) {
    writer.u8(AMF0_TYPE.date);
    writer.f64(value.epochMs);
    writer.s16(value.timezone);
    return;
  }
  enterContainer(depth);
  if (Array.isArray(value)) {
    writer.u8(AMF0_TYPE.strictArray);
    writer.u32(value.length);
    for (const element of value) encodeInto(writer, element, depth + 1);
    return;
  }
  if (value instanceof Amf0EcmaArray) {
    writer.u8(AMF0_TYPE.ecmaArray);
    writer.u32(Object.keys(value.entries).length);
    writeProperties(writer, value.entries, depth + 1);
    return;
  }
  if (!isPlainObject(value)) {
    throw new ProtocolError('amf0', `cannot encode an instance of ${(value as object).constructor?.name ?? 'unknown class'} as AMF0`);
  }
  writer.u8(AMF0_TYPE.object);
  writeProperties(writer, value, depth + 1);
}

/** Encodes the values one after another (no references are emitted). */
export function encodeAmf0(...values: Amf0Value[]): Uint8Array {
  const writer = new ByteWriter();
  for (const value of values) encodeInto(writer, value, 0);
  return writer.finish();
}
