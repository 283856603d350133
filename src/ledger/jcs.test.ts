import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes.ts';
import { isLedgerError } from './errors.ts';
import { canonicalBytes, canonicalize, serializeNumber, toJsonValue } from './jcs.ts';

function fromBits(hexBits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, Number.parseInt(hexBits.slice(0, 8), 16));
  view.setUint32(4, Number.parseInt(hexBits.slice(8), 16));
  return view.getFloat64(0);
}

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (isLedgerError(e)) return e.code;
    throw e;
  }
}

describe('RFC 8785 numbers (Appendix B)', () => {
  const table: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];

  it.each(table)('%s → %s', (bits, text) => {
    expect(serializeNumber(fromBits(bits))).toBe(text);
  });

  it('refuses NaN and the infinities', () => {
    for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      expect(codeOf(() => serializeNumber(fromBits(bits)))).toBe('NOT_CANONICALIZABLE');
    }
  });

  it('agrees with ECMAScript Number::toString for every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(serializeNumber(x)).toBe(Object.is(x, -0) ? '0' : String(x));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('RFC 8785 serialization', () => {
  it('canonicalizes the spec sample (§3.2.2)', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units, not code points (§3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Compared as text: JSON.parse would move the integer-like key "1" first.
    const keys = [...canonicalize(input).matchAll(/"([^"]*)":/g)].map((m) => m[1]);
    expect(keys).toEqual(['\\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('writes UTF-8 and leaves non-ASCII, U+007F and U+2028 unescaped', () => {
    expect(toHex(canonicalBytes({ a: '€\u007f\u2028' }))).toBe('7b2261223a22e282ac7fe280a8227d');
  });

  it('refuses values with no JSON form', () => {
    const holey: unknown[] = [1];
    holey[2] = 2;
    const bad: [string, unknown][] = [
      ['lone surrogate', '\ud800x'],
      ['trailing high surrogate', 'x\ud800'],
      ['lone low surrogate', '\udc00'],
      ['undefined', { a: undefined }],
      ['array hole', holey],
      ['Date', new Date(0)],
      ['Map', new Map()],
      ['bigint', 1n],
      ['Infinity', [Number.POSITIVE_INFINITY]],
    ];
    for (const [why, value] of bad)
      expect(
        codeOf(() => canonicalize(value)),
        why,
      ).toBe('NOT_CANONICALIZABLE');
  });

  it('is a fixed point and preserves meaning', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalize(value);
        expect(canonicalize(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('toJsonValue', () => {
  it('gives the JSON value an object encodes, canonicalized the same as the object', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalize(toJsonValue(v))).toBe(canonicalize(v));
      }),
    );
    // Members without a JSON form are left out, as JSON.stringify leaves them out.
    expect(toJsonValue({ a: 1, b: undefined, c: [true, null] })).toEqual({ a: 1, c: [true, null] });
    expect(() => toJsonValue(undefined)).toThrow(/no JSON form/);
  });
});
