import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8 } from './utf8.ts';

const strictlyDecodes = (b: Uint8Array) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('firstInvalidUtf8', () => {
  it('finds nothing in any well-formed text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(firstInvalidUtf8(Buffer.from(s, 'utf8'))).toBe(-1);
      }),
    );
  });

  it('agrees with the platform decoder and points at the start of the first bad sequence', () => {
    const bytes = fc.uint8Array({ maxLength: 40 }).map((b) => Uint8Array.from(b));
    fc.assert(
      fc.property(bytes, (b) => {
        const k = firstInvalidUtf8(b);
        expect(k === -1).toBe(strictlyDecodes(b));
        if (k < 0) return;
        // Everything before k is valid, and no complete character starts at k.
        expect(strictlyDecodes(b.subarray(0, k))).toBe(true);
        for (let m = k + 1; m <= Math.min(b.length, k + 4); m++)
          expect(strictlyDecodes(b.subarray(k, m))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['overlong slash', [0xc0, 0xaf]],
    ['overlong three-byte', [0xe0, 0x80, 0xaf]],
    ['surrogate half', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['lone continuation', [0x80]],
    ['cut off at the end', [0xd0]],
  ])('rejects %s', (_name, seq) => {
    expect(firstInvalidUtf8(Uint8Array.from([0x41, ...seq]))).toBe(1);
  });
});
