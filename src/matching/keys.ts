import { APOSTROPHES, type TransliterationScheme, transliterateWith, UK_2010 } from './transliterate.ts';

/**
 * Script-independent search keys for names. A key is deliberately lossy: different spellings of one
 * name should collide (Коваленко, Kovalenko, Kowalenko → kovalenko), at the price of rare collisions
 * between different names. Keys find candidates; they never decide a match.
 *
 * nameKey(text):
 *   1. Lower-case (NFC), then Cyrillic → Latin with the Ukrainian 2010 letters, extended with the
 *      Russian ы → y, э → e, ъ → '', ё → e. Word-initial forms are not needed: after folding,
 *      ye/ie, yu/iu, yi/i give the same key. зг → zgh as the 2010 system writes it, so a Cyrillic name and its transliteration fold alike.
 *   2. Latin letters with a háček or dot that stand for a digraph: č → ch, š → sh, ž ż → zh,
 *      ŝ → shch, ĉ → ch (ISO 9 / GOST 7.79 / Czech / Polish), GOST û → iu, â → ia; ł → l, ß → ss.
 *      Then strip every other diacritic (NFD, drop combining marks): ĭ → i, ȳ → y, ë → e.
 *   3. Hyphens, slashes and underscores become spaces; apostrophes, soft-sign marks (ʹ ′ ' ’) and any
 *      other character outside a–z, 0–9 and space are dropped.
 *   4. Fold spelling families, longest match first, in one pass:
 *        schtsch szcz chtch → shch   (German, Polish, French щ)
 *        tsch tch cz         → ch     (German, English/French, Polish ч)
 *        sch sz              → sh     (German, Polish ш; not sz before g, which is ц + зг)
 *        zgh                 → zg     (Ukrainian national system's зг)
 *        kh                  → h      (х; but skh, zkh stay, so сх is not read as ш)
 *        ck → k, c → ts, tz → ts (not before g), x → ks, ph → f, w → v, q → k
 *        g                   → h      (Ukrainian г = h, Russian г = g; not after z, see zg)
 *        j y                 → i      (Yuliia, Julija, Iuliia; Serhiy, Serhii)
 *   5. Collapse doubled letters (Yuliia → iulia, Ivanna → ivana) and extra spaces.
 */
const KEY_SCHEME: TransliterationScheme = {
  letters: { ...UK_2010.letters, ы: 'y', э: 'e', ъ: '', ё: 'e' },
  pairs: { зг: 'zgh' },
  drop: APOSTROPHES,
};

const DIGRAPH_LETTERS: Readonly<Record<string, string>> = {
  č: 'ch',
  š: 'sh',
  ž: 'zh',
  ż: 'zh',
  ŝ: 'shch',
  ĉ: 'ch',
  û: 'iu',
  â: 'ia',
  ł: 'l',
  ß: 'ss',
};
const DIGRAPH_LETTER_RE = /[čšžżŝĉûâłß]/g;

const FOLDS: Readonly<Record<string, string>> = {
  schtsch: 'shch',
  szcz: 'shch',
  chtch: 'shch',
  tsch: 'ch',
  tch: 'ch',
  cz: 'ch',
  sch: 'sh',
  sz: 'sh',
  zgh: 'zg',
  kh: 'h',
  ck: 'k',
  ch: 'ch',
  c: 'ts',
  tz: 'ts',
  x: 'ks',
  ph: 'f',
  w: 'v',
  q: 'k',
  g: 'h',
  j: 'i',
  y: 'i',
};
// Alternatives are tried left to right at each position, so longer spellings come first.
const FOLD_RE =
  /schtsch|szcz|chtch|tsch|tch|cz|sch|sz(?!g)|zgh|(?<![sz])kh|ck|ch|c|tz(?!g)|x|ph|w|q|(?<!z)g|[jy]/g;

/** A script-independent search key for a name or a part of one (see the rules above). */
export function nameKey(text: string): string {
  const latin = transliterateWith(text.normalize('NFC').toLowerCase(), KEY_SCHEME)
    .replace(DIGRAPH_LETTER_RE, (c) => DIGRAPH_LETTERS[c]!)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[-‐‑‒–—_/]+/g, ' ')
    .replace(/[^a-z0-9 ]+/g, '');
  return latin
    .replace(FOLD_RE, (m) => FOLDS[m]!)
    .replace(/([a-z])\1+/g, '$1')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** The distinct keys of the words of a name (family, given, patronymic), for prefix search. */
export function nameTokens(
  family: string,
  given?: string | null | undefined,
  patronymic?: string | null | undefined,
): string[] {
  const tokens = new Set<string>();
  for (const part of [family, given, patronymic]) {
    if (!part) continue;
    for (const token of nameKey(part).split(' ')) if (token) tokens.add(token);
  }
  return [...tokens];
}

/**
 * The male, Ukrainian-or-Russian-neutral stem of a surname key: female endings are folded to the
 * male ones (Ivanova → ivanov, Lozynska → lozinski, Pokrovskaia → pokrovski, Belaia → beli), and the
 * adjectival -skyi/-skii/-sky to -ski. Works on a nameKey word, not raw text.
 */
export function surnameStem(key: string): string {
  return key
    .replace(/sk(?:aia|a|i)$/, 'ski')
    .replace(/(ov|ev|in)a$/, '$1')
    .replace(/aia$/, 'i');
}

/**
 * A looser key: the consonants of a nameKey, doubled ones collapsed. Ukrainian and Russian forms of
 * one name mostly differ in vowels (Oleksandr/Aleksandr, Kovalov/Kovalev, Dmytro/Dmitrii).
 */
export function consonantKey(key: string): string {
  return key.replace(/[aeiou ]+/g, '').replace(/([a-z])\1+/g, '$1');
}

/**
 * The consonant key of a surname stem for blocking and loose agreement, with щ read as ш (shch → sh):
 * the 1996 system and many lists write Щербина as Scherbyna, which nameKey keys as sherbina.
 */
export function surnameLooseKey(stem: string): string {
  return consonantKey(stem).replace(/shch/g, 'sh');
}

/**
 * The loose key of a given name or a patronymic stem: the first letter, then the consonants. Keeping
 * the first letter stops short names from meeting by accident (Rusan is not Arsen).
 */
export function givenLooseKey(key: string): string {
  return key.length === 0 ? key : key[0] + consonantKey(key.slice(1));
}

// Ukrainian ЙЦУКЕН layout as typed on a US QWERTY keyboard; the Russian layout differs in four keys.
const LAYOUT_LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`";
const LAYOUT_UK = 'йцукенгшщзхїфівапролджєячсмитьбюґ';
const LAYOUT_RU = 'йцукенгшщзхъфывапролджэячсмитьбюё';

/**
 * What a name typed with the Latin layout switched on was meant to be: Rjdfktyrj → Коваленко.
 * Returns the Ukrainian-layout and Russian-layout readings (equal when no layout-specific key was hit).
 */
export function fromLatinKeyboard(text: string): [uk: string, ru: string] {
  let uk = '';
  let ru = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const k = LAYOUT_LATIN.indexOf(lower);
    if (k < 0) {
      uk += ch;
      ru += ch;
      continue;
    }
    const upper = ch !== lower;
    uk += upper ? LAYOUT_UK[k]!.toUpperCase() : LAYOUT_UK[k]!;
    ru += upper ? LAYOUT_RU[k]!.toUpperCase() : LAYOUT_RU[k]!;
  }
  return [uk, ru];
}

/**
 * Whether Latin text looks like Cyrillic typed with the wrong layout rather than a transliteration:
 * layout keys that are not letters ([ ] ; ' , . `) inside a word, or long runs without a vowel.
 */
export function looksMistyped(text: string): boolean {
  if (!/^[\x20-\x7e]+$/.test(text) || !/[a-z]/i.test(text)) return false;
  if (/[a-z][[\];,.`][a-z]/i.test(text)) return true;
  return /[bcdfghjklmnpqrstvwxz]{4,}/i.test(text.replace(/sch|tch|shch|zh|kh|ch|sh|ts/gi, 'x'));
}

// Consonant-key units: one Cyrillic letter written with two or four Latin ones counts as one, so
// dropping ш from Кушнір (kshnr → knr) is one deletion, as it is in Cyrillic.
const CONSONANT_UNIT = /shch|sh|ch|zh|ts|./g;

/**
 * The one-unit deletions of a consonant key (see consonantKey, surnameLooseKey), doubled letters
 * collapsed again: a symmetric-delete neighbourhood, so two spellings one inserted, dropped or
 * replaced consonant apart share a key (Кушнір and Кунір, Попов and Pkopov). The key itself comes
 * first; keys of fewer than three units have no deletions.
 */
export function consonantNeighbours(key: string): string[] {
  const units = key.match(CONSONANT_UNIT) ?? [];
  const out = new Set<string>([units.join('')]);
  if (units.length >= 3)
    for (let i = 0; i < units.length; i++)
      out.add([...units.slice(0, i), ...units.slice(i + 1)].join('').replace(/([a-z])\1+/g, '$1'));
  return [...out];
}

/**
 * Other readings of a Latin name written by German, Polish or French rules, which nameKey, reading
 * it as English, gets wrong: German and Polish ch is х (Sacharow is Захаров), German s before a
 * vowel is з and z is ц (Sajez is Заєць), French ch is ш, ou is у and j is ж (Chevtchouk is
 * Шевчук). The language is told by the marks of the whole name (family, given, patronymic): w, sch,
 * tsch, j before a vowel for German, with cz, sz, ż or ł for Polish; ou or tch for French. Returns
 * each reading as the parts re-spelled so that nameKey reads them right; none for Cyrillic, English
 * or unmarked names.
 */
export function latinReadings(parts: readonly string[]): string[][] {
  const lower = parts.map((p) => p.normalize('NFC').toLowerCase());
  const whole = lower.join(' ');
  if (!/[a-z]/.test(whole) || /\p{Script=Cyrillic}/u.test(whole)) return [];
  const out: string[][] = [];
  const add = (reading: string[]) => {
    if (reading.some((r, k) => r !== lower[k])) out.push(reading);
  };
  const polish = /cz|sz|[żł]/.test(whole);
  if (polish || /w|sch|j[aeiouy]/.test(whole))
    add(
      lower.map((p) => {
        // ch not part of sch, tsch, cz: х.
        const r = p.replace(/(?<![stcz])ch/g, 'kh');
        return polish
          ? r
          : r
              .replace(/(?<!t)z/g, 'ts')
              .replace(/(?<![a-z])s(?=[aeiouy])/g, 'z')
              .replace(/(?<=[aeiouy])s(?=[aeiouy])/g, 'z');
      }),
    );
  if (/ou|tch/.test(whole))
    add(
      lower.map((p) =>
        p
          .replace(/ou/g, 'u')
          .replace(/(?<![tsc])ch/g, 'sh')
          .replace(/tch/g, 'ch')
          .replace(/j/g, 'zh'),
      ),
    );
  return out;
}
