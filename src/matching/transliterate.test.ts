import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SchemeId, transliterate } from './transliterate.ts';

const EXAMPLES = new URL('../../testdata/names/translit/official-examples.tsv', import.meta.url);

/**
 * Which rows of the shared examples test which of our schemes. The UN (2012) and BGN/PCGN (2019)
 * adopted the Ukrainian national system unchanged; the 2007 rows are its draft, identical in effect.
 * The file has no Russian ICAO rows; its ICAO rows are Belarusian, which shares the ICAO table
 * except for г (Belarusian h, Russian g). ALA-LC (library cataloguing, with tie bars) is not ours.
 */
const SCHEME_OF_SYSTEM: Record<string, SchemeId> = {
  'ua-ukr-Cyrl-Latn-2010': 'uk-2010',
  'un-ukr-Cyrl-Latn-2012': 'uk-2010',
  'bgnpcgn-ukr-Cyrl-Latn-2019': 'uk-2010',
  'ua-ukr-Cyrl-Latn-2007': 'uk-2010',
  'icao-bel-Cyrl-Latn-9303': 'ru-icao',
  'ua-ukr-Cyrl-Latn-1996': 'uk-1996',
  'bgnpcgn-ukr-Cyrl-Latn-1965': 'uk-bgn-pcgn-1965',
  'odni-ukr-Cyrl-Latn-2015': 'uk-odni',
  'bgnpcgn-rus-Cyrl-Latn-1947': 'ru-bgn-pcgn',
  'odni-rus-Cyrl-Latn-2015': 'ru-odni',
  'gost-rus-Cyrl-Latn-7.79-2000-2002': 'gost-7.79',
};

/** The file keeps its source's escapes: a line break as \n and a quote as \". */
const unescapeTsv = (s: string) => s.replace(/\\n/g, '\n').replace(/\\"/g, '"');

/** Rows expected to differ, each for a reason of the source language, not of our code. */
const KNOWN_DIFFERENCES = new Set(['icao-bel-Cyrl-Latn-9303\tІгар']);

function officialExamples() {
  return readFileSync(EXAMPLES, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [system = '', cyrillic = '', latin = ''] = line.split('\t');
      return {
        system,
        cyrillic: unescapeTsv(cyrillic),
        latin: unescapeTsv(latin),
        scheme: SCHEME_OF_SYSTEM[system],
      };
    });
}

describe('transliterate against the official examples', () => {
  const rows = officialExamples().filter((r) => r.scheme !== undefined);

  it('covers the systems that are ours', () => {
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.system] = (counts[r.system] ?? 0) + 1;
    expect(counts).toEqual({
      'ua-ukr-Cyrl-Latn-2010': 74,
      'un-ukr-Cyrl-Latn-2012': 74,
      'bgnpcgn-ukr-Cyrl-Latn-2019': 41,
      'ua-ukr-Cyrl-Latn-2007': 14,
      'icao-bel-Cyrl-Latn-9303': 8,
      'ua-ukr-Cyrl-Latn-1996': 40,
      'bgnpcgn-ukr-Cyrl-Latn-1965': 33,
      'odni-ukr-Cyrl-Latn-2015': 33,
      'bgnpcgn-rus-Cyrl-Latn-1947': 18,
      'odni-rus-Cyrl-Latn-2015': 9,
      'gost-rus-Cyrl-Latn-7.79-2000-2002': 33,
    });
  });

  it('reproduces every row except the known differences', () => {
    const failures = rows
      .filter((r) => transliterate(r.cyrillic, r.scheme!) !== r.latin)
      .map((r) => `${r.system}\t${r.cyrillic}`);
    expect(failures).toEqual([...KNOWN_DIFFERENCES]);
  });
});

describe('transliterate uk-2010', () => {
  it('uses the word-initial forms only at the start of a word', () => {
    expect(transliterate('Юрій Яковенко', 'uk-2010')).toBe('Yurii Yakovenko');
    expect(transliterate('Іванова-Юрченко', 'uk-2010')).toBe('Ivanova-Yurchenko');
    expect(transliterate("В'ячеслав", 'uk-2010')).toBe('Viacheslav');
    expect(transliterate('Євгенія Їжак Йосип', 'uk-2010')).toBe('Yevheniia Yizhak Yosyp');
  });

  it('writes зг as zgh and drops every kind of apostrophe', () => {
    expect(transliterate('Згурський', 'uk-2010')).toBe('Zghurskyi');
    expect(transliterate('Лук’яненко Лукʼян Лук`ян', 'uk-2010')).toBe('Lukianenko Lukian Lukian');
  });

  it('keeps the case of the source: lower, Title and CAPITALS', () => {
    expect(transliterate('щербак', 'uk-2010')).toBe('shcherbak');
    expect(transliterate('Щербак', 'uk-2010')).toBe('Shcherbak');
    expect(transliterate('ЩЕРБАК', 'uk-2010')).toBe('SHCHERBAK');
    expect(transliterate('Я', 'uk-2010')).toBe('Ya');
    expect(transliterate('ІМ’Я', 'uk-2010')).toBe('IMIA');
  });

  it('passes through what is not Ukrainian Cyrillic', () => {
    expect(transliterate('Smith, 1990 р.', 'uk-2010')).toBe('Smith, 1990 r.');
    expect(transliterate('Эдуард', 'uk-2010')).toBe('Эduard');
  });

  const ukrainianWord = fc
    .array(fc.constantFrom(...'абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'), { minLength: 2, maxLength: 12 })
    .filter((letters) => letters[0] !== 'ь')
    .map((letters) => letters.join(''));

  it('always yields plain ASCII letters for Ukrainian words', () => {
    fc.assert(
      fc.property(ukrainianWord, (w) => {
        expect(transliterate(w, 'uk-2010')).toMatch(/^[a-z]*$/);
      }),
    );
  });

  it('commutes with capitalisation: Title and CAPITALS words give Title and CAPITALS', () => {
    const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
    fc.assert(
      fc.property(ukrainianWord, (w) => {
        const latin = transliterate(w, 'uk-2010');
        expect(transliterate(title(w), 'uk-2010')).toBe(title(latin));
        expect(transliterate(w.toUpperCase(), 'uk-2010')).toBe(latin.toUpperCase());
      }),
    );
  });
});

describe('transliterate ru-icao', () => {
  // ICAO Doc 9303 part 3 (as printed in Russian passports): no word-initial forms, ъ → ie.
  it.each([
    ['Александр Сергеевич', 'Aleksandr Sergeevich'],
    ['Юлия', 'Iuliia'],
    ['Майя', 'Maiia'],
    ['Фёдор', 'Fedor'],
    ['Объедков', 'Obieedkov'],
    ['Цыганков', 'Tsygankov'],
    ['Эльвира', 'Elvira'],
    ['Щёголев', 'Shchegolev'],
    ['Хрусталёва', 'Khrustaleva'],
    ['Евгений', 'Evgenii'],
    ['ЖУРАВЛЁВА', 'ZHURAVLEVA'],
    ['Ильич', 'Ilich'],
  ])('%s → %s', (cyrillic, latin) => {
    expect(transliterate(cyrillic, 'ru-icao')).toBe(latin);
  });
});

describe('transliterate: common renderings without official examples', () => {
  it.each([
    [
      'uk-de',
      'Коваленко Олександр Щербак Чайка Жук Юрій',
      'Kowalenko Oleksandr Schtscherbak Tschajka Schuk Jurij',
    ],
    ['uk-fr', 'Шевченко Чаплинський Юрій', 'Chevtchenko Tchaplynskyï Iouriï'],
    ['uk-pl', 'Щербак Жук Ковальчук Хоменко', 'Szczerbak Żuk Kowalczuk Chomenko'],
    ['iso-9', 'Ґалаґан Євгенія Їжак', 'G̀alag̀an Êvgenìâ Ïžak'],
  ] as const)('%s: %s', (scheme, cyrillic, latin) => {
    expect(transliterate(cyrillic, scheme)).toBe(latin);
  });
});
