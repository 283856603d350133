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

export const schemes = { 'uk-2010': UK_2010, 'ru-icao': RU_ICAO } as const;
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
    const lower = ch.toLowerCase();
    let span = 1;
    let latin: string | undefined;
    if (scheme.pairs && i + 1 < s.length) {
      latin = scheme.pairs[lower + s[i + 1]!.toLowerCase()];
      if (latin !== undefined) span = 2;
    }
    if (latin === undefined && wordStart) latin = scheme.initial?.[lower];
    if (latin === undefined) latin = scheme.letters[lower];
    if (latin === undefined) {
      out += ch;
      wordStart = !isCased(ch);
      continue;
    }
    out += ch === lower ? latin : caseLike(latin, s, i, span, drop);
    i += span - 1;
    wordStart = false;
  }
  return out;
}
