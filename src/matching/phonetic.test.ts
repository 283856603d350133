import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daitchMokotoff } from './daitch-mokotoff.ts';
import { jaroWinkler } from './jaro-winkler.ts';
import { consonantKey, fromLatinKeyboard, looksMistyped, nameKey, surnameStem } from './keys.ts';

describe('daitchMokotoff', () => {
  // Examples published with the algorithm (avotaynu.com/soundex.htm).
  it.each([
    ['Moskowitz', ['645740']],
    ['Moskovitz', ['645740']],
    ['Auerbach', ['097500', '097400']],
    ['Ohrbach', ['097500', '097400']],
    ['Lipshitz', ['874400']],
    ['Lippszyc', ['874400', '874500']],
    ['Szlamawicz', ['486740']],
    ['Shlamovitz', ['486740']],
    ['Lewinsky', ['876450']],
    ['Levinsky', ['876450']],
  ])('%s → %j', (name, codes) => {
    expect(daitchMokotoff(name).sort()).toEqual([...codes].sort());
  });

  it('codes Ukrainian and Russian spellings of one surname alike', () => {
    const codes = ['Коваленко', 'Kowalenko', 'Kovalenko'].map((n) => daitchMokotoff(nameKey(n)));
    expect(new Set(codes.map((c) => c.join()))).toEqual(new Set(['578650']));
  });

  it('always yields six digits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        for (const code of daitchMokotoff(s)) expect(code).toMatch(/^\d{6}$/);
      }),
    );
  });
});

describe('jaroWinkler', () => {
  it('gives the textbook values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });

  it('is symmetric, in [0, 1], and 1 exactly for equal strings', () => {
    const word = fc.string({ unit: fc.constantFrom(...'abcdeikost'), maxLength: 12 });
    fc.assert(
      fc.property(word, word, (a, b) => {
        const s = jaroWinkler(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(jaroWinkler(b, a)).toBeCloseTo(s, 12);
        expect(s === 1).toBe(a === b);
      }),
    );
  });
});

describe('surnameStem and consonantKey', () => {
  it('folds female and Russian forms to one stem', () => {
    const stem = (s: string) => surnameStem(nameKey(s));
    expect(stem('Іванова')).toBe(stem('Иванов'));
    expect(stem('Лозинська')).toBe(stem('Lozynskyi'));
    expect(stem('Покровская')).toBe(stem('Покровський'));
    expect(stem('Белая')).toBe(stem('Белый'));
    expect(stem('Коваленко')).toBe('kovalenko');
  });

  it('joins names that differ only in vowels', () => {
    expect(consonantKey(nameKey('Ковальов'))).toBe(consonantKey(nameKey('Ковалёв')));
    expect(consonantKey(nameKey('Олександр'))).toBe(consonantKey(nameKey('Aleksandr')));
  });
});

describe('Cyrillic typed on a Latin keyboard layout', () => {
  it('reads the name back in both layouts', () => {
    expect(fromLatinKeyboard('Rjdfktyrj')).toEqual(['Коваленко', 'Коваленко']);
    expect(fromLatinKeyboard('Cthusq')).toEqual(['Сергій', 'Сергый']);
    expect(fromLatinKeyboard('Ctht;f')[0]).toBe('Сережа');
  });

  it('recognises mistyped text but not transliterations', () => {
    expect(looksMistyped('Rjdfktyrj')).toBe(true);
    expect(looksMistyped('Ctht;f')).toBe(true);
    for (const ok of ['Kovalenko', 'Oleksandr', 'Schtscherbak', "Chaplyns'kyi", 'Shcherbyna', 'Коваленко'])
      expect(looksMistyped(ok), ok).toBe(false);
  });
});
