/**
 * Cyrillic → Latin transliteration by named scheme. A scheme is data (a letter table, word-initial
 * forms, letter pairs), so further schemes (BGN/PCGN, GOST 7.79, ISO 9…) are new tables, not new code.
 */

export interface TransliterationScheme {
  /** Lower-case Cyrillic letter → lower-case Latin; '' drops the letter (soft sign). */
  readonly letters: Readonly<Record<string, string>>;
  /** Forms used at the start of a word (after the start of the text, a space or a hyphen). */
  readonly initial?: Readonly<Record<string, string>>;
  /** Two-letter sequences rendered together, keyed by their lower-case Cyrillic spelling. */
  readonly pairs?: Readonly<Record<string, string>>;
  /** Characters dropped without a trace (apostrophes); they do not start a new word. */
  readonly drop?: string;
  /** What an apostrophe (any of APOSTROPHES) is written as, when the scheme keeps it (’ or ”). */
  readonly apostrophe?: string;
  /** Forms used after a vowel or a sign letter (BGN/PCGN: е → ye after а, о, ь…). */
  readonly afterVowel?: Readonly<Record<string, string>>;
  /** Letter pairs written with a middle dot between them (BGN/PCGN 1947: тс → t·s). */
  readonly separate?: ReadonlySet<string>;
}

/** Apostrophe look-alikes found in names as typed: ASCII, typographic, modifier letter, prime, grave. */
export const APOSTROPHES = "'’‘ʼʹ′`´";

// biome-ignore format: the letter table reads like the official one
const UK_2010_LETTERS = {
  а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'ie', ж: 'zh', з: 'z', и: 'y', і: 'i',
  ї: 'i', й: 'i', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u',
  ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ь: '', ю: 'iu', я: 'ia',
} as const;

/**
 * Ukrainian national system, Cabinet of Ministers resolution No. 55 of 27 January 2010 (also adopted
 * by the UN in 2012 and by BGN/PCGN in 2019). Letters of other alphabets (ы, э, ъ, ё) pass through.
 */
export const UK_2010: TransliterationScheme = {
  letters: UK_2010_LETTERS,
  initial: { є: 'ye', ї: 'yi', й: 'y', ю: 'yu', я: 'ya' },
  // Written zgh so that зг is not read as ж.
  pairs: { зг: 'zgh' },
  drop: APOSTROPHES,
};

/**
 * ICAO Doc 9303 (machine-readable travel documents), as used in Russian passports since 2013.
 * The table covers the other Cyrillic letters ICAO lists (і ї є ґ ў) so Ukrainian and Belarusian
 * spellings do not leak through untransliterated.
 */
export const RU_ICAO: TransliterationScheme = {
  // biome-ignore format: the letter table reads like the official one
  letters: {
    а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i', к: 'k',
    л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts',
    ч: 'ch', ш: 'sh', щ: 'shch', ъ: 'ie', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia',
    і: 'i', ї: 'i', є: 'ie', ґ: 'g', ў: 'u',
  },
  drop: APOSTROPHES,
};

const RU_VOWELS_AND_SIGNS = 'аеёиоуыэюяйъь';

/**
 * BGN/PCGN 1947 romanization of Russian: е and ё are ye and yë at the start of a word and after a
 * vowel, й, ъ or ь; ь and ъ are ’ and ”; a middle dot keeps apart pairs that would read as one sound.
 */
export const RU_BGN_PCGN: TransliterationScheme = {
  // biome-ignore format: the letter table reads like the official one
  letters: {
    а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'ë', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k',
    л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts',
    ч: 'ch', ш: 'sh', щ: 'shch', ъ: '"', ы: 'y', ь: '’', э: 'e', ю: 'yu', я: 'ya',
  },
  initial: { е: 'ye', ё: 'yë' },
  afterVowel: { е: 'ye', ё: 'yë' },
  separate: new Set([
    'тс',
    'шч',
    'йа',
    'йу',
    'йы',
    'йэ',
    'ыа',
    'ыу',
    'ыы',
    'ыэ',
    ...[...'аеёиоуыэюя'].map((v) => `${v}ы`),
    ...[...'бвгджзйклмнпрстфхцчшщ'].map((c) => `${c}э`),
  ]),
  drop: APOSTROPHES,
};

/**
 * US ODNI 2015 romanization of Russian names: BGN/PCGN without diacritics, signs or middle dots
 * (Timofeyevich, Vasilyevich, Nikolay).
 */
export const RU_ODNI: TransliterationScheme = {
  letters: { ...RU_BGN_PCGN.letters, ё: 'yo', ъ: '', ь: '' },
  initial: { е: 'ye', ё: 'yo' },
  afterVowel: { е: 'ye', ё: 'yo' },
  drop: APOSTROPHES,
};

/** GOST 7.79-2000 system A, which is ISO 9:1995: one Latin letter (with diacritics) per Cyrillic one. */
export const ISO_9: TransliterationScheme = {
  // biome-ignore format: the letter table reads like the official one
  letters: {
    а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g̀', д: 'd', е: 'e', ё: 'ë', є: 'ê', ж: 'ž', з: 'z', и: 'i',
    і: 'ì', ї: 'ï', й: 'j', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't',
    у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'č', ш: 'š', щ: 'ŝ', ъ: '"', ы: 'y', ь: '´', э: 'è', ю: 'û',
    я: 'â', ў: 'ǔ',
  },
  apostrophe: '’',
};

/** BGN/PCGN 1965 romanization of Ukrainian (ye, yi, y, yu, ya everywhere; ’ for ь, ” for the apostrophe). */
export const UK_BGN_PCGN_1965: TransliterationScheme = {
  letters: {
    ...UK_2010_LETTERS,
    є: 'ye',
    ї: 'yi',
    й: 'y',
    ю: 'yu',
    я: 'ya',
    ь: '’',
    ы: 'y',
    э: 'e',
    ъ: '',
    ё: 'yo',
    // Russian и in a Ukrainian place name reads as Ukrainian и.
  },
  apostrophe: '”',
};

/** Ukrainian 1996 (Ukrainian Commission on Legal Terminology): like 2010 but щ is sch, ь is ’, the apostrophe ”. */
export const UK_1996: TransliterationScheme = {
  ...UK_2010,
  letters: { ...UK_2010_LETTERS, щ: 'sch', ь: '’' },
  drop: '',
  apostrophe: '”',
};

/** US ODNI 2015 for Ukrainian names: ye, yi, y, yu, ya everywhere, no signs, зг is zh. */
export const UK_ODNI: TransliterationScheme = {
  letters: { ...UK_2010_LETTERS, є: 'ye', ї: 'yi', й: 'y', ю: 'yu', я: 'ya' },
  drop: APOSTROPHES,
};

/** Common German rendering of Ukrainian names (Duden-like): Kowalenko, Olexandr is Oleksandr, Schtscherbak. */
export const UK_GERMAN: TransliterationScheme = {
  // biome-ignore format: a letter table
  letters: {
    а: 'a', б: 'b', в: 'w', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'je', ж: 'sch', з: 's', и: 'y', і: 'i',
    ї: 'ji', й: 'j', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u',
    ф: 'f', х: 'ch', ц: 'z', ч: 'tsch', ш: 'sch', щ: 'schtsch', ь: '', ю: 'ju', я: 'ja',
    ы: 'y', э: 'e', ъ: '', ё: 'jo',
  },
  drop: APOSTROPHES,
};

/** Common French rendering of Ukrainian names: Tchaplynskyy, Chevtchenko, Oleksandr, Iouri. */
export const UK_FRENCH: TransliterationScheme = {
  // biome-ignore format: a letter table
  letters: {
    а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'ie', ж: 'j', з: 'z', и: 'y', і: 'i',
    ї: 'ï', й: 'ï', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'ou',
    ф: 'f', х: 'kh', ц: 'ts', ч: 'tch', ш: 'ch', щ: 'chtch', ь: '', ю: 'iou', я: 'ia',
    ы: 'y', э: 'e', ъ: '', ё: 'io',
  },
  drop: APOSTROPHES,
};

/** Common Polish rendering of Ukrainian names: Kowalenko, Szczerbak, Żuk, Chmielnicki's ch for х. */
export const UK_POLISH: TransliterationScheme = {
  // biome-ignore format: a letter table
  letters: {
    а: 'a', б: 'b', в: 'w', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'je', ж: 'ż', з: 'z', и: 'y', і: 'i',
    ї: 'ji', й: 'j', к: 'k', л: 'ł', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u',
    ф: 'f', х: 'ch', ц: 'c', ч: 'cz', ш: 'sz', щ: 'szcz', ь: '', ю: 'ju', я: 'ja',
    ы: 'y', э: 'e', ъ: '', ё: 'jo',
  },
  // Soft л is l, hard л is ł.
  pairs: { ль: 'l', ля: 'la', лю: 'lu', лє: 'le', лі: 'li', лї: 'lji' },
  drop: APOSTROPHES,
};

export const schemes = {
  'uk-2010': UK_2010,
  'uk-1996': UK_1996,
  'uk-bgn-pcgn-1965': UK_BGN_PCGN_1965,
  'uk-odni': UK_ODNI,
  'uk-de': UK_GERMAN,
  'uk-fr': UK_FRENCH,
  'uk-pl': UK_POLISH,
  'ru-icao': RU_ICAO,
  'ru-bgn-pcgn': RU_BGN_PCGN,
  'ru-odni': RU_ODNI,
  'gost-7.79': ISO_9,
  'iso-9': ISO_9,
} as const;
export type SchemeId = keyof typeof schemes;

/** Transliterate Cyrillic text by a named scheme; characters the scheme does not know pass through. */
export function transliterate(text: string, scheme: SchemeId): string {
  return transliterateWith(text, schemes[scheme]);
}

function isCased(ch: string): boolean {
  return ch.toLowerCase() !== ch.toUpperCase();
}

function isUpper(ch: string): boolean {
  return ch !== ch.toLowerCase();
}

/** The nearest cased letter after `from` (inclusive) or before it, skipping dropped characters. */
function neighbourIsUpper(s: string, after: number, before: number, drop: string): boolean | undefined {
  for (let j = after; j < s.length; j++) {
    const c = s[j]!;
    if (drop.includes(c)) continue;
    if (isCased(c)) return isUpper(c);
    break;
  }
  for (let j = before; j >= 0; j--) {
    const c = s[j]!;
    if (drop.includes(c)) continue;
    if (isCased(c)) return isUpper(c);
    break;
  }
  return undefined;
}

/**
 * Case an upper-case source letter's multi-letter rendering: ЖАННА → ZHANNA but Жанна → Zhanna.
 * The neighbouring letter decides; a one-letter word is written in title case.
 */
function caseLike(latin: string, s: string, i: number, span: number, drop: string): string {
  if (latin.length === 0) return latin;
  if (latin.length === 1) return latin.toUpperCase();
  const allCaps =
    span > 1 ? isUpper(s[i + span - 1]!) : (neighbourIsUpper(s, i + span, i - 1, drop) ?? false);
  return allCaps ? latin.toUpperCase() : latin[0]!.toUpperCase() + latin.slice(1);
}

export function transliterateWith(text: string, scheme: TransliterationScheme): string {
  const s = text.normalize('NFC');
  const drop = scheme.drop ?? '';
  let out = '';
  let wordStart = true;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (drop.includes(ch)) continue;
    if (scheme.apostrophe !== undefined && APOSTROPHES.includes(ch)) {
      out += scheme.apostrophe;
      continue;
    }
    const lower = ch.toLowerCase();
    let span = 1;
    let latin: string | undefined;
    if (scheme.pairs && i + 1 < s.length) {
      latin = scheme.pairs[lower + s[i + 1]!.toLowerCase()];
      if (latin !== undefined) span = 2;
    }
    if (latin === undefined && wordStart) latin = scheme.initial?.[lower];
    if (latin === undefined && scheme.afterVowel && i > 0 && !wordStart) {
      const previous = s[i - 1]!.toLowerCase();
      if (RU_VOWELS_AND_SIGNS.includes(previous)) latin = scheme.afterVowel[lower];
    }
    if (latin === undefined) latin = scheme.letters[lower];
    if (latin === undefined) {
      out += ch;
      wordStart = !isCased(ch);
      continue;
    }
    out += ch === lower ? latin : caseLike(latin, s, i, span, drop);
    if (scheme.separate?.has(lower + (s[i + span] ?? '').toLowerCase())) out += '·';
    i += span - 1;
    wordStart = false;
  }
  return out;
}
