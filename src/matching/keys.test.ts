import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameKey, nameTokens } from './keys.ts';
import { transliterate } from './transliterate.ts';

const SPELLINGS = new URL(
  '../../../shared/testdata/names/uk-ru/one-person-many-spellings.json',
  import.meta.url,
);

function expectOneKey(spellings: string[]) {
  const keys = new Set(spellings.map(nameKey));
  expect(keys.size, `${spellings.join(', ')} → ${[...keys].join(', ')}`).toBe(1);
}

describe('nameKey', () => {
  it.each([
    [['Коваленко', 'Kovalenko', 'Kowalenko', 'KOVALENKO']],
    [['Олександр', 'Oleksandr', 'Olexandr']],
    [['Сергій', 'Serhiy', 'Serhii', 'Sergii', 'Serhij']],
    [['Щербак', 'Shcherbak', 'Szczerbak', 'Schtscherbak', 'Ščerbak']],
    [['Юлія', 'Yuliia', 'Julija', 'Yulia', 'Iuliia']],
    [['Харків', 'Kharkiv', 'Harkiv']],
    [['Жук', 'Zhuk', 'Żuk', 'Žuk']],
    [['Наталія', 'Nataliia', 'Nataliya', 'Natalia']],
    [['Згурський', 'Zghurskyi', 'Zgurskiy', 'Згурский']],
    [['Лук’яненко', "Luk'ianenko", 'Lukianenko', 'Lukʼyanenko']],
    [['Филипп', 'Philipp', 'Filip']],
  ])('gives one key to %j', (spellings) => expectOneKey(spellings));

  it('is lower-case Latin words separated by single spaces', () => {
    expect(nameKey('  Іванова-Яковенко  Біла   Церква ')).toBe('ivanova iakovenko bila tserkva');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        expect(nameKey(s)).toMatch(/^([a-z0-9]+( [a-z0-9]+)*)?$/);
      }),
    );
  });

  it('gives a Cyrillic name and its national transliteration the same key', () => {
    // Found by the property below: ц + зг once folded as Polish sz.
    expect(nameKey(transliterate('цзг', 'uk-2010'))).toBe(nameKey('цзг'));
    const cyrillic = fc
      .array(fc.constantFrom(...'абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'), { minLength: 1, maxLength: 12 })
      .map((letters) => letters.join(''));
    fc.assert(
      fc.property(cyrillic, (w) => {
        expect(nameKey(transliterate(w, 'uk-2010'))).toBe(nameKey(w));
      }),
    );
  });

  it('folds most real-world spellings of one surname together', () => {
    const spellings = JSON.parse(readFileSync(SPELLINGS, 'utf8')) as string[];
    const surnames = spellings.map((s) => s.split(' ')[0]!);
    const counts = new Map<string, number>();
    for (const s of surnames) counts.set(nameKey(s), (counts.get(nameKey(s)) ?? 0) + 1);
    // 32 of 35; the rest write ь as j (Chaplynsjkyj) or к as c (Chaplyns'cyi).
    expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(32);
  });

  it('keeps different names apart', () => {
    expect(nameKey('Сергій')).not.toBe(nameKey('Сергей'));
    expect(nameKey('Шевчук')).not.toBe(nameKey('Шевченко'));
    expect(nameKey('Згурський')).not.toBe(nameKey('Журський'));
  });
});

describe('nameTokens', () => {
  it('lists the distinct word keys of a name in order', () => {
    expect(nameTokens('Іванова-Яковенко', 'Юлія', 'Сергіївна')).toEqual([
      'ivanova',
      'iakovenko',
      'iulia',
      'serhivna',
    ]);
    expect(nameTokens('Kovalenko', 'Oleksandr Kowalenko', null)).toEqual(['kovalenko', 'oleksandr']);
    expect(nameTokens('Коваленко')).toEqual(['kovalenko']);
    expect(nameTokens('—', '', undefined)).toEqual([]);
  });
});
