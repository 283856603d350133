/**
 * The matching engine: an in-memory index of registry persons, candidate generation by blocking on
 * several keys, and Fellegi–Sunter scoring with an explanation field by field. Pure: no I/O, no
 * globals; the index is built from records and queried with records. It never merges anything: it
 * ranks candidates and puts them in bands for a person to decide.
 *
 * Blocking keys and record preparation live in prepare.ts.
 */
import { oneDigitApart, type PartialDate } from './dates.ts';
import { jaroWinkler, withinOneEdit } from './jaro-winkler.ts';
import { buildNameTables } from './name-forms.ts';
import {
  fullDate,
  hashKey,
  Interner,
  type MatchName,
  type MatchRecord,
  NONE,
  type Prepared,
  type PreparedRecord,
  Preparer,
  RECORD_LIMIT,
} from './prepare.ts';

export type { MatchName, MatchRecord };

export type Band = 'likely' | 'possible';

export type MatchField =
  | 'family_name'
  | 'given_name'
  | 'patronymic'
  | 'name_order'
  | 'birth_date'
  | 'birth_place'
  | 'unit'
  | 'service_number';

/** One field's contribution: its agreement level and its weight in bits (log2 of m/u). */
export interface FieldComparison {
  field: MatchField;
  level: string;
  weight: number;
}

export interface MatchCandidate {
  /** Position of the record in the index (the order it was given to `build`). */
  index: number;
  id: string;
  /** Match probability in [0, 1]. */
  score: number;
  /** Total weight in bits, prior included. */
  weight: number;
  band: Band | null;
  fields: FieldComparison[];
}

export interface MatchOptions {
  /** Posting lists longer than this are skipped at query time. Default 2000. */
  maxPostings?: number;
  /** Score at or above which a candidate is "likely". Default `LIKELY_THRESHOLD`. */
  likely?: number;
  /** Score at or above which a candidate is "possible"; lower ones are not returned. */
  possible?: number;
}

/**
 * Band thresholds on the match probability, chosen on data (bench/matching.ts prints the table):
 * "likely" at 0.9 kept precision ≥ 0.995 on distorted synthetic queries at 100,000 and 1,000,000
 * persons; "possible" at 0.001 is where lowering it stopped adding recall@10. See README.md.
 */
export const LIKELY_THRESHOLD = 0.9;
/** Keys are 30-bit hashes; lookups start in one of 2^21 buckets of their top bits. */
const BUCKET_SHIFT = 9;
export const POSSIBLE_THRESHOLD = 0.001;

/** Readable explanation: `family_name=exact(+8.1); given_name=equivalent(+4.5); …`. */
export function explain(fields: readonly FieldComparison[]): string {
  return fields
    .map((f) => `${f.field}=${f.level}(${f.weight >= 0 ? '+' : ''}${f.weight.toFixed(1)})`)
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// Weights in bits: log2(m/u) per agreement level, m and u set from how distortions happen in lists
// (m) and how often unrelated registry persons agree by chance (u).

const W = {
  surnameDifferent: -7,
  givenExact: 5.5,
  givenEquivalent: 4.5,
  givenSimilar: 2,
  givenInitial: 1.5,
  givenDifferent: -8,
  patrExact: 5,
  patrEquivalent: 4,
  patrSimilar: 3,
  patrDifferent: -8,
  patrOtherSex: -10,
  swapped: -0.5,
  keyboard: -0.5,
  reading: -0.5,
  dateExact: 13.8,
  dateSwapped: 8.4,
  dateOneDigit: 5.6,
  dateOneOff: 5.6,
  dateYearMonth: 3.5,
  dateYearOnly: 0.4,
  datePartialYear: 5.3,
  datePartialMonth: 8.5,
  dateNearYear: -1.1,
  dateDifferent: -6.5,
  placeSame: 3,
  placeSimilar: 1.5,
  placeDifferent: -1,
  unitSame: 7,
  unitDifferent: -0.5,
  serviceSame: 18,
  serviceTypo: 6,
  serviceDifferent: -4,
} as const;

const SURNAME_LEVELS = ['exact', 'equivalent', 'similar', 'somewhat_similar', 'different'];
const GIVEN_LEVELS = ['exact', 'equivalent', 'initial', 'similar', 'different'];
const GIVEN_WEIGHTS = [W.givenExact, W.givenEquivalent, W.givenInitial, W.givenSimilar, W.givenDifferent];
const PATRONYMIC_LEVELS = ['exact', 'other_sex', 'equivalent', 'similar', 'different'];
const PATRONYMIC_WEIGHTS = [W.patrExact, W.patrOtherSex, W.patrEquivalent, W.patrSimilar, W.patrDifferent];
const HOW_WEIGHTS = [0, W.swapped, W.keyboard, W.reading] as const;
// biome-ignore format: a table
const DATE_LEVELS = [
  'exact', 'day_month_swapped', 'one_digit_off', 'same_month', 'same_year', 'year_off_by_one', 'different',
  'same_month', 'same_year', 'one_part_off_by_one',
];
// biome-ignore format: a table
const DATE_WEIGHTS = [
  W.dateExact, W.dateSwapped, W.dateOneDigit, W.dateYearMonth, W.dateYearOnly, W.dateNearYear, W.dateDifferent,
  W.datePartialMonth, W.datePartialYear, W.dateOneOff,
];

interface IndexColumns {
  varStart: Int32Array;
  v: Int32Array[];
  year: Int16Array;
  month: Int8Array;
  day: Int8Array;
  place: Int32Array;
  unit: Int32Array;
  svc: Int32Array;
}

/**
 * An index as plain data, for another thread: typed arrays on SharedArrayBuffers (shared, not
 * copied, when posted to a worker) and the string tables (copied).
 */
export interface MatchIndexData {
  strings: string[];
  ids: string[];
  columns: IndexColumns;
  surCount: [Int32Array, Int32Array];
  index: { keys: Int32Array; offsets: Int32Array; postings: Int32Array };
  options: MatchOptions;
}

function shared<T extends Int32Array | Int16Array | Int8Array>(a: T): T {
  const buffer = new SharedArrayBuffer(a.byteLength);
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(buffer);
  copy.set(a as never);
  return copy;
}

export class MatchIndex {
  private readonly columns: IndexColumns;
  private readonly prep: Preparer;
  private readonly ids: string[];
  /** Name variants of record i are varStart[i] … varStart[i+1]-1. */
  private readonly varStart: Int32Array;
  private readonly vSur: Int32Array;
  private readonly vSurLoose: Int32Array;
  private readonly vSurPrefix: Int32Array;
  private readonly vGv: Int32Array;
  private readonly vGvC1: Int32Array;
  private readonly vGvC2: Int32Array;
  private readonly vPt: Int32Array;
  private readonly vPtC: Int32Array;
  private readonly year: Int16Array;
  private readonly month: Int8Array;
  private readonly day: Int8Array;
  private readonly place: Int32Array;
  private readonly unit: Int32Array;
  private readonly svc: Int32Array;
  private readonly surCount: Map<number, number>;
  /** Weight of exact surname agreement by surname id: log2(m/u), u the surname's registry frequency. */
  private readonly surExact = new Map<number, number>();
  private readonly keys: Int32Array;
  /** keys[buckets[b]] is the first key whose top bits (key >>> BUCKET_SHIFT) are at least b. */
  private readonly buckets: Int32Array;
  private readonly offsets: Int32Array;
  private readonly postings: Int32Array;
  private readonly stamp: Uint32Array;
  private generation = 0;
  private readonly jwCache = new Map<number, Map<number, number>>();
  private jwCached = 0;
  private readonly prior: number;
  readonly options: Required<MatchOptions>;

  private constructor(
    prep: Preparer,
    ids: string[],
    columns: IndexColumns,
    surCount: Map<number, number>,
    index: { keys: Int32Array; offsets: Int32Array; postings: Int32Array },
    options: MatchOptions,
  ) {
    this.columns = columns;
    this.prep = prep;
    this.ids = ids;
    this.varStart = columns.varStart;
    [this.vSur, this.vSurLoose, this.vGv, this.vGvC1, this.vGvC2, this.vPt, this.vPtC, this.vSurPrefix] =
      columns.v as [
        Int32Array,
        Int32Array,
        Int32Array,
        Int32Array,
        Int32Array,
        Int32Array,
        Int32Array,
        Int32Array,
      ];
    this.year = columns.year;
    this.month = columns.month;
    this.day = columns.day;
    this.place = columns.place;
    this.unit = columns.unit;
    this.svc = columns.svc;
    this.surCount = surCount;
    // Term frequency from the registry: a rare surname agreeing says more than a common one.
    const population = Math.max(ids.length, 10_000);
    for (const [id, count] of surCount)
      this.surExact.set(id, Math.min(14, Math.max(3, Math.log2((0.9 * population) / count))));
    this.keys = index.keys;
    this.buckets = new Int32Array((1 << (30 - BUCKET_SHIFT)) + 1);
    for (let b = 0, k = 0; b < this.buckets.length; b++) {
      while (k < this.keys.length && this.keys[k]! >>> BUCKET_SHIFT < b) k++;
      this.buckets[b] = k;
    }
    this.offsets = index.offsets;
    this.postings = index.postings;
    this.stamp = new Uint32Array(ids.length);
    this.prior = -Math.log2(Math.max(ids.length, 10_000));
    this.options = {
      maxPostings: options.maxPostings ?? 2000,
      likely: options.likely ?? LIKELY_THRESHOLD,
      possible: options.possible ?? POSSIBLE_THRESHOLD,
    };
  }

  /** This index as data for `fromData` in a worker thread; the big arrays move to shared memory. */
  share(): MatchIndexData {
    const c = this.columns;
    return {
      strings: this.prep.strings.strings,
      ids: this.ids,
      columns: {
        varStart: shared(c.varStart),
        v: c.v.map(shared),
        year: shared(c.year),
        month: shared(c.month),
        day: shared(c.day),
        place: shared(c.place),
        unit: shared(c.unit),
        svc: shared(c.svc),
      },
      surCount: [Int32Array.from(this.surCount.keys()), Int32Array.from(this.surCount.values())],
      index: { keys: shared(this.keys), offsets: shared(this.offsets), postings: shared(this.postings) },
      options: this.options,
    };
  }

  /** An index from `share()` data (in a worker thread). */
  static fromData(data: MatchIndexData): MatchIndex {
    const prep = new Preparer(buildNameTables(), Interner.from(data.strings));
    const surCount = new Map<number, number>();
    const [ids, counts] = data.surCount;
    for (let i = 0; i < ids.length; i++) surCount.set(ids[i]!, counts[i]!);
    return new MatchIndex(prep, data.ids, data.columns, surCount, data.index, data.options);
  }

  /** Number of records in the index. */
  get size(): number {
    return this.ids.length;
  }

  /** Build the index from registry records (any iterable; consumed once). */
  static build(records: Iterable<MatchRecord>, options: MatchOptions = {}): MatchIndex {
    const prep = new Preparer(buildNameTables());
    const ids: string[] = [];
    const varStart: number[] = [0];
    const v: number[][] = [[], [], [], [], [], [], [], []];
    const year: number[] = [];
    const month: number[] = [];
    const day: number[] = [];
    const place: number[] = [];
    const unit: number[] = [];
    const svc: number[] = [];
    const surCount = new Map<number, number>();
    const spellings = new UnionFind();
    let pairs = new Float64Array(1 << 20);
    let npairs = 0;
    let index = 0;
    for (const r of records) {
      if (index >= RECORD_LIMIT) throw new RangeError(`the index holds at most ${RECORD_LIMIT} records`);
      const p = prep.record(r, false);
      ids.push(r.id);
      const seenSur = new Set<number>();
      for (const n of p.names) {
        v[0]!.push(n.sur);
        v[1]!.push(n.surLoose);
        v[2]!.push(n.gv);
        v[3]!.push(n.gvClasses[0] ?? NONE);
        v[4]!.push(n.gvClasses[1] ?? NONE);
        v[5]!.push(n.pt);
        v[6]!.push(n.ptClass);
        v[7]!.push(n.surPrefix);
        if (n.sur !== NONE && !seenSur.has(n.sur)) {
          seenSur.add(n.sur);
          surCount.set(n.sur, (surCount.get(n.sur) ?? 0) + 1);
        }
      }
      // Spellings of one surname in one record (Заєць, Zaiets, Заец: same loose key) are one name.
      for (let a = varStart[varStart.length - 1]!; a < v[0]!.length; a++)
        for (let b = a + 1; b < v[0]!.length; b++)
          if (v[1]![a] === v[1]![b] && v[0]![a] !== NONE && v[0]![a] !== v[0]![b])
            spellings.union(v[0]![a]!, v[0]![b]!);
      varStart.push(v[0]!.length);
      year.push(p.date?.year ?? 0);
      month.push(p.date?.month ?? 0);
      day.push(p.date?.day ?? 0);
      place.push(p.place);
      unit.push(p.unit);
      svc.push(p.svc);
      const years = p.date ? [p.date.year] : [];
      const dates = p.date?.day ? [fullDate(p.date.year, p.date.month, p.date.day)] : [];
      prep.keys(p, years, dates, false, [], (kind, a, b, c) => {
        const key = hashKey(kind, a, b, c);
        if (npairs === pairs.length) {
          const grown = new Float64Array(pairs.length * 2);
          grown.set(pairs);
          pairs = grown;
        }
        pairs[npairs++] = key * RECORD_LIMIT + index;
      });
      index += 1;
    }
    const sorted = pairs.subarray(0, npairs).sort();
    const keys: number[] = [];
    const offsets: number[] = [];
    const postings = new Int32Array(npairs);
    let np = 0;
    let last = -1;
    for (let k = 0; k < npairs; k++) {
      const packed = sorted[k]!;
      if (packed === last) continue;
      last = packed;
      const key = Math.floor(packed / RECORD_LIMIT);
      if (keys.length === 0 || keys[keys.length - 1] !== key) {
        keys.push(key);
        offsets.push(np);
      }
      postings[np++] = packed - key * RECORD_LIMIT;
    }
    offsets.push(np);
    pairs = new Float64Array(0);
    // A surname's frequency is that of its most written spelling, so a rarely written spelling of a
    // common surname (Заец beside Заєць) does not weigh as a rare surname.
    const most = new Map<number, number>();
    for (const [sur, count] of surCount) {
      const root = spellings.find(sur);
      most.set(root, Math.max(most.get(root) ?? 0, count));
    }
    for (const sur of surCount.keys()) surCount.set(sur, most.get(spellings.find(sur))!);
    return new MatchIndex(
      prep,
      ids,
      {
        varStart: Int32Array.from(varStart),
        v: v.map((col) => Int32Array.from(col)),
        year: Int16Array.from(year),
        month: Int8Array.from(month),
        day: Int8Array.from(day),
        place: Int32Array.from(place),
        unit: Int32Array.from(unit),
        svc: Int32Array.from(svc),
      },
      surCount,
      { keys: Int32Array.from(keys), offsets: Int32Array.from(offsets), postings: postings.slice(0, np) },
      options,
    );
  }

  /** The id of the record at `index`. */
  idAt(index: number): string {
    return this.ids[index]!;
  }

  private lookup(key: number): [number, number] {
    // The bucket of the key's top bits narrows the search to a few neighbouring keys (one or two
    // cache lines instead of ~25 scattered reads in a large index).
    const b = key >>> BUCKET_SHIFT;
    let lo = this.buckets[b]!;
    let hi = this.buckets[b + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.keys[mid]!;
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return [this.offsets[mid]!, this.offsets[mid + 1]!];
    }
    return [0, 0];
  }

  /** Candidate record indexes for a prepared query. */
  private candidates(q: PreparedRecord, exclude = -1): Int32Array {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    const gen = this.generation;
    const out: number[] = [];
    const d = q.date;
    const years = d ? [d.year - 1, d.year, d.year + 1] : [];
    const dates = d?.day ? [fullDate(d.year, d.month, d.day)] : [];
    if (d?.day && d.day <= 12 && d.day !== d.month) dates.push(fullDate(d.year, d.day, d.month));
    // Common errors in a full date: the year or the day one off (probed with the narrow keys only).
    const nearDates = d?.day
      ? [
          fullDate(d.year - 1, d.month, d.day),
          fullDate(d.year + 1, d.month, d.day),
          ...(d.day > 1 ? [fullDate(d.year, d.month, d.day - 1)] : []),
          ...(d.day < 31 ? [fullDate(d.year, d.month, d.day + 1)] : []),
        ]
      : [];
    const cap = this.options.maxPostings;
    const probed = new Set<number>();
    this.prep.keys(q, years, dates, true, nearDates, (kind, a, b, c) => {
      const key = hashKey(kind, a, b, c);
      if (probed.has(key)) return;
      probed.add(key);
      const [from, to] = this.lookup(key);
      if (to - from > cap) return;
      for (let k = from; k < to; k++) {
        const r = this.postings[k]!;
        if (this.stamp[r] === gen || r === exclude) continue;
        this.stamp[r] = gen;
        out.push(r);
      }
    });
    return Int32Array.from(out);
  }

  /** Jaro–Winkler of two interned strings (`a` the query's), cached by a then b (small-integer keys). */
  private jw(a: number, b: number): number {
    if (a === b) return 1;
    let inner = this.jwCache.get(a);
    if (inner === undefined) {
      inner = new Map<number, number>();
      this.jwCache.set(a, inner);
    }
    let v = inner.get(b);
    if (v === undefined) {
      const s = this.prep.strings.strings;
      v = jaroWinkler(s[a]!, s[b]!);
      if (++this.jwCached > 4_000_000) {
        this.jwCache.clear();
        this.jwCached = 0;
      }
      inner.set(b, v);
    }
    return v;
  }

  /** Agreement level of two surname stems (see SURNAME_LEVELS). */
  private surnameLevel(q: number, qLoose: number, r: number, rLoose: number): number {
    if (q === r) return 0;
    if (qLoose === rLoose) return 1;
    const sim = this.jw(q, r);
    if (sim >= 0.94) return 2;
    const strings = this.prep.strings.strings;
    if (withinOneEdit(strings[q]!, strings[r]!)) return 2;
    return sim >= 0.88 ? 3 : 4;
  }

  /** A surname level's weight: exact agreement weighs by the surname's frequency in the registry. */
  private surnameWeight(level: number, r: number): number {
    if (level === 4) return W.surnameDifferent;
    const exact = this.surExact.get(r) ?? 14;
    return level === 0
      ? exact
      : level === 1
        ? Math.max(3, exact - 1.5)
        : level === 2
          ? Math.max(3, exact - 2.5)
          : Math.max(0.5, exact - 5);
  }

  private givenLevel(q: Prepared, v: number): number {
    const rGv = this.vGv[v]!;
    if (q.gv === rGv) return 0;
    const c1 = this.vGvC1[v]!;
    const c2 = this.vGvC2[v]!;
    const classes = q.gvClasses;
    for (let k = 0; k < classes.length; k++)
      if (classes[k] === c1 || (c2 !== NONE && classes[k] === c2)) return 1;
    const strings = this.prep.strings.strings;
    const a = strings[q.gv]!;
    const b = strings[rGv]!;
    if ((a.length === 1 || b.length === 1) && a[0] === b[0]) return 2;
    return this.jw(q.gv, rGv) >= 0.9 || withinOneEdit(a, b) ? 3 : 4;
  }

  private patronymicLevel(q: Prepared, v: number): number {
    const rPt = this.vPt[v]!;
    if (q.pt === rPt) return 0;
    const strings = this.prep.strings.strings;
    // -vna/-ovna is a daughter's patronymic, -vych/-ich a son's: a different person.
    if (strings[q.pt]!.endsWith('na') !== strings[rPt]!.endsWith('na')) return 1;
    if (q.ptClass === this.vPtC[v]) return 2;
    return this.jw(q.pt, rPt) >= 0.93 || withinOneEdit(strings[q.pt]!, strings[rPt]!) ? 3 : 4;
  }

  /** Weight of the names of query variant `q` against record variant `v`, without allocating. */
  private nameWeight(q: Prepared, v: number): number {
    let weight = HOW_WEIGHTS[q.how];
    const rSur = this.vSur[v]!;
    if (q.sur !== NONE && rSur !== NONE)
      weight += this.surnameWeight(this.surnameLevel(q.sur, q.surLoose, rSur, this.vSurLoose[v]!), rSur);
    if (q.gv !== NONE && this.vGv[v] !== NONE) weight += GIVEN_WEIGHTS[this.givenLevel(q, v)]!;
    if (q.pt !== NONE && this.vPt[v] !== NONE) weight += PATRONYMIC_WEIGHTS[this.patronymicLevel(q, v)]!;
    return weight;
  }

  /** The same comparison, field by field, for the explanation. */
  private nameFields(q: Prepared, v: number): FieldComparison[] {
    const fields: FieldComparison[] = [];
    const rSur = this.vSur[v]!;
    if (q.sur !== NONE && rSur !== NONE) {
      const level = this.surnameLevel(q.sur, q.surLoose, rSur, this.vSurLoose[v]!);
      fields.push({
        field: 'family_name',
        level: SURNAME_LEVELS[level]!,
        weight: this.surnameWeight(level, rSur),
      });
    }
    if (q.gv !== NONE && this.vGv[v] !== NONE) {
      const level = this.givenLevel(q, v);
      fields.push({ field: 'given_name', level: GIVEN_LEVELS[level]!, weight: GIVEN_WEIGHTS[level]! });
    }
    if (q.pt !== NONE && this.vPt[v] !== NONE) {
      const level = this.patronymicLevel(q, v);
      fields.push({
        field: 'patronymic',
        level: PATRONYMIC_LEVELS[level]!,
        weight: PATRONYMIC_WEIGHTS[level]!,
      });
    }
    if (q.how === 1) fields.push({ field: 'name_order', level: 'swapped', weight: W.swapped });
    if (q.how === 2) fields.push({ field: 'name_order', level: 'keyboard_layout', weight: W.keyboard });
    if (q.how === 3) fields.push({ field: 'name_order', level: 'other_latin_reading', weight: W.reading });
    return fields;
  }

  /** Agreement level of the birth dates (see DATE_LEVELS), or -1 when either is unknown. */
  private dateLevel(d: PartialDate | undefined, r: number): number {
    const ry = this.year[r]!;
    if (!d || ry === 0) return -1;
    const rm = this.month[r]!;
    const rd = this.day[r]!;
    if (d.day > 0 && rd > 0) {
      if (d.year === ry && d.month === rm && d.day === rd) return 0;
      if (d.year === ry && d.month === rd && d.day === rm) return 1;
      const same = (d.year === ry ? 1 : 0) + (d.month === rm ? 1 : 0) + (d.day === rd ? 1 : 0);
      if (same === 2 && (oneDigitApart(d.year, ry) || oneDigitApart(d.month, rm) || oneDigitApart(d.day, rd)))
        return 2;
      // The year or the day one off, the rest right (1989-10-14 for 1990-10-14, the 30th for the 29th).
      if (same === 2 && (Math.abs(d.year - ry) === 1 || Math.abs(d.day - rd) === 1)) return 9;
      if (d.year === ry) return d.month === rm ? 3 : 4;
      return Math.abs(d.year - ry) === 1 ? 5 : 6;
    }
    if (d.year === ry) return d.month > 0 && rm > 0 ? (d.month === rm ? 7 : 4) : 8;
    return Math.abs(d.year - ry) === 1 ? 5 : 6;
  }

  private score(q: PreparedRecord, r: number): number {
    let best = Number.NEGATIVE_INFINITY;
    const from = this.varStart[r]!;
    const to = this.varStart[r + 1]!;
    const names = q.names;
    for (let k = 0; k < names.length; k++)
      for (let v = from; v < to; v++) {
        const w = this.nameWeight(names[k]!, v);
        if (w > best) best = w;
      }
    let weight = this.prior + (best === Number.NEGATIVE_INFINITY ? 0 : best);
    const date = this.dateLevel(q.date, r);
    if (date >= 0) weight += DATE_WEIGHTS[date]!;
    const rp = this.place[r]!;
    if (q.place !== NONE && rp !== NONE)
      weight +=
        q.place === rp ? W.placeSame : this.jw(q.place, rp) >= 0.9 ? W.placeSimilar : W.placeDifferent;
    const ru = this.unit[r]!;
    if (q.unit !== NONE && ru !== NONE) weight += q.unit === ru ? W.unitSame : W.unitDifferent;
    const rs = this.svc[r]!;
    if (q.svc !== NONE && rs !== NONE)
      weight +=
        q.svc === rs ? W.serviceSame : this.jw(q.svc, rs) >= 0.93 ? W.serviceTypo : W.serviceDifferent;
    return weight;
  }

  /** The score of `r` for `q` field by field (same total as `score`). */
  private explainScore(q: PreparedRecord, r: number): { weight: number; fields: FieldComparison[] } {
    let best: Prepared | undefined;
    let bestV = -1;
    let bestW = Number.NEGATIVE_INFINITY;
    for (const qn of q.names)
      for (let v = this.varStart[r]!; v < this.varStart[r + 1]!; v++) {
        const w = this.nameWeight(qn, v);
        if (w > bestW) [best, bestV, bestW] = [qn, v, w];
      }
    const fields = best ? this.nameFields(best, bestV) : [];
    const date = this.dateLevel(q.date, r);
    if (date >= 0)
      fields.push({ field: 'birth_date', level: DATE_LEVELS[date]!, weight: DATE_WEIGHTS[date]! });
    const rp = this.place[r]!;
    if (q.place !== NONE && rp !== NONE) {
      const [level, weight] =
        q.place === rp
          ? ['same', W.placeSame]
          : this.jw(q.place, rp) >= 0.9
            ? ['similar', W.placeSimilar]
            : ['different', W.placeDifferent];
      fields.push({ field: 'birth_place', level, weight });
    }
    const ru = this.unit[r]!;
    if (q.unit !== NONE && ru !== NONE)
      fields.push(
        q.unit === ru
          ? { field: 'unit', level: 'same', weight: W.unitSame }
          : { field: 'unit', level: 'different', weight: W.unitDifferent },
      );
    const rs = this.svc[r]!;
    if (q.svc !== NONE && rs !== NONE) {
      const [level, weight] =
        q.svc === rs
          ? ['same', W.serviceSame]
          : this.jw(q.svc, rs) >= 0.93
            ? ['typo', W.serviceTypo]
            : ['different', W.serviceDifferent];
      fields.push({ field: 'service_number', level, weight });
    }
    return { weight: this.score(q, r), fields };
  }

  private band(score: number): Band | null {
    return score >= this.options.likely ? 'likely' : score >= this.options.possible ? 'possible' : null;
  }

  private ranked(
    q: PreparedRecord,
    limit: number,
    exclude: number,
    minIndex: number,
    explain = true,
  ): MatchCandidate[] {
    const cands = this.candidates(q, exclude);
    const topIdx: number[] = [];
    const topW: number[] = [];
    const minWeight = Math.log2(this.options.possible / (1 - this.options.possible));
    for (let k = 0; k < cands.length; k++) {
      const r = cands[k]!;
      if (r < minIndex) continue;
      const weight = this.score(q, r);
      if (weight < minWeight) continue;
      if (topW.length === limit && weight <= topW[limit - 1]!) continue;
      let pos = topW.length;
      while (pos > 0 && topW[pos - 1]! < weight) pos--;
      topW.splice(pos, 0, weight);
      topIdx.splice(pos, 0, r);
      if (topW.length > limit) {
        topW.pop();
        topIdx.pop();
      }
    }
    return topIdx.map((r, k) => {
      const { weight, fields } = explain ? this.explainScore(q, r) : { weight: topW[k]!, fields: [] };
      const score = 1 / (1 + 2 ** -weight);
      return { index: r, id: this.ids[r]!, score, weight, band: this.band(score), fields };
    });
  }

  /** How the record at `index` scores for `query`, field by field, whether or not search finds it. */
  compare(query: MatchRecord, index: number): MatchCandidate {
    const { weight, fields } = this.explainScore(this.prep.record(query, true), index);
    const score = 1 / (1 + 2 ** -weight);
    return { index, id: this.ids[index]!, score, weight, band: this.band(score), fields };
  }

  /** Up to `limit` candidates for a person, best first, each at least "possible". */
  search(query: MatchRecord, limit = 10): MatchCandidate[] {
    return this.ranked(this.prep.record(query, true), limit, -1, 0);
  }

  /** The prepared form of the record at `index`, rebuilt from the columns (for dedup). */
  private preparedAt(r: number): PreparedRecord {
    const names: Prepared[] = [];
    for (let v = this.varStart[r]!; v < this.varStart[r + 1]!; v++) {
      const gvClasses = [this.vGvC1[v]!, this.vGvC2[v]!].filter((c) => c !== NONE);
      names.push({
        sur: this.vSur[v]!,
        surLoose: this.vSurLoose[v]!,
        surPrefix: this.vSurPrefix[v]!,
        gv: this.vGv[v]!,
        gvClasses,
        pt: this.vPt[v]!,
        ptClass: this.vPtC[v]!,
        how: 0,
      });
    }
    const y = this.year[r]!;
    return {
      names,
      date: y === 0 ? undefined : { year: y, month: this.month[r]!, day: this.day[r]! },
      place: this.place[r]!,
      unit: this.unit[r]!,
      svc: this.svc[r]!,
    };
  }

  /**
   * Candidate duplicate pairs within the index, each once (a < b), at least "possible", for the
   * records from `from` to `to` (exclusive) as `a`. A list for a person to review; nothing is merged.
   * Without `explain` the pairs carry no fields (less memory for a million records; `compare`
   * explains one pair later).
   */
  *dedup(
    limitPerRecord = 10,
    from = 0,
    to = this.ids.length,
    explain = true,
  ): Generator<DuplicatePair, void, undefined> {
    for (let a = from; a < Math.min(to, this.ids.length); a++) {
      for (const c of this.ranked(this.preparedAt(a), limitPerRecord, a, a + 1, explain))
        yield { a, b: c.index, aId: this.ids[a]!, bId: c.id, score: c.score, band: c.band, fields: c.fields };
    }
  }
}

/** Union–find over small integers (interned ids). */
class UnionFind {
  private readonly parent = new Map<number, number>();

  find(x: number): number {
    let root = x;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    // Path compression.
    for (let y = x; y !== root; ) {
      const next = this.parent.get(y)!;
      this.parent.set(y, root);
      y = next;
    }
    return root;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

export interface DuplicatePair {
  a: number;
  b: number;
  aId: string;
  bId: string;
  score: number;
  band: Band | null;
  fields: FieldComparison[];
}

/** Candidate duplicate pairs among records (builds an index, then `MatchIndex.dedup`). */
export function dedup(records: Iterable<MatchRecord>, options: MatchOptions = {}): DuplicatePair[] {
  return [...MatchIndex.build(records, options).dedup()];
}
