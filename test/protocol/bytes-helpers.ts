// Helpers shared by the protocol tests: golden bytes written as hex or bit strings, the
// assertion that a parser refused its input with a typed ProtocolError of the right code, and
// the seeded random source of the fuzz tests.
import { expect } from 'vitest';
import { ProtocolError } from '../../protocol/errors.ts';

/** "46 4C 56" -> bytes (whitespace and `# comments` to the end of a line ignored). */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/#[^\n]*/g, '').replace(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** "0001 0010" -> bytes, zero-padded to whole bytes (whitespace ignored). */
export function bits(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const padded = clean.padEnd(Math.ceil(clean.length / 8) * 8, '0');
  return Uint8Array.from(padded.match(/.{8}/g) ?? [], (byte) => parseInt(byte, 2));
}

/** Runs fn, which must throw a ProtocolError with this code; returns it. */
export function expectProtocolError(fn: () => unknown, code: ProtocolError['code']): ProtocolError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe(code);
    return err as ProtocolError;
  }
  throw new Error('expected a ProtocolError');
}

/** What fn threw, or undefined when it returned. */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** mulberry32: a small seeded generator of numbers in [0, 1), so fuzz runs are reproducible. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
