import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consonantNeighbours,
  latinReadings,
  nameKey,
  nameTokens,
  surnameLooseKey,
  surnameStem,
} from './keys.ts';
import { transliterate } from './transliterate.ts';

const SPELLINGS = new URL('../../testdata/names/uk-ru/one-person-many-spellings.json', import.meta.url);

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

describe('surname neighbourhoods for blocking', () => {
  const loose = (s: string) => surnameLooseKey(surnameStem(nameKey(s)));
  const share = (a: string, b: string) =>
    consonantNeighbours(loose(a)).some((k) => consonantNeighbours(loose(b)).includes(k));

  it('reads щ as ш in the loose key (Scherbyna, 1996 system)', () => {
    expect(loose('Scherbyna')).toBe(loose('Щербина'));
    expect(loose('Shcherbyna')).toBe(loose('Щербина'));
  });

  it('counts a letter written with several Latin ones as one deletion', () => {
    expect(consonantNeighbours('kshnr')).toEqual(['kshnr', 'shnr', 'knr', 'kshr', 'kshn']);
    expect(share('Кушнір', 'Кунір')).toBe(true);
    expect(share('Гончар', 'Гонар')).toBe(true);
    expect(share('Іванчук', 'Іванук')).toBe(true);
  });

  it('collapses letters doubled by a deletion (Pkopov is one typo from Попов)', () => {
    expect(consonantNeighbours('pkpv')).toContain('pv');
    expect(share('Pkopov', 'Попов')).toBe(true);
  });

  it('keeps short keys whole and different surnames apart', () => {
    expect(consonantNeighbours('pv')).toEqual(['pv']);
    expect(share('Шевчук', 'Коваленко')).toBe(false);
  });
});

describe('latinReadings', () => {
  const keys = (parts: string[]) => latinReadings(parts).map((r) => r.map(nameKey).join(' ').trim());

  it('reads German spellings: ch is х, s before a vowel is з, z is ц', () => {
    expect(keys(['Sacharow', 'Andrij', ''])).toContain(`${nameKey('Захаров')} ${nameKey('Андрій')}`);
    expect(keys(['Sajez', '', ''])).toContain(nameKey('Заєць'));
    // The language is told by the whole name: Hlibowytsch marks Troz as German.
    expect(latinReadings(['Troz', 'Serhij', 'Hlibowytsch'])[0]?.[0]).toBe('trots');
  });

  it('reads Polish spellings: ch is х, z stays з', () => {
    expect(keys(['Chomenko', 'Zachar', 'Iwanowycz'])).toContain(
      `${nameKey('Хоменко')} ${nameKey('Захар')} ${nameKey('Іванович')}`,
    );
  });

  it('reads French spellings: ch is ш, ou is у, tch is ч', () => {
    expect(keys(['Chevtchouk', 'Iouri', ''])).toContain(`${nameKey('Шевчук')} ${nameKey('Юрій')}`);
  });

  it('gives no reading for Cyrillic, English or unmarked names', () => {
    expect(latinReadings(['Kovalchuk', 'Ivan', 'Petrovych'])).toEqual([]);
    expect(latinReadings(['Коваленко', 'Олександр', ''])).toEqual([]);
    expect(latinReadings(['', '', ''])).toEqual([]);
  });
});
