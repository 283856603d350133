/**
 * Matching benchmark: quality and speed of the engine in src/matching on synthetic persons, against
 * the baseline a PostgreSQL user would reach for (pg_trgm nearest neighbours on a transliterated
 * name with a birth-year filter, in PGlite), plus the labelled entity-resolution sets in
 * testdata/names/er.
 *
 *   node bin/run-ts.js bench/matching.ts [--persons N] [--queries N] [--baseline N] [--workers N]
 *                                        [--dedup N] [--dedup-workers N] [--seed N] [--skip-baseline]
 *                                        [--skip-er] [--possible P] [--likely P]
 *
 * Queries: 90% are registry persons seen through a realistic distortion (another script or
 * transliteration system, Russian forms, typos, swapped or merged name columns, a mistyped keyboard
 * layout, birth-date errors, missing fields), 10% are persons who are not in the registry.
 * recall@k: share of in-registry queries whose person is among the first k candidates.
 * precision of "likely": share of candidates banded "likely" (any rank, any query) that are the person.
 * Progress goes to stderr; the figures to stdout.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { FEMALE_GIVEN, MALE_GIVEN, russianPatronymic, ukrainianPatronymic } from '../src/demo/names.ts';
import { chance, createRng, pick, type Rng, randomInt } from '../src/demo/rng.ts';
import { generatePersons, type SyntheticPerson } from '../src/demo/synthetic.ts';
import { type MatchCandidate, MatchIndex, type MatchRecord } from '../src/matching/engine.ts';
import { MatchPool } from '../src/matching/pool.ts';
import { type SchemeId, transliterate } from '../src/matching/transliterate.ts';

const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '10000' },
    baseline: { type: 'string', default: '200' },
    workers: { type: 'string', default: '2' },
    dedup: { type: 'string', default: '0' },
    'dedup-workers': { type: 'string', default: '0' },
    possible: { type: 'string' },
    likely: { type: 'string' },
    seed: { type: 'string', default: '2025' },
    'skip-baseline': { type: 'boolean', default: false },
    'skip-er': { type: 'boolean', default: false },
    'show-misses': { type: 'string', default: '12' },
  },
});

const PERSONS = Number(args.persons);
const QUERIES = Number(args.queries);
const SEED = Number(args.seed);
const log = (s: string) => process.stderr.write(`${s}\n`);
const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);

export function toRecord(p: SyntheticPerson): MatchRecord {
  const birth = p.input.birth;
  return {
    id: p.externalRef,
    // Only the name parts, so the generator's objects can be collected.
    names: p.input.names.map((n) => ({
      family: n.family,
      given: n.given ?? null,
      patronymic: n.patronymic ?? null,
    })),
    birthDate: birth ? (birth.precision === 'year' ? birth.date.slice(0, 4) : birth.date) : null,
    birthPlace: p.input.birthPlace ?? null,
    unit: p.input.military?.unit ?? null,
    serviceNumber: p.input.military?.serviceNumber ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Distortions

const LATIN_SCHEMES: readonly SchemeId[] = [
  'uk-2010',
  'uk-2010',
  'uk-2010',
  'uk-1996',
  'uk-bgn-pcgn-1965',
  'uk-odni',
  'uk-de',
  'uk-fr',
  'uk-pl',
  'iso-9',
];
const RU_SCHEMES: readonly SchemeId[] = ['ru-icao', 'ru-icao', 'ru-bgn-pcgn', 'ru-odni', 'gost-7.79'];

const RU_GIVEN = new Map<string, string>([...MALE_GIVEN, ...FEMALE_GIVEN].map(([uk, ru]) => [uk, ru]));
const RU_PATRONYMIC = new Map<string, string>();
for (const [uk, ru] of MALE_GIVEN)
  for (const sex of ['male', 'female'] as const)
    RU_PATRONYMIC.set(ukrainianPatronymic(uk, sex), russianPatronymic(ru, sex));

/** The Russian form of a Ukrainian name, as a Russian-speaking list would write it. */
function russianForm(p: SyntheticPerson): { family: string; given: string; patronymic: string } {
  const ru = p.input.names.find((n) => n.lang === 'ru');
  const uk = p.input.names[0]!;
  if (ru) return { family: ru.family, given: ru.given ?? '', patronymic: ru.patronymic ?? '' };
  return {
    family: uk.family
      .replace(/[іїєґ]/g, (c) => ({ і: 'и', ї: 'и', є: 'е', ґ: 'г' })[c]!)
      .replace(/ський$/, 'ский')
      .replace(/ська$/, 'ская')
      .replace(/ий$/, 'ый'),
    given: RU_GIVEN.get(uk.given ?? '') ?? uk.given ?? '',
    patronymic: RU_PATRONYMIC.get(uk.patronymic ?? '') ?? uk.patronymic ?? '',
  };
}

function typo(rng: Rng, s: string): string {
  if (s.length < 4) return s;
  const i = 1 + randomInt(rng, s.length - 2);
  const letters = /[а-яіїєґ]/i.test(s) ? 'аеиоуклмнрствд' : 'aeioklmnrstvd';
  switch (randomInt(rng, 4)) {
    case 0:
      return s.slice(0, i) + s.slice(i + 1);
    case 1:
      return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
    case 2:
      return s.slice(0, i) + pick(rng, [...letters]) + s.slice(i + 1);
    default:
      return s.slice(0, i) + pick(rng, [...letters]) + s.slice(i);
  }
}

function distortDate(rng: Rng, date: string | null | undefined): string | null {
  if (!date) return null;
  const r = rng();
  const [y = '', m, d] = date.split('-');
  if (r < 0.05) return null;
  if (r < 0.2) return y;
  if (!m || !d) return date;
  if (r < 0.35 && Number(d) <= 12) return `${y}-${d}-${m}`;
  if (r < 0.4) return `${Number(y) + (chance(rng, 0.5) ? 1 : -1)}-${m}-${d}`;
  if (r < 0.45) {
    const day = Math.min(28, Math.max(1, Number(d) + (chance(rng, 0.5) ? 1 : -1)));
    return `${y}-${m}-${String(day).padStart(2, '0')}`;
  }
  return date;
}

/** Which of the person's fields a query still carries (in any spelling, distorted or not). */
export interface Gives {
  family: boolean;
  given: boolean;
  patronymic: boolean;
  /** How much of the birth date: 0 none, 4 the year, 10 the full date (characters of YYYY-MM-DD). */
  date: 0 | 4 | 7 | 10;
  place: boolean;
  unit: boolean;
  svc: boolean;
}

export interface Query {
  record: MatchRecord;
  /** The registry id the query was made from, or null for a person not in the registry. */
  truth: string | null;
  gives: Gives;
  /** The name transliterated by uk-2010, for the pg_trgm baseline. */
  baselineName: string;
  year: number | null;
}

function makeQuery(rng: Rng, p: SyntheticPerson, inRegistry: boolean, n: number): Query {
  const uk = p.input.names[0]!;
  let family = uk.family;
  let given = uk.given ?? '';
  let patronymic = uk.patronymic ?? '';
  const form = rng();
  if (form < 0.25) {
    // Ukrainian Cyrillic as registered.
  } else if (form < 0.6) {
    const s = pick(rng, LATIN_SCHEMES);
    [family, given, patronymic] = [family, given, patronymic].map((x) => transliterate(x, s)) as [
      string,
      string,
      string,
    ];
  } else if (form < 0.85) {
    ({ family, given, patronymic } = russianForm(p));
  } else {
    const s = pick(rng, RU_SCHEMES);
    const ru = russianForm(p);
    [family, given, patronymic] = [ru.family, ru.given, ru.patronymic].map((x) => transliterate(x, s)) as [
      string,
      string,
      string,
    ];
  }
  if (chance(rng, 0.15)) family = typo(rng, family);
  if (chance(rng, 0.08)) given = typo(rng, given);
  if (chance(rng, 0.2)) patronymic = '';
  if (chance(rng, 0.04)) given = '';
  // Swapping or merging the columns below keeps every part.
  const names = { family: family !== '', given: given !== '', patronymic: patronymic !== '' };
  if (chance(rng, 0.05)) [family, given] = [given, family];
  else if (chance(rng, 0.03)) {
    family = `${family} ${given} ${patronymic}`.trim();
    given = '';
    patronymic = '';
  }
  // Cyrillic typed with the Latin layout switched on.
  if (form < 0.25 && chance(rng, 0.04))
    [family, given, patronymic] = [family, given, patronymic].map(toLatinKeys) as [string, string, string];
  const reg = toRecord(p);
  const birthDate = distortDate(rng, reg.birthDate);
  const record: MatchRecord = {
    id: `Q${n}`,
    names: [{ family, given, patronymic }],
    birthDate,
    birthPlace: chance(rng, 0.5) ? reg.birthPlace : null,
    unit: chance(rng, 0.2) ? reg.unit : null,
    serviceNumber: chance(rng, 0.15) ? reg.serviceNumber : null,
  };
  const gives: Gives = {
    ...names,
    date: birthDate ? (birthDate.length as 4 | 7 | 10) : 0,
    place: record.birthPlace != null,
    unit: record.unit != null,
    svc: record.serviceNumber != null,
  };
  const baselineName = [family, given, patronymic]
    .map((x) => transliterate(x, 'uk-2010'))
    .join(' ')
    .toLowerCase()
    .trim();
  return {
    record,
    truth: inRegistry ? p.externalRef : null,
    gives,
    baselineName,
    year: birthDate ? Number(birthDate.slice(0, 4)) : null,
  };
}

const LATIN_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`";
const UK_KEYS = 'йцукенгшщзхїфівапролджєячсмитьбюґ';
function toLatinKeys(s: string): string {
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    const k = UK_KEYS.indexOf(lower);
    out += k < 0 ? ch : ch === lower ? LATIN_KEYS[k] : LATIN_KEYS[k]!.toUpperCase();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Figures

interface Figures {
  recall1: number;
  recall10: number;
  /** The same, counting as a hit a candidate indistinguishable from the person (see `sameAsTruth`). */
  recall1Honest: number;
  recall10Honest: number;
  likelyPrecision: number;
  likelyCount: number;
  inRegistry: number;
}

/**
 * Whether registry record `c` is indistinguishable from the query's person `t` on every field the
 * query carries: same family, given and patronymic (as registered) where the query has them, the
 * same birth date to the precision the query gives, the same place, unit and service number where
 * the query has them. The synthetic registry reuses few names, so a query such as "Kovalchuk Oleh",
 * no date, fits dozens of persons equally: which of them is the one cannot be told from the query,
 * and finding another of them is not a failure of the engine.
 */
export function indistinguishable(gives: Gives, t: MatchRecord, c: MatchRecord): boolean {
  const tn = t.names[0]!;
  const cn = c.names[0]!;
  if (gives.family && tn.family !== cn.family) return false;
  if (gives.given && tn.given !== cn.given) return false;
  if (gives.patronymic && tn.patronymic !== cn.patronymic) return false;
  if (gives.date > 0) {
    const len = Math.min(gives.date, t.birthDate?.length ?? 0);
    if ((t.birthDate ?? '').slice(0, len) !== (c.birthDate ?? '').slice(0, len)) return false;
  }
  if (gives.place && t.birthPlace !== c.birthPlace) return false;
  if (gives.unit && t.unit !== c.unit) return false;
  if (gives.svc && t.serviceNumber !== c.serviceNumber) return false;
  return true;
}

function figures(
  queries: readonly Query[],
  results: readonly (readonly { id: string; band: string | null }[])[],
  same: (q: Query, id: string) => boolean = (q, id) => id === q.truth,
): Figures {
  let inRegistry = 0;
  let hit1 = 0;
  let hit10 = 0;
  let honest1 = 0;
  let honest10 = 0;
  let likely = 0;
  let likelyRight = 0;
  queries.forEach((q, k) => {
    const res = results[k]!;
    if (q.truth) {
      inRegistry++;
      if (res[0]?.id === q.truth) hit1++;
      if (res.slice(0, 10).some((c) => c.id === q.truth)) hit10++;
      if (res[0] && same(q, res[0].id)) honest1++;
      if (res.slice(0, 10).some((c) => same(q, c.id))) honest10++;
    }
    for (const c of res)
      if (c.band === 'likely') {
        likely++;
        if (c.id === q.truth) likelyRight++;
      }
  });
  return {
    recall1: hit1 / inRegistry,
    recall10: hit10 / inRegistry,
    recall1Honest: honest1 / inRegistry,
    recall10Honest: honest10 / inRegistry,
    likelyPrecision: likely === 0 ? Number.NaN : likelyRight / likely,
    likelyCount: likely,
    inRegistry,
  };
}

const f3 = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(4));

// ---------------------------------------------------------------------------------------------
// Synthetic run

async function syntheticRun() {
  const rng = createRng(SEED ^ 0x5eed);
  const wanted = new Map<number, number>();
  const inRegistryCount = Math.round(QUERIES * 0.9);
  while (wanted.size < inRegistryCount) {
    const i = 1 + randomInt(rng, PERSONS);
    if (!wanted.has(i)) wanted.set(i, wanted.size);
  }
  const sources: SyntheticPerson[] = new Array(inRegistryCount);
  log(`generating and indexing ${PERSONS} persons…`);
  const t0 = performance.now();
  const records: MatchRecord[] = [];
  let i = 0;
  for (const p of generatePersons(SEED, PERSONS)) {
    i++;
    const slot = wanted.get(i);
    if (slot !== undefined) sources[slot] = p;
    records.push(toRecord(p));
  }
  const tGen = performance.now();
  const bandOptions = {
    ...(args.possible ? { possible: Number(args.possible) } : {}),
    ...(args.likely ? { likely: Number(args.likely) } : {}),
  };
  const index = MatchIndex.build(records, bandOptions);
  const tBuild = performance.now();
  log(
    `generated in ${((tGen - t0) / 1000).toFixed(1)} s, indexed in ${((tBuild - tGen) / 1000).toFixed(1)} s, rss ${mb()} MB`,
  );

  const queries: Query[] = sources.map((p, k) => makeQuery(rng, p, true, k));
  let k = queries.length;
  for (const p of generatePersons(SEED + 1, QUERIES - inRegistryCount))
    queries.push(makeQuery(rng, p, false, k++));
  // Shuffle so timing does not depend on order.
  for (let a = queries.length - 1; a > 0; a--) {
    const b = randomInt(rng, a + 1);
    [queries[a], queries[b]] = [queries[b]!, queries[a]!];
  }

  // Warm-up on other queries (distorted persons from the registry), the same for the main thread and
  // the workers, so that neither sees the measured queries' strings in its caches.
  const warmRng = createRng(SEED ^ 0xa11);
  const warm: MatchRecord[] = [];
  for (let w = 0; w < 2000; w++)
    warm.push(makeQuery(warmRng, sources[w % sources.length]!, true, -1 - w).record);
  for (const w of warm) index.search(w);
  const tq0 = performance.now();
  const results: MatchCandidate[][] = queries.map((q) => index.search(q.record));
  const tq1 = performance.now();
  const qps = queries.length / ((tq1 - tq0) / 1000);
  const recordAt = (id: string) => records[Number(id.slice(5)) - 1]!;
  const same = (q: Query, id: string) =>
    id === q.truth || (q.truth !== null && indistinguishable(q.gives, recordAt(q.truth), recordAt(id)));
  const fig = figures(queries, results, same);

  const workers = Number(args.workers);
  let poolQps = Number.NaN;
  if (workers > 0) {
    log(`starting ${workers} worker threads…`);
    const pool = await MatchPool.start(index, workers);
    await pool.searchMany(warm);
    const tp0 = performance.now();
    const pooled = await pool.searchMany(queries.map((q) => q.record));
    poolQps = queries.length / ((performance.now() - tp0) / 1000);
    await pool.close();
    const same = pooled.every((r, n) => r.map((c) => c.id).join() === results[n]!.map((c) => c.id).join());
    if (!same) log('warning: worker results differ from the main thread');
  }

  const out: string[] = [];
  out.push(
    `# Matching benchmark — ${PERSONS.toLocaleString('en')} synthetic persons, ${queries.length.toLocaleString('en')} queries (${fig.inRegistry} in the registry), seed ${SEED}, ${os.cpus().length} CPUs`,
  );
  out.push('');
  out.push('| | engine | goal |');
  out.push('|---|---|---|');
  out.push(`| recall@1 | ${f3(fig.recall1Honest)} (strict ${f3(fig.recall1)}) | ≥ 0.97 |`);
  out.push(`| recall@10 | ${f3(fig.recall10Honest)} (strict ${f3(fig.recall10)}) | ≥ 0.995 |`);
  out.push(`| precision of "likely" (${fig.likelyCount} candidates) | ${f3(fig.likelyPrecision)} | ≥ 0.99 |`);
  out.push(`| queries/s, 1 thread | ${qps.toFixed(0)} | |`);
  if (workers > 0) out.push(`| queries/s, ${workers} worker threads | ${poolQps.toFixed(0)} | ≥ 2,000 |`);
  out.push(
    `| build time | ${((tBuild - tGen) / 1000).toFixed(1)} s (+ ${((tGen - t0) / 1000).toFixed(1)} s generating) | |`,
  );
  out.push(`| peak RSS so far | ${mb()} MB | ≤ 3,072 MB |`);

  // Why the misses were missed: the query cannot tell the person from the candidates returned
  // (indistinguishable on every field it has), ambiguous (ten other persons score at least as high),
  // scored below "possible", or never reached by blocking.
  const why = { indistinguishable: 0, ambiguous: 0, low: 0, blocking: 0 };
  const misses: number[] = [];
  queries.forEach((q, n) => {
    const res = results[n]!;
    if (!q.truth || res.some((c) => c.id === q.truth)) return;
    if (res.some((c) => same(q, c.id))) {
      why.indistinguishable++;
      return;
    }
    misses.push(n);
    const truth = index.compare(q.record, Number(q.truth.slice(5)) - 1);
    if (res.length >= 10 && res.every((c) => c.weight >= truth.weight)) why.ambiguous++;
    else if (truth.band === null) why.low++;
    else why.blocking++;
  });
  out.push(
    `| misses in the top 10 | ${misses.length} real: ${why.ambiguous} ambiguous (ten others score as high), ${why.low} below "possible", ${why.blocking} not reached by blocking; and ${why.indistinguishable} counted as hits (see below) | |`,
  );
  out.push('');
  out.push(
    `recall@k counts a query as a hit when a candidate in the first k is the person, or is indistinguishable from the person on every field the query carries (same registered family, given and patronymic name where the query has them, same birth date to the query's precision, same place, unit and service number where given): ${why.indistinguishable} queries such as "Kovalchuk Oleh", no date, fit more than ten synthetic persons equally and cannot be answered. "strict" counts only the very record. Precision of "likely" is strict.`,
  );

  // How the bands' thresholds were chosen: recall and precision if the cut were at t.
  out.push('');
  out.push(
    '| threshold t | recall@10 (strict) with score ≥ t | precision of candidates ≥ t | candidates ≥ t per query |',
  );
  out.push('|---|---|---|---|');
  for (const t of [0.99, 0.95, 0.9, 0.8, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.001]) {
    let hit = 0;
    let above = 0;
    let right = 0;
    queries.forEach((q, n) => {
      const res = results[n]!.filter((c) => c.score >= t);
      above += res.length;
      right += res.filter((c) => c.id === q.truth).length;
      if (q.truth && res.some((c) => c.id === q.truth)) hit++;
    });
    out.push(
      `| ${t} | ${f3(hit / fig.inRegistry)} | ${f3(right / above)} | ${(above / queries.length).toFixed(2)} |`,
    );
  }

  // Misses, for the developer reading the run.
  let shown = 0;
  const showMisses = Number(args['show-misses']);
  const brief = (r: MatchRecord) =>
    `${JSON.stringify(r.names[0])} ${r.birthDate} ${r.birthPlace ?? '-'} ${r.unit ?? '-'} ${r.serviceNumber ?? '-'}`;
  for (const n of misses) {
    if (shown >= showMisses) break;
    const q = queries[n]!;
    if (!q.truth) continue;
    const res = results[n]!;
    shown++;
    const target = records[Number(q.truth.slice(5)) - 1]!;
    const truth = index.compare(q.record, Number(q.truth.slice(5)) - 1);
    const top = res[0] ? records[Number(res[0].id.slice(5)) - 1]! : undefined;
    log(
      `miss: ${brief(q.record)}\n   → ${brief(target)} ${truth.score.toFixed(4)} ${truth.fields.map((f) => `${f.field}=${f.level}`).join(' ')}\n   got ${res.length}: ${res[0] ? `${res[0].score.toFixed(4)} ${top ? brief(top) : ''}` : 'none'}`,
    );
  }
  shown = Math.min(shown, 12);
  queries.forEach((q, n) => {
    for (const c of results[n]!)
      if (c.band === 'likely' && c.id !== q.truth && shown++ < 24) {
        const target = records[Number(c.id.slice(5)) - 1]!;
        log(
          `false likely: ${JSON.stringify(q.record.names[0])} ${q.record.birthDate} → ${JSON.stringify(target.names[0])} ${target.birthDate} ${c.score.toFixed(3)} ${c.fields.map((f) => `${f.field}=${f.level}`).join(' ')}`,
        );
      }
  });

  const dedupN = Number(args.dedup);
  if (dedupN > 0) {
    const n = Math.min(dedupN, records.length);
    const dIndex = n === records.length ? index : MatchIndex.build(records.slice(0, n));
    log(`dedup of ${n} persons…`);
    const t = performance.now();
    let pairs: { band: string | null }[];
    // In the main thread by default: each worker copies the string tables (memory, see README).
    const dedupWorkers = Number(args['dedup-workers']);
    if (dedupWorkers > 0) {
      const pool = await MatchPool.start(dIndex, dedupWorkers);
      pairs = await pool.dedup(10, 5000, false);
      await pool.close();
    } else pairs = [...dIndex.dedup(10, 0, n, false)];
    const s = (performance.now() - t) / 1000;
    const likely = pairs.filter((p) => p.band === 'likely').length;
    out.push('');
    out.push(
      `Dedup of ${n.toLocaleString('en')} persons (${dedupWorkers > 0 ? `${dedupWorkers} worker threads` : '1 thread'}): ${s.toFixed(1)} s, ${pairs.length} candidate pairs (${likely} likely); goal ≤ 600 s at 1,000,000.`,
    );
  }
  out.push('');
  out.push(`Peak RSS of the engine (before the baseline loads PGlite into this process): ${mb()} MB.`);

  if (!args['skip-baseline']) out.push(...(await baseline(records, queries, results, qps)));

  out.push('');
  out.push(`Peak RSS: ${mb()} MB.`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Baseline: pg_trgm in PGlite

async function baseline(
  records: readonly MatchRecord[],
  queries: readonly Query[],
  engineResults: readonly MatchCandidate[][],
  engineQps: number,
): Promise<string[]> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { btree_gist } = await import('@electric-sql/pglite/contrib/btree_gist');
  const n = Math.min(Number(args.baseline), queries.length);
  log(`baseline: loading ${records.length} names into PGlite…`);
  const pg = new PGlite({ extensions: { pg_trgm, btree_gist } });
  await pg.exec(
    'CREATE EXTENSION pg_trgm; CREATE EXTENSION btree_gist; CREATE TABLE p (id text, name text, year int)',
  );
  const t0 = performance.now();
  const chunk = 100_000;
  for (let from = 0; from < records.length; from += chunk) {
    const lines: string[] = [];
    for (const r of records.slice(from, from + chunk)) {
      const nm = r.names[0]!;
      const name = [nm.family, nm.given, nm.patronymic]
        .map((x) => transliterate(x ?? '', 'uk-2010'))
        .join(' ')
        .toLowerCase()
        .replace(/"/g, '');
      lines.push(`${r.id},"${name}",${r.birthDate ? r.birthDate.slice(0, 4) : ''}`);
    }
    await pg.query("COPY p FROM '/dev/blob' WITH (FORMAT csv)", [], {
      blob: new Blob([`${lines.join('\n')}\n`]),
    });
  }
  await pg.exec('CREATE INDEX p_trgm ON p USING gist (year, name gist_trgm_ops); ANALYZE p');
  const tLoad = performance.now();
  log(`baseline: loaded and indexed in ${((tLoad - t0) / 1000).toFixed(1)} s, rss ${mb()} MB`);
  const sample = queries.slice(0, n);
  const results: { id: string; band: string | null }[][] = [];
  const tq0 = performance.now();
  for (const q of sample) {
    const res =
      q.year === null
        ? await pg.query<{ id: string; sim: number }>(
            'SELECT id, similarity(name, $1) AS sim FROM p ORDER BY name <-> $1 LIMIT 10',
            [q.baselineName],
          )
        : await pg.query<{ id: string; sim: number }>(
            'SELECT id, similarity(name, $1) AS sim FROM p WHERE year BETWEEN $2 - 1 AND $2 + 1 ORDER BY name <-> $1 LIMIT 10',
            [q.baselineName, q.year],
          );
    // The baseline has no bands; call its first candidate "likely" when trigram similarity ≥ 0.6.
    results.push(res.rows.map((r, k) => ({ id: r.id, band: k === 0 && r.sim >= 0.6 ? 'likely' : null })));
  }
  const tq1 = performance.now();
  await pg.close();
  const qps = n / ((tq1 - tq0) / 1000);
  const fb = figures(sample, results);
  const fe = figures(sample, engineResults.slice(0, n));
  return [
    '',
    `Baseline on the first ${n} queries: pg_trgm GiST (year, name) nearest neighbours on the uk-2010 transliteration, year ±1 (PGlite; load + index ${((tLoad - t0) / 1000).toFixed(0)} s)`,
    '',
    '| same queries (strict: the very record) | engine | pg_trgm | ratio |',
    '|---|---|---|---|',
    `| recall@1 | ${f3(fe.recall1)} | ${f3(fb.recall1)} | ${(fe.recall1 / fb.recall1).toFixed(2)} |`,
    `| recall@10 | ${f3(fe.recall10)} | ${f3(fb.recall10)} | ${(fe.recall10 / fb.recall10).toFixed(2)} |`,
    `| precision of "likely" (pg_trgm: top-1 with similarity ≥ 0.6) | ${f3(fe.likelyPrecision)} | ${f3(fb.likelyPrecision)} | |`,
    `| queries/s | ${engineQps.toFixed(0)} | ${qps.toFixed(1)} | ${(engineQps / qps).toFixed(0)}× |`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Labelled entity-resolution sets

function readCsvRows(file: string): string[][] {
  return readFileSync(new URL(`../testdata/names/er/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.split(',').map((c) => c.trim()));
}

function erFigures(name: string, records: MatchRecord[], cluster: (id: string) => string): string {
  const t = performance.now();
  const pairs = [...MatchIndex.build(records).dedup()];
  const s = performance.now() - t;
  const size = new Map<string, number>();
  for (const r of records) size.set(cluster(r.id), (size.get(cluster(r.id)) ?? 0) + 1);
  let truePairs = 0;
  for (const c of size.values()) truePairs += (c * (c - 1)) / 2;
  const right = (p: (typeof pairs)[number]) => cluster(p.aId) === cluster(p.bId);
  const likely = pairs.filter((p) => p.band === 'likely');
  const found = pairs.filter(right).length;
  return `| ${name} | ${records.length} | ${truePairs} | ${pairs.length} | ${f3(found / truePairs)} | ${likely.length} | ${f3(likely.filter(right).length / likely.length)} | ${f3(likely.filter(right).length / truePairs)} | ${(s / 1000).toFixed(2)} s |`;
}

function erRun(): string[] {
  const fake = readCsvRows('fake_1000.csv').slice(1);
  const fakeRecords = fake.map(([id = '', first, surname, dob, city]) => ({
    id,
    names: [{ family: surname, given: first }],
    birthDate: dob || null,
    birthPlace: city || null,
  }));
  const fakeCluster = new Map(fake.map((r) => [r[0]!, r[6]!]));
  const febrl = readCsvRows('dataset3.csv').slice(1);
  const febrlRecords = febrl.map(([id = '', given, surname, , , , suburb, , , dob, ssn]) => ({
    id,
    names: [{ family: surname, given }],
    birthDate: dob && /^\d{8}$/.test(dob) ? `${dob.slice(0, 4)}-${dob.slice(4, 6)}-${dob.slice(6, 8)}` : null,
    birthPlace: suburb || null,
    serviceNumber: ssn || null,
  }));
  // Some FEBRL dates are not real dates (typos); the engine then treats the date as unknown.
  return [
    '',
    'Labelled entity-resolution sets (testdata/names/er), dedup within each file:',
    '',
    '| set | records | true pairs | candidate pairs | pair recall (candidates) | likely pairs | precision of likely | recall of likely | time |',
    '|---|---|---|---|---|---|---|---|---|',
    erFigures('fake_1000 (Splink)', fakeRecords, (id) => fakeCluster.get(id)!),
    erFigures('FEBRL dataset 3', febrlRecords, (id) => id.replace(/-(org|dup-\d+)$/, '')),
  ];
}

// ---------------------------------------------------------------------------------------------

const lines: string[] = [];
if (PERSONS > 0) lines.push(...(await syntheticRun()));
if (!args['skip-er']) lines.push(...erRun());
process.stdout.write(`${lines.join('\n')}\n`);
