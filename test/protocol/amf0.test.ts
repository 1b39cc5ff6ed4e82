// AMF0 codec: golden encodings (AMF0 spec section 2), round trips, limits and malformed input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AMF0_MAX_DEPTH,
  AMF0_TYPE,
  Amf0Date,
  Amf0EcmaArray,
  decodeAmf0,
  decodeAmf0Value,
  encodeAmf0,
  type Amf0Object,
  type Amf0Value,
} from '../../protocol/amf0.ts';
import { expectProtocolError, hex } from './bytes-helpers.ts';

function ascii(text: string): string {
  return Buffer.from(text, 'latin1').toString('hex');
}

// The RTMP connect command as FMLE/OBS send it: "connect", transaction 1, command object.
const CONNECT_BYTES = hex(`
  02 0007 ${ascii('connect')}
  00 3FF0000000000000                        # 1.0
  03
    0003 ${ascii('app')}      02 0004 ${ascii('live')}
    0004 ${ascii('type')}     02 000A ${ascii('nonprivate')}
    0008 ${ascii('flashVer')} 02 0008 ${ascii('FMLE/3.0')}
    0005 ${ascii('tcUrl')}    02 0015 ${ascii('rtmp://127.0.0.1/live')}
    0004 ${ascii('fpad')}     01 00
    000B ${ascii('audioCodecs')} 00 40AFCE0000000000   # 4071
    0000 09
`);
const CONNECT_VALUES: Amf0Value[] = [
  'connect',
  1,
  { app: 'live', type: 'nonprivate', flashVer: 'FMLE/3.0', tcUrl: 'rtmp://127.0.0.1/live', fpad: false, audioCodecs: 4071 },
];

describe('AMF0 golden encodings', () => {
  it('encodes a connect command byte for byte', () => {
    expect(Buffer.from(encodeAmf0(...CONNECT_VALUES)).toString('hex')).toBe(Buffer.from(CONNECT_BYTES).toString('hex'));
  });

  it('decodes a connect command', () => {
    expect(decodeAmf0(CONNECT_BYTES)).toEqual(CONNECT_VALUES);
  });

  it('encodes scalars with their markers', () => {
    expect(encodeAmf0(0)).toEqual(hex('00 0000000000000000'));
    expect(encodeAmf0(-2.5)).toEqual(hex('00 C004000000000000'));
    expect(encodeAmf0(true, false)).toEqual(hex('01 01 01 00'));
    expect(encodeAmf0(null, undefined)).toEqual(hex('05 06'));
    expect(encodeAmf0('')).toEqual(hex('02 0000'));
    expect(encodeAmf0('é')).toEqual(hex('02 0002 C3A9'));
  });

  it('encodes an ECMA array with its count and end marker', () => {
    const bytes = encodeAmf0('onMetaData', new Amf0EcmaArray({ width: 360, stereo: true }));
    expect(bytes).toEqual(
      hex(`02 000A ${ascii('onMetaData')}
           08 00000002
             0005 ${ascii('width')} 00 4076800000000000
             0006 ${ascii('stereo')} 01 01
             0000 09`),
    );
  });

  it('encodes a strict array and a date', () => {
    expect(encodeAmf0([1, 'a'])).toEqual(hex('0A 00000002 00 3FF0000000000000 02 0001 61'));
    expect(encodeAmf0(new Amf0Date(1000, -60))).toEqual(hex('0B 408F400000000000 FFC4'));
    expect(decodeAmf0(hex('0B 408F400000000000 FFC4'))).toEqual([new Amf0Date(1000, -60)]);
  });

  it('switches to a long string above 65535 bytes', () => {
    const short = 'a'.repeat(0xffff);
    const long = 'a'.repeat(0x10000);
    const shortBytes = encodeAmf0(short);
    const longBytes = encodeAmf0(long);
    expect(shortBytes[0]).toBe(AMF0_TYPE.string);
    expect(shortBytes.length).toBe(1 + 2 + 0xffff);
    expect(longBytes[0]).toBe(AMF0_TYPE.longString);
    expect(Array.from(longBytes.subarray(1, 5))).toEqual([0x00, 0x01, 0x00, 0x00]);
    expect(decodeAmf0(longBytes)).toEqual([long]);
    expect(decodeAmf0(shortBytes)).toEqual([short]);
  });

  it('decodes the "unsupported" marker as undefined', () => {
    expect(decodeAmf0(hex('0D 05'))).toEqual([undefined, null]);
  });

  it('resolves references to earlier complete objects', () => {
    const bytes = hex(`0A 00000002
                         03 0001 61 00 3FF0000000000000 0000 09
                         07 0001`); // #0 is the array, #1 the object
    const [array] = decodeAmf0(bytes) as [Amf0Value[]];
    expect(array).toEqual([{ a: 1 }, { a: 1 }]);
    expect(array[1]).toBe(array[0]);
  });
});

describe('AMF0 decodeAmf0Value', () => {
  it('decodes at an offset and reports the next offset', () => {
    const bytes = encodeAmf0('x', 42, { k: null });
    const first = decodeAmf0Value(bytes, 0);
    expect(first).toEqual({ value: 'x', next: 4 });
    const second = decodeAmf0Value(bytes, first.next);
    expect(second).toEqual({ value: 42, next: 13 });
    const third = decodeAmf0Value(bytes, second.next);
    expect(third.value).toEqual({ k: null });
    expect(third.next).toBe(bytes.length);
  });

  it('rejects an offset outside the buffer', () => {
    expectProtocolError(() => decodeAmf0Value(new Uint8Array(2), 5), 'amf0');
    expectProtocolError(() => decodeAmf0Value(new Uint8Array(2), 2), 'amf0');
  });

  it('works on a subarray view with a non-zero byteOffset', () => {
    const padded = new Uint8Array(7 + CONNECT_BYTES.length);
    padded.set(CONNECT_BYTES, 7);
    expect(decodeAmf0(padded.subarray(7))).toEqual(CONNECT_VALUES);
  });
});

describe('AMF0 malformed input', () => {
  it.each([
    ['movieclip', AMF0_TYPE.movieclip],
    ['recordset', AMF0_TYPE.recordset],
    ['xml document', AMF0_TYPE.xmlDocument],
    ['typed object', AMF0_TYPE.typedObject],
    ['avmplus', AMF0_TYPE.avmplusObject],
    ['unknown 0x12', 0x12],
    ['unknown 0xff', 0xff],
  ])('rejects the %s marker with its offset', (_name, marker) => {
    const bytes = new Uint8Array([AMF0_TYPE.null, AMF0_TYPE.null, marker, 0, 0, 0, 0]);
    const err = expectProtocolError(() => decodeAmf0(bytes), 'amf0');
    expect(err.offset).toBe(2);
  });

  it('rejects every truncation of a single encoded value', () => {
    const single = encodeAmf0([CONNECT_VALUES[2], new Amf0EcmaArray({ d: new Amf0Date(1) }), 'xyz']);
    for (let cut = 1; cut < single.length; cut += 1) {
      expectProtocolError(() => decodeAmf0(single.subarray(0, cut)), 'amf0');
    }
    const long = encodeAmf0('x'.repeat(0x10000));
    for (const cut of [1, 4, 5, long.length - 1]) {
      expectProtocolError(() => decodeAmf0(long.subarray(0, cut)), 'amf0');
    }
  });

  it('rejects huge length fields without allocating', () => {
    expectProtocolError(() => decodeAmf0(hex('0C FFFFFFFF 61')), 'amf0');
    expectProtocolError(() => decodeAmf0(hex('0A FFFFFFFF 05 05')), 'amf0');
    expectProtocolError(() => decodeAmf0(hex('02 FFFF 61')), 'amf0');
  });

  it('rejects a stray object end, an empty key without end marker, bad references and cycles', () => {
    expectProtocolError(() => decodeAmf0(hex('09')), 'amf0');
    expectProtocolError(() => decodeAmf0(hex('03 0000 05')), 'amf0');
    expectProtocolError(() => decodeAmf0(hex('07 0000')), 'amf0');
    expectProtocolError(() => decodeAmf0(hex('03 0001 61 07 0000 0000 09')), 'amf0');
  });

  it('bounds nesting depth on decode and encode', () => {
    const nested = (depth: number): Uint8Array => {
      const open = Array.from({ length: depth }, () => '0A00000001').join('');
      return hex(`${open}05`);
    };
    expect(decodeAmf0(nested(AMF0_MAX_DEPTH))).toHaveLength(1);
    expectProtocolError(() => decodeAmf0(nested(AMF0_MAX_DEPTH + 1)), 'limit');

    let value: Amf0Value = null;
    for (let i = 0; i < AMF0_MAX_DEPTH; i += 1) value = [value];
    expect(decodeAmf0(encodeAmf0(value))).toEqual([value]);
    expectProtocolError(() => encodeAmf0([value]), 'limit');

    const cyclic: Amf0Object = {};
    cyclic.self = cyclic;
    expectProtocolError(() => encodeAmf0(cyclic), 'limit');
  });

  it('refuses to encode what AMF0 cannot carry', () => {
    expectProtocolError(() => encodeAmf0({ '': 1 }), 'amf0');
    expectProtocolError(() => encodeAmf0(new Map() as unknown as Amf0Value), 'amf0');
    expectProtocolError(() => encodeAmf0((() => 1) as unknown as Amf0Value), 'amf0');
  });
});

describe('AMF0 round trips', () => {
  it('keeps a "__proto__" key as data, not as a prototype', () => {
    const bytes = hex(`03 0009 ${ascii('__proto__')} 03 0001 78 00 3FF0000000000000 0000 09 0000 09`);
    const [value] = decodeAmf0(bytes) as [Amf0Object];
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(encodeAmf0(value)).toEqual(bytes);
  });

  const key = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
  const { value: amf0Value } = fc.letrec<{ value: Amf0Value }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.double(),
      fc.boolean(),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5 }).map((entries) => new Amf0EcmaArray(entries)),
      fc.tuple(fc.double(), fc.integer({ min: -0x8000, max: 0x7fff })).map(([ms, tz]) => new Amf0Date(ms, tz)),
    ),
  }));

  it('decode(encode(values)) equals the values, and is stable when fed from an offset', () => {
    fc.assert(
      fc.property(fc.array(amf0Value, { maxLength: 4 }), (values) => {
        const bytes = encodeAmf0(...values);
        expect(decodeAmf0(bytes)).toEqual(values);
        expect(encodeAmf0(...decodeAmf0(bytes))).toEqual(bytes);
      }),
      { numRuns: 500, seed: 0x5eed },
    );
  });
});
