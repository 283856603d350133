// What text may hold: control characters nowhere, line breaks only in multi-line text, bidirectional
// and invisible formatting characters never in names; real Cyrillic and Latin names pass.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findBadText, hasForbiddenControl, hasLineOrControl, isUnsafeName } from './text.ts';

const controls = [
  ...Array.from({ length: 0x20 }, (_, i) => i).filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d),
  0x7f,
  ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
].map((c) => String.fromCharCode(c));
const invisible = [
  '\u061c',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2060',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\ufeff',
];
const nameChar = fc.constantFrom(
  ...'абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВІЇЄЁёыэъabcdefghijklmnopqrstuvwxyzéüöçÀ'.split(''),
  'ʼ',
  "'",
  '’',
  '-',
  ' ',
);
const name = fc.string({ unit: nameChar, minLength: 1, maxLength: 30 });

describe('text hygiene', () => {
  it('refuses every control character anywhere in a string, and lone surrogates', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...controls, '\ud800', '\udc00'), fc.string(), (a, c, b) => {
        const s = `${a}${c}${b}`;
        return hasForbiddenControl(s) && hasLineOrControl(s) && isUnsafeName(s);
      }),
    );
  });

  it('allows tab and line breaks only where a multi-line text allows them', () => {
    for (const c of ['\t', '\n', '\r']) {
      expect(hasForbiddenControl(`a${c}b`)).toBe(false);
      expect(hasLineOrControl(`a${c}b`)).toBe(true);
      expect(isUnsafeName(`a${c}b`)).toBe(true);
    }
    expect(hasForbiddenControl('😀 a surrogate pair')).toBe(false);
  });

  it('refuses bidirectional-override and zero-width characters in names, and only there', () => {
    fc.assert(
      fc.property(name, fc.constantFrom(...invisible), name, (a, c, b) => {
        const s = `${a}${c}${b}`;
        return isUnsafeName(s) && !hasForbiddenControl(s);
      }),
    );
  });

  it('accepts Ukrainian, Russian and Latin names with apostrophes, hyphens and spaces', () => {
    fc.assert(fc.property(name, (s) => !isUnsafeName(s)));
    for (const s of ['Мʼякуш', "Дем'яненко", 'Коваль-Сірко', 'Пётр', "O'Neill", 'José María'])
      expect(isUnsafeName(s)).toBe(false);
  });

  it('finds the first bad string in parsed JSON by path, never repeating a key that is not a field name', () => {
    expect(findBadText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] }, hasForbiddenControl, 'body')).toBe(
      'body.a.1.c',
    );
    expect(findBadText({ 'qz secret key': 'x\u0000' }, hasForbiddenControl, 'body')).toBe('body.(key)');
    expect(findBadText({ 'k\u0000': 1 }, hasForbiddenControl, 'body')).toBe('body.(key)');
    expect(findBadText({ a: 'fine\n', n: 1, z: null }, hasForbiddenControl, 'body')).toBeUndefined();
  });
});
