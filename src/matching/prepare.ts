/**
 * Records reduced to interned ids, and their blocking keys. Shared by index building and querying.
 *
 * Blocking keys (each a 30-bit hash of interned ids; a collision only adds candidates), so that one
 * bad field does not lose the match. "Loose" is the surname's consonant key (щ read as ш); "±typo"
 * means also each one-letter deletion of it, a Cyrillic letter written with several Latin ones
 * (ш = sh, щ = shch, ч = ch) counting as one (a symmetric-delete neighbourhood: one typo does not
 * lose it):
 *   loose ±typo + full birth date       given class + full birth date    patronymic class + full date
 *   loose ±typo + given class + year    loose + given class              loose + year and month
 *   given class + patronymic class + year    Daitch–Mokotoff(surname) + given class + year
 *   loose ±typo + unit                  service number
 * and loose + year (with a given name, probed only when the query has no full date); and, probed
 * only when the query lacks a given name, a year or a full date (they are large blocks): surname
 * stem, loose and Daitch–Mokotoff code alone, loose ±typo + patronymic class, given + patronymic
 * class, loose ±typo + given class, loose ±typo + year, first four letters + given class. Years are
 * probed ±1; a query's full date is also probed with the year or the day one off (with loose, given
 * class and patronymic class). Posting lists longer than `maxPostings` are skipped (over-common
 * keys), so candidates per query stay few however large the registry grows.
 */
import { daitchMokotoff } from './daitch-mokotoff.ts';
import { type PartialDate, parsePartialDate } from './dates.ts';
import { jaroWinkler, withinOneEdit } from './jaro-winkler.ts';
import {
  consonantNeighbours,
  fromLatinKeyboard,
  givenLooseKey,
  latinReadings,
  looksMistyped,
  nameKey,
  surnameLooseKey,
  surnameStem,
} from './keys.ts';
import { isPatronymicKey, type NameTables, patronymicStemKey, withoutInitialYe } from './name-forms.ts';

export interface MatchName {
  family?: string | null;
  given?: string | null;
  patronymic?: string | null;
}

/** A person as the engine sees it: names in any script, and what else is known. */
export interface MatchRecord {
  id: string;
  /** One or more spellings of the name (e.g. Ukrainian, Latin, Russian). */
  names: readonly MatchName[];
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  birthDate?: string | null;
  birthPlace?: string | null;
  unit?: string | null;
  serviceNumber?: string | null;
}

export const NONE = -1;

export class Interner {
  readonly ids = new Map<string, number>();
  readonly strings: string[] = [];

  static from(strings: readonly string[]): Interner {
    const interner = new Interner();
    for (const s of strings) interner.id(s);
    return interner;
  }

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
}

/** A name spelling reduced to ids. */
export interface Prepared {
  sur: number;
  surLoose: number;
  /** The first four letters of the surname stem, for typos late in the word. */
  surPrefix: number;
  gv: number;
  /** Given-name classes: table classes (> 0) or a fallback from the consonant key (< 0). */
  gvClasses: readonly number[];
  pt: number;
  ptClass: number;
  /**
   * 0 as given, 1 family and given swapped, 2 read from a mistyped keyboard layout, 3 read by German,
   * Polish or French spelling rules.
   */
  how: 0 | 1 | 2 | 3;
}

export interface PreparedRecord {
  names: Prepared[];
  date: PartialDate | undefined;
  place: number;
  unit: number;
  svc: number;
}

const K_SUR_DATE = 1;
const K_PATR_DATE = 2;
const K_GIVEN_PATR_YEAR = 3;
const K_DM_GIVEN_YEAR = 4;
const K_LOOSE_GIVEN = 5;
const K_SUR_PATR = 6;
const K_SERVICE = 7;
const K_SUR = 8;
const K_LOOSE_YEAR = 9;
const K_PREFIX_GIVEN = 10;
const K_LOOSE = 11;
const K_DM = 12;
const K_GIVEN_PATR = 13;
const K_GIVEN_DATE = 14;
const K_LOOSE_GIVEN_YEAR = 15;
const K_LOOSE_MONTH = 16;
const K_LOOSE_UNIT = 17;

export function hashKey(kind: number, a: number, b: number, c: number): number {
  let h = Math.imul(kind ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ a, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h ^ b, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h ^ c, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x3fffffff;
}

export const RECORD_LIMIT = 2 ** 23;

// biome-ignore format: a letter table
const SERVICE_LETTERS: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'ie', ж: 'zh', з: 'z', и: 'y', і: 'i', ї: 'i',
  й: 'i', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh',
  ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ю: 'iu', я: 'ia', ы: 'y', э: 'e', ё: 'e',
};

/** A service number without spaces or dashes, Cyrillic letters transliterated: АА 123456 → aa123456. */
function serviceKey(text: string): string {
  let out = '';
  for (const ch of text.toLowerCase()) {
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z')) out += ch;
    else {
      const latin = SERVICE_LETTERS[ch];
      if (latin !== undefined) out += latin;
    }
  }
  return out;
}

export function fullDate(year: number, month: number, day: number): number {
  return year * 10000 + month * 100 + day;
}
const PLACE_NOISE = /\b(obl|oblast|oblasti|mist|misto|m|s|smt|selo|raion|r n|rn|g|gorod)\b/g;

/** The ids and blocking keys shared by index building and querying. */
export class Preparer {
  readonly strings: Interner;
  readonly tables: NameTables;
  private readonly dmCache = new Map<number, number[]>();
  private readonly keyCache = new Map<string, string>();

  constructor(tables: NameTables, strings = new Interner()) {
    this.tables = tables;
    this.strings = strings;
  }

  key(text: string | null | undefined): string {
    if (!text) return '';
    let k = this.keyCache.get(text);
    if (k === undefined) {
      // "cs" in a Latin name is x (Olecsandr), not the Hungarian ч.
      k = nameKey(text.replace(/cs/gi, 'ks'));
      if (this.keyCache.size > 200_000) this.keyCache.clear();
      this.keyCache.set(text, k);
    }
    return k;
  }

  private readonly nearest = new Map<string, readonly number[] | undefined>();
  private tableKeys: string[] | undefined;

  /** The classes of the table name a misspelt given name is closest to (Ksirill → Kyrylo), if close. */
  private nearestGiven(given: string): readonly number[] | undefined {
    if (given.length < 4) return undefined;
    if (this.nearest.has(given)) return this.nearest.get(given);
    this.tableKeys ??= [...this.tables.given.keys()];
    let best: string | undefined;
    let bestSim = 0.9;
    for (const k of this.tableKeys) {
      if (k[0] !== given[0]) continue;
      const sim = withinOneEdit(given, k) ? 0.99 : jaroWinkler(given, k);
      if (sim > bestSim) [best, bestSim] = [k, sim];
    }
    const classes = best === undefined ? undefined : this.tables.given.get(best);
    if (this.nearest.size > 100_000) this.nearest.clear();
    this.nearest.set(given, classes);
    return classes;
  }

  /**
   * Whether a word key reads as a given name. Columns may be swapped when the family name reads as
   * one, or the given name is not one the table knows exactly.
   */
  isGivenName(key: string): boolean {
    return this.tables.given.has(key) || this.tables.givenLoose.has(givenLooseKey(key));
  }

  private readonly delCache = new Map<number, number[]>();

  /**
   * The consonant key and its one-letter deletions (a symmetric-delete neighbourhood): a query and
   * a record whose surnames differ by one inserted, deleted or replaced consonant share one of them.
   */
  neighbours(loose: number): number[] {
    let ids = this.delCache.get(loose);
    if (!ids) {
      const key = this.strings.strings[loose]!.slice(2);
      ids = consonantNeighbours(key).map((k) => this.strings.id(`l:${k}`));
      this.delCache.set(loose, ids);
    }
    return ids;
  }

  dm(sur: number): number[] {
    let codes = this.dmCache.get(sur);
    if (!codes) {
      codes = daitchMokotoff(this.strings.strings[sur]!).map((c) => this.strings.id(`dm:${c}`));
      this.dmCache.set(sur, codes);
    }
    return codes;
  }

  private readonly unitKeys = new Map<string, string>();

  private unitKey(unit: string): string {
    let k = this.unitKeys.get(unit);
    if (k === undefined) {
      k = nameKey(unit);
      if (this.unitKeys.size > 100_000) this.unitKeys.clear();
      this.unitKeys.set(unit, k);
    }
    return k;
  }

  // Per-part caches: surnames, given names and patronymics repeat across a registry.
  private readonly surnameParts = new Map<string, readonly [number, number, number]>();
  private readonly givenParts = new Map<string, readonly [number, readonly number[]]>();
  private readonly patronymicParts = new Map<string, readonly [number, number]>();

  private surnamePart(family: string): readonly [sur: number, loose: number, prefix: number] {
    let ids = this.surnameParts.get(family);
    if (!ids) {
      const s = this.strings;
      const stem = surnameStem(family);
      ids = [s.id(stem), s.id(`l:${surnameLooseKey(stem)}`), s.id(`f:${stem.slice(0, 4)}`)];
      if (this.surnameParts.size > 500_000) this.surnameParts.clear();
      this.surnameParts.set(family, ids);
    }
    return ids;
  }

  private givenPart(given: string): readonly [number, readonly number[]] {
    let ids = this.givenParts.get(given);
    if (!ids) {
      const loose = givenLooseKey(given);
      const ye = withoutInitialYe(given);
      // Not in the table as written: the classes of its loose key and of the nearest table name
      // (Валеий is nearest Валерій, though its loose key vl is Валя's).
      let table = this.tables.given.get(given);
      if (!table) {
        const found = new Set([
          ...(this.tables.givenLoose.get(loose) ?? []),
          ...((ye === undefined ? undefined : this.tables.given.get(ye)) ?? []),
          ...(this.nearestGiven(given) ?? []),
        ]);
        if (found.size > 0) table = [...found];
      }
      ids = [this.strings.id(given), table ?? [-1 - this.strings.id(`c:${loose}`)]];
      if (this.givenParts.size > 100_000) this.givenParts.clear();
      this.givenParts.set(given, ids);
    }
    return ids;
  }

  private patronymicPart(patronymic: string): readonly [number, number] {
    let ids = this.patronymicParts.get(patronymic);
    if (!ids) {
      const loose = patronymicStemKey(patronymic);
      const ye = withoutInitialYe(patronymic);
      const table =
        this.tables.patronymic.get(patronymic) ??
        this.tables.patronymicLoose.get(loose) ??
        (ye === undefined ? undefined : this.tables.patronymic.get(ye));
      ids = [this.strings.id(patronymic), table ? table[0]! : -1 - this.strings.id(`p:${loose}`)];
      if (this.patronymicParts.size > 100_000) this.patronymicParts.clear();
      this.patronymicParts.set(patronymic, ids);
    }
    return ids;
  }

  private name(family: string, given: string, patronymic: string, how: Prepared['how']): Prepared {
    const [sur, surLoose, surPrefix] = family ? this.surnamePart(family) : [NONE, NONE, NONE];
    const [gv, gvClasses] = given ? this.givenPart(given) : [NONE, []];
    const [pt, ptClass] = patronymic ? this.patronymicPart(patronymic) : [NONE, NONE];
    return { sur, surLoose, surPrefix, gv, gvClasses, pt, ptClass, how };
  }

  /** Name variants of a record: each spelling, each part of a double surname; for queries also swaps. */
  names(names: readonly MatchName[], query: boolean): Prepared[] {
    const out: Prepared[] = [];
    const seen = new Set<string>();
    const push = (p: Prepared) => {
      const sig = `${p.sur}/${p.gv}/${p.pt}`;
      if (seen.has(sig)) return;
      seen.add(sig);
      out.push(p);
    };
    const add = (n: MatchName, how: Prepared['how']) => {
      let family = this.key(n.family);
      let given = this.key(n.given);
      let patronymic = this.key(n.patronymic);
      // A whole name in one column: "Коваленко Олександр Миколайович".
      if (!given && !patronymic && family.includes(' ')) {
        const words = family.split(' ');
        if (words.length <= 3 && !/[-‐‑]/.test(n.family ?? '')) {
          const patr = (k: number) => words[k] !== undefined && isPatronymicKey(this.tables, words[k]);
          // "Tarasenko Bohdanivna": family and patronymic; "Ivan Petrovych Sydorenko": Russian order.
          if (words.length === 2 && patr(1)) [family = '', patronymic = ''] = words;
          else if (words.length === 3 && patr(1) && !patr(2))
            [given = '', patronymic = '', family = ''] = words;
          else [family = '', given = '', patronymic = ''] = words;
        }
      }
      const parts = family.split(' ').filter((w) => w.length > 0);
      push(this.name(parts.join(''), given, patronymic, how));
      if (parts.length > 1) for (const part of parts) push(this.name(part, given, patronymic, how));
      const joined = family.replace(/ /g, '');
      if (query && given && (this.isGivenName(joined) || !this.tables.given.has(given)))
        push(this.name(given, joined, patronymic, 1));
    };
    for (const n of names) {
      add(n, 0);
      if (!query) continue;
      // German, Polish or French spelling: each part as read by those rules, then all of them.
      const parts = [n.family ?? '', n.given ?? '', n.patronymic ?? ''];
      for (const [family = '', given = '', patronymic = ''] of latinReadings(parts)) {
        add({ family, given: parts[1], patronymic: parts[2] }, 3);
        add({ family: parts[0], given, patronymic }, 3);
        add({ family, given, patronymic }, 3);
      }
      const typed = [n.family, n.given, n.patronymic].filter((t) => t) as string[];
      if (typed.length > 0 && typed.some(looksMistyped)) {
        const layouts = [0, 1].map((k) => ({
          family: n.family ? fromLatinKeyboard(n.family)[k] : n.family,
          given: n.given ? fromLatinKeyboard(n.given)[k] : n.given,
          patronymic: n.patronymic ? fromLatinKeyboard(n.patronymic)[k] : n.patronymic,
        }));
        for (const l of layouts) add(l, 2);
      }
    }
    return out;
  }

  record(r: MatchRecord, query: boolean): PreparedRecord {
    const s = this.strings;
    const place = this.key(r.birthPlace).replace(PLACE_NOISE, ' ').replace(/ +/g, ' ').trim();
    const unit = r.unit ? this.unitKey(r.unit) : '';
    const svc = r.serviceNumber ? serviceKey(r.serviceNumber) : '';
    return {
      names: this.names(r.names, query),
      date: r.birthDate ? parsePartialDate(r.birthDate) : undefined,
      place: place ? s.id(`pl:${place}`) : NONE,
      unit: unit ? s.id(`u:${unit}`) : NONE,
      svc: svc ? s.id(`sn:${svc}`) : NONE,
    };
  }

  /**
   * Blocking keys of a prepared record; `years` lists the birth years to probe, `dates` the full
   * dates (as yyyymmdd numbers). A record emits every key; a query probes the broad keys (surname
   * alone, given + patronymic without year, surname prefix) only when the narrow ones cannot work:
   * no given name, or no full birth date.
   */
  keys(
    p: PreparedRecord,
    years: readonly number[],
    dates: readonly number[],
    query: boolean,
    nearDates: readonly number[],
    emit: (kind: number, a: number, b: number, c: number) => void,
  ): void {
    if (p.svc !== NONE) emit(K_SERVICE, p.svc, 0, 0);
    const noDate = dates.length === 0;
    for (const n of p.names) {
      const noGiven = n.gvClasses.length === 0;
      for (const g of n.gvClasses) for (const d of dates) emit(K_GIVEN_DATE, g, d, 0);
      if (n.ptClass !== NONE) for (const d of dates) emit(K_PATR_DATE, n.ptClass, d, 0);
      // A query's full date with the year or day one off, on the narrow date keys only.
      for (const d of nearDates) {
        for (const g of n.gvClasses) emit(K_GIVEN_DATE, g, d, 0);
        if (n.ptClass !== NONE) emit(K_PATR_DATE, n.ptClass, d, 0);
        if (n.sur !== NONE) emit(K_SUR_DATE, n.surLoose, d, 0);
      }
      if (n.sur !== NONE) {
        if (!query || noGiven) {
          emit(K_SUR, n.sur, 0, 0);
          emit(K_LOOSE, n.surLoose, 0, 0);
          for (const dm of this.dm(n.sur)) emit(K_DM, dm, 0, 0);
        }
        const around = this.neighbours(n.surLoose);
        if (n.ptClass !== NONE && (!query || noGiven))
          for (const l of around) emit(K_SUR_PATR, l, n.ptClass, 0);
        // Surname and unit: small blocks that need neither a given name nor a date.
        if (p.unit !== NONE) for (const l of around) emit(K_LOOSE_UNIT, l, p.unit, 0);
        for (const l of around) for (const d of dates) emit(K_SUR_DATE, l, d, 0);
        // Year blocks are large: with a given name a query probes only its own year and surname key
        // (the given-name keys cover ±1); without one, the one-typo neighbourhood and ±1.
        if (!query || noGiven) for (const l of around) for (const y of years) emit(K_LOOSE_YEAR, l, y, 0);
        else if (years.length > 0 && noDate) emit(K_LOOSE_YEAR, n.surLoose, years[1]!, 0);
        // Surname and month of birth: a typo in the given name and the day wrong.
        const d = p.date;
        if (d?.month) {
          emit(K_LOOSE_MONTH, n.surLoose, d.year * 100 + d.month, 0);
          if (query && d.day > 0 && d.day <= 12 && d.day !== d.month)
            emit(K_LOOSE_MONTH, n.surLoose, d.year * 100 + d.day, 0);
        }
      }
      for (const g of n.gvClasses) {
        if (n.sur !== NONE) {
          // A typo in the surname: its neighbourhood with the given name and year, or without the
          // year when the query has none (a large block).
          const around = this.neighbours(n.surLoose);
          for (const l of !query || years.length === 0 ? around : [n.surLoose]) emit(K_LOOSE_GIVEN, l, g, 0);
          for (const l of around) for (const y of years) emit(K_LOOSE_GIVEN_YEAR, l, g, y);
          if (!query || noDate) emit(K_PREFIX_GIVEN, n.surPrefix, g, 0);
          for (const y of years) for (const dm of this.dm(n.sur)) emit(K_DM_GIVEN_YEAR, dm, g, y);
        }
        if (n.ptClass !== NONE) {
          if (!query || noDate) emit(K_GIVEN_PATR, g, n.ptClass, 0);
          for (const y of years) emit(K_GIVEN_PATR_YEAR, g, n.ptClass, y);
        }
      }
    }
  }
}
