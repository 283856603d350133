/**
 * Registry benchmark: load synthetic persons through the import's bulk insert, then time name searches.
 *
 *   npm run bench:registry -- [--persons N] [--searches N] [--baseline-searches N] [--batch N]
 *                             [--seed N] [--skip-pglite] [--sequential] [--keep]
 *
 *   --persons N            persons to load (default 1,000,000)
 *   --searches N           measured searches (default 500), after 10 unmeasured warm-up searches
 *   --baseline-searches N  naive ILIKE searches for the baseline (default 50; 0 skips it)
 *   --batch N              persons per transaction (default 1,000: the fastest of 1,000/2,000/5,000 on
 *                          PostgreSQL here; on PGlite the three were within noise)
 *   --skip-pglite          with DATABASE_URL set, run PostgreSQL only
 *   --sequential           on PostgreSQL, generate each batch only after the previous one is stored
 *   --keep                 leave the schema / data directory in place (for EXPLAIN ANALYZE)
 *
 * Runs on PGlite (a fresh temporary data directory, removed at the end) and, when DATABASE_URL is set,
 * on PostgreSQL (a fresh schema, dropped at the end). PostgreSQL runs first so that its peak RSS is the
 * client's alone; PGlite runs in-process, so its peak RSS includes the database.
 *
 * Load: generatePersons → syntheticToNew → storeNewPersons (persons, person_names, external_refs,
 * status_events and one audit_events row per person), one transaction per batch, then ANALYZE. On
 * PostgreSQL the next batch is generated while the current one is being stored (the server works in
 * its own process); rows/s counts every row written in all five tables, generation included.
 * Search: searchPersons in its own transaction over a round-robin of
 * realistic queries. Baseline: the naive approach — each typed word as ILIKE '%word%' on the raw
 * family/given/patronymic columns (a sequential scan), same ordering, limit and row loading — timed on
 * the same data in the same run, so the ratio survives a noisy machine. Engine search: the same
 * queries with a RegistryMatcher, as GET /api/persons runs them (the index is built from the database
 * first, timed).
 *
 * Progress goes to stderr; the summary table to stdout.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Migrator, sql, type Transaction } from 'kysely';
import { RegistryMatcher } from '../src/app/matching/registry-matcher.ts';
import { ensureNodeIdentity } from '../src/app/node/node-identity.ts';
import { searchPersons } from '../src/app/registry/search-persons.ts';
import { migrationProvider } from '../src/db/migrations/index.ts';
import { type Database, openDatabase } from '../src/db/open.ts';
import { loadPersons, type NewPerson } from '../src/db/persons.ts';
import type { DB } from '../src/db/schema.ts';
import { storeNewPersons, syntheticToNew } from '../src/demo/seed-demo.ts';
import { generatePersons, type SyntheticPerson } from '../src/demo/synthetic.ts';
import { cliContext, type RequestContext, requirePermission } from '../src/domain/access.ts';
import { projectPerson } from '../src/domain/person-view.ts';

const GOAL_LOAD_ROWS_PER_S = 20_000;
const GOAL_SEARCH_P95_MS = 50;
const SEARCH_LIMIT = 50;
const WARMUP_SEARCHES = 10;
const TABLES = ['persons', 'person_names', 'external_refs', 'status_events', 'audit_events'] as const;

const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    searches: { type: 'string', default: '500' },
    'baseline-searches': { type: 'string', default: '50' },
    batch: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '2025' },
    'skip-pglite': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    sequential: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  process.stdout.write(
    'usage: npm run bench:registry -- [--persons N] [--searches N] [--baseline-searches N] [--batch N]\n' +
      '                                 [--seed N] [--skip-pglite] [--sequential] [--keep]\n' +
      'PGlite always (unless --skip-pglite); PostgreSQL too when DATABASE_URL is set.\n' +
      '--sequential: on PostgreSQL, do not generate the next batch while the current one is stored.\n' +
      '--keep leaves the PostgreSQL schema and the PGlite directory in place for EXPLAIN ANALYZE.\n',
  );
  process.exit(0);
}

function positiveInt(name: string, value: string | undefined, min = 1): number {
  const n = Number(String(value).replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be an integer ≥ ${min}\n`);
    process.exit(2);
  }
  return n;
}

const opts = {
  persons: positiveInt('persons', args.persons),
  searches: positiveInt('searches', args.searches),
  baselineSearches: positiveInt('baseline-searches', args['baseline-searches'], 0),
  batch: positiveInt('batch', args.batch),
  seed: positiveInt('seed', args.seed, 0),
};

const databaseUrl = process.env.DATABASE_URL || undefined;
if (args['skip-pglite'] && !databaseUrl) {
  process.stderr.write('--skip-pglite leaves nothing to run: DATABASE_URL is not set\n');
  process.exit(2);
}

let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write('\ninterrupted: stopping and cleaning up (Ctrl-C again to exit at once)\n');
});
const checkInterrupted = () => {
  if (interrupted) throw new Error('interrupted');
};

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const peakRssBytes = () => process.resourceUsage().maxRSS * 1024;

// ---------------------------------------------------------------------------------------------
// Queries

interface Sample {
  latinFamily: string;
  latinGiven: string;
  cyrFamily: string;
  cyrGiven: string;
  birthYear: number | null;
}

type QueryKind = 'latin-surname' | 'cyr-surname+given' | 'given+surname' | 'surname+year' | 'no-match';
const KINDS: readonly QueryKind[] = [
  'latin-surname',
  'cyr-surname+given',
  'given+surname',
  'surname+year',
  'no-match',
];

interface Query {
  kind: QueryKind;
  q: string;
  birthYear?: number | undefined;
}

/** A small deterministic PRNG (mulberry32) so that the query mix is the same on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildQueries(samples: readonly Sample[], count: number, seed: number): Query[] {
  const rnd = prng(seed);
  const pickSample = () => samples[Math.floor(rnd() * samples.length)]!;
  const out: Query[] = [];
  for (let k = 0; k < count; k++) {
    const kind = KINDS[k % KINDS.length]!;
    const s = pickSample();
    switch (kind) {
      case 'latin-surname':
        out.push({ kind, q: s.latinFamily });
        break;
      case 'cyr-surname+given':
        out.push({ kind, q: `${s.cyrFamily} ${s.cyrGiven}` });
        break;
      case 'given+surname':
        out.push({ kind, q: `${s.latinGiven} ${s.latinFamily}` });
        break;
      case 'surname+year':
        out.push({ kind, q: s.cyrFamily, birthYear: s.birthYear ?? 1990 });
        break;
      case 'no-match': {
        // A plausible-looking surname that no generated person has (the bench checks it finds nothing).
        const letters = 'bdfgklmnprstvz';
        let w = 'Qu';
        for (let i = 0; i < 7; i++) w += letters[Math.floor(rnd() * letters.length)];
        out.push({ kind, q: `${w}enko` });
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Statistics

interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

function latency(ms: readonly number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
  return {
    n: s.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: s[s.length - 1] ?? 0,
    mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length),
  };
}

// ---------------------------------------------------------------------------------------------
// Load

interface LoadResult {
  persons: number;
  rows: number;
  rowsByTable: Record<string, number>;
  seconds: number;
  generateSeconds: number;
  /** Wall time inside the storing transactions (storeNewPersons, BEGIN and COMMIT). */
  storeSeconds: number;
  /** Whether the next batch was generated while the current one was stored. */
  overlap: boolean;
  /** CPU time of this process during the load (for PGlite this includes the database). */
  clientCpuSeconds: number;
  analyzeSeconds: number;
  samples: Sample[];
}

async function load(database: Database, ctx: RequestContext, overlap: boolean): Promise<LoadResult> {
  const sampleEvery = Math.max(1, Math.floor(opts.persons / 5000));
  const samples: Sample[] = [];
  const counted: Record<string, number> = Object.fromEntries(TABLES.map((t) => [t, 0]));
  const people = generatePersons(opts.seed, opts.persons);
  let generated = 0;
  let done = 0;
  let generateMs = 0;
  let storeMs = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let lastReport = started;

  /**
   * The next batch, generated and converted. With `overlap`, it is made in slices of 100 persons that
   * yield to the event loop, so that the previous batch's statements go out and PostgreSQL stores them
   * meanwhile; the sum of the slices is still reported as generation time.
   */
  const nextBatch = async (): Promise<NewPerson[]> => {
    const out: NewPerson[] = [];
    while (out.length < opts.batch && generated < opts.persons) {
      const g0 = performance.now();
      const slice: SyntheticPerson[] = [];
      const want = Math.min(overlap ? 100 : opts.batch, opts.batch - out.length);
      for (let k = 0; k < want; k++) {
        const next = people.next();
        if (next.done) break;
        const sp = next.value;
        generated += 1;
        if (generated % sampleEvery === 0) {
          const cyr = sp.input.names.find((n) => n.script === 'Cyrl');
          const lat = sp.input.names.find((n) => n.script === 'Latn');
          if (cyr && lat)
            samples.push({
              latinFamily: lat.family,
              latinGiven: lat.given ?? '',
              cyrFamily: cyr.family,
              cyrGiven: cyr.given ?? '',
              birthYear: sp.input.birth ? Number(sp.input.birth.date.slice(0, 4)) : null,
            });
        }
        slice.push(sp);
      }
      // As in seedDemo, every tenth person of a slice gets (fictional) restricted fields.
      out.push(...syntheticToNew(slice, 10, generated));
      generateMs += performance.now() - g0;
      if (overlap) await new Promise((resolve) => setImmediate(resolve));
    }
    return out;
  };

  const store = async (batch: NewPerson[]) => {
    for (const p of batch) {
      counted.persons! += 1;
      counted.person_names! += p.input.names.length;
      counted.external_refs! += p.input.externalRefs.length;
      counted.status_events! += p.events.length;
      counted.audit_events! += 1;
    }
    const s0 = performance.now();
    await database.transaction((tx) => storeNewPersons(ctx, tx, batch, 'bench'));
    storeMs += performance.now() - s0;
    done += batch.length;
    const now = performance.now();
    if (now - lastReport > 5000 || done === opts.persons) {
      lastReport = now;
      const s = (now - started) / 1000;
      const rows = TABLES.reduce((a, t) => a + counted[t]!, 0);
      log(
        `  [${database.kind}] loaded ${fmt(done)}/${fmt(opts.persons)} persons in ${s.toFixed(1)} s — ` +
          `${fmt(done / s)} persons/s, ${fmt(rows / s)} rows/s, rss ${mib(process.memoryUsage().rss)}`,
      );
    }
  };

  let batch = await nextBatch();
  while (batch.length > 0) {
    checkInterrupted();
    if (overlap) {
      const [, next] = await Promise.all([store(batch), nextBatch()]);
      batch = next;
    } else {
      await store(batch);
      batch = await nextBatch();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);

  log(`  [${database.kind}] ANALYZE …`);
  const a0 = performance.now();
  await sql`ANALYZE persons, person_names, external_refs, status_events, audit_events`.execute(database.db);
  const analyzeSeconds = (performance.now() - a0) / 1000;

  // Check the bookkeeping against the tables themselves.
  const rowsByTable: Record<string, number> = {};
  for (const t of TABLES) {
    const r = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(database.db);
    rowsByTable[t] = Number(r.rows[0]?.n ?? 0);
    if (rowsByTable[t] !== counted[t])
      throw new Error(`${t}: ${rowsByTable[t]} rows in the table, ${counted[t]} written by the bench`);
  }
  const rows = TABLES.reduce((a, t) => a + rowsByTable[t]!, 0);
  return {
    persons: done,
    rows,
    rowsByTable,
    seconds,
    generateSeconds: generateMs / 1000,
    storeSeconds: storeMs / 1000,
    overlap,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    analyzeSeconds,
    samples,
  };
}

// ---------------------------------------------------------------------------------------------
// Search

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The naive approach: every typed word as ILIKE '%word%' on the raw name columns, no keys, no index. */
async function naiveSearch(ctx: RequestContext, tx: Transaction<DB>, query: Query) {
  requirePermission(ctx, 'person:read');
  const words = query.q.split(/[\s,;]+/).filter((w) => w.length > 0);
  const conds = words.map((w) => {
    const pat = `%${escapeLike(w)}%`;
    return sql`(n.family ILIKE ${pat} OR n.given ILIKE ${pat} OR n.patronymic ILIKE ${pat})`;
  });
  const year = query.birthYear === undefined ? sql`` : sql`AND p.birth_year = ${query.birthYear}`;
  const r = await sql<{ id: string }>`
    SELECT p.id FROM persons p
    WHERE p.org_id = ${ctx.orgId} ${year}
      AND p.id IN (SELECT n.person_id FROM person_names n WHERE ${sql.join(conds, sql` AND `)})
    ORDER BY p.display_name, p.id
    LIMIT ${SEARCH_LIMIT + 1}
  `.execute(tx);
  const ids = r.rows.map((x) => x.id);
  const records = await loadPersons(tx, ctx, ids.slice(0, SEARCH_LIMIT));
  return { items: records.map((x) => projectPerson(ctx, x)), hasMore: ids.length > SEARCH_LIMIT };
}

interface SearchStats {
  all: Latency;
  byKind: Map<QueryKind, Latency & { hits: number; more: number }>;
}

async function timeSearches(
  label: string,
  database: Database,
  queries: readonly Query[],
  run: (tx: Transaction<DB>, q: Query) => Promise<{ items: unknown[]; hasMore: boolean }>,
  /** The engine may rank a "possible" candidate for an invented name: counted in `hits`, not fatal. */
  noMatchMustBeEmpty = true,
): Promise<SearchStats & { samples: { query: Query; ms: number }[] }> {
  const samples: { query: Query; ms: number; hits: number; more: boolean }[] = [];
  const started = performance.now();
  let lastReport = started;
  for (const query of queries) {
    checkInterrupted();
    const t0 = performance.now();
    const res = await database.transaction((tx) => run(tx, query));
    const ms = performance.now() - t0;
    samples.push({ query, ms, hits: res.items.length, more: res.hasMore });
    if (noMatchMustBeEmpty && query.kind === 'no-match' && res.items.length > 0)
      throw new Error(`the no-match query ${JSON.stringify(query.q)} found ${res.items.length} persons`);
    const now = performance.now();
    if (now - lastReport > 5000) {
      lastReport = now;
      log(`  [${database.kind}] ${label}: ${samples.length}/${queries.length}`);
    }
  }
  const byKind = new Map<QueryKind, Latency & { hits: number; more: number }>();
  for (const kind of KINDS) {
    const of = samples.filter((s) => s.query.kind === kind);
    if (of.length === 0) continue;
    byKind.set(kind, {
      ...latency(of.map((s) => s.ms)),
      hits: of.reduce((a, s) => a + s.hits, 0) / of.length,
      more: of.filter((s) => s.more).length / of.length,
    });
  }
  return { all: latency(samples.map((s) => s.ms)), byKind, samples };
}

// ---------------------------------------------------------------------------------------------
// One backend

interface RunResult {
  kind: string;
  load: LoadResult;
  search: SearchStats;
  /** Search through the matching engine (what GET /api/persons does), and building its index. */
  engine: { search: SearchStats; indexSeconds: number; indexRss: number };
  baseline: SearchStats | null;
  slowest: { query: Query; ms: number }[];
  peakRss: number;
  dbSize: string;
}

async function benchOne(database: Database): Promise<RunResult> {
  const identity = await ensureNodeIdentity(database.db, {
    name: 'bench',
    key: { kind: 'file', key: new Uint8Array(randomBytes(32)) },
  });
  const ctx = cliContext(identity.orgId, ['coordinator'], 'bench');

  log(`[${database.kind}] loading ${fmt(opts.persons)} persons in batches of ${fmt(opts.batch)} …`);
  // PGlite runs in this thread, so generating during its inserts would only interleave, not overlap.
  const overlap = database.kind === 'postgres' && !args.sequential;
  const loaded = await load(database, ctx, overlap);
  log(
    `[${database.kind}] loaded ${fmt(loaded.persons)} persons, ${fmt(loaded.rows)} rows in ` +
      `${loaded.seconds.toFixed(1)} s (generation ${loaded.generateSeconds.toFixed(1)} s); ` +
      `ANALYZE ${loaded.analyzeSeconds.toFixed(1)} s`,
  );
  const size = await sql<{ s: string }>`
    SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS s
    FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
    WHERE ns.nspname = current_schema() AND c.relkind = 'r'
  `.execute(database.db);

  const queries = buildQueries(loaded.samples, WARMUP_SEARCHES + opts.searches, opts.seed + 1);
  const warmup = queries.slice(0, WARMUP_SEARCHES);
  const measured = queries.slice(WARMUP_SEARCHES);
  const byApp = (tx: Transaction<DB>, q: Query) =>
    searchPersons(ctx, tx, { q: q.q, birthYear: q.birthYear, limit: SEARCH_LIMIT, offset: 0 });

  log(`[${database.kind}] ${WARMUP_SEARCHES} warm-up searches, then ${fmt(opts.searches)} measured …`);
  await timeSearches('warm-up', database, warmup, byApp);
  const search = await timeSearches('search', database, measured, byApp);
  log(`[${database.kind}] search p50 ${search.all.p50.toFixed(1)} ms, p95 ${search.all.p95.toFixed(1)} ms`);

  let baseline: SearchStats | null = null;
  if (opts.baselineSearches > 0) {
    // The same query mix from the front of the measured list, so the comparison is like for like.
    const bq = measured.slice(0, opts.baselineSearches);
    log(`[${database.kind}] baseline: ${fmt(bq.length)} naive ILIKE searches …`);
    await timeSearches('baseline warm-up', database, bq.slice(0, 1), (tx, q) => naiveSearch(ctx, tx, q));
    baseline = await timeSearches('baseline', database, bq, (tx, q) => naiveSearch(ctx, tx, q));
    log(
      `[${database.kind}] baseline p50 ${baseline.all.p50.toFixed(1)} ms, p95 ${baseline.all.p95.toFixed(1)} ms`,
    );
  }
  // The same searches as the HTTP route runs them: the matching engine first, prefix hits after.
  log(`[${database.kind}] building the match index from the database …`);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const matcher = new RegistryMatcher(database);
  await matcher.prepare(ctx.orgId);
  const indexSeconds = (performance.now() - t0) / 1000;
  const indexRss = process.memoryUsage().rss - rssBefore;
  log(`[${database.kind}] match index built in ${indexSeconds.toFixed(1)} s (RSS +${mib(indexRss)})`);
  const byEngine = (tx: Transaction<DB>, q: Query) =>
    searchPersons(ctx, tx, { q: q.q, birthYear: q.birthYear, limit: SEARCH_LIMIT, offset: 0 }, matcher);
  await timeSearches('engine warm-up', database, warmup, byEngine, false);
  const engine = await timeSearches('engine search', database, measured, byEngine, false);
  log(
    `[${database.kind}] engine search p50 ${engine.all.p50.toFixed(1)} ms, p95 ${engine.all.p95.toFixed(1)} ms`,
  );
  const slowest = [...search.samples].sort((a, b) => b.ms - a.ms).slice(0, 5);
  return {
    kind: database.kind,
    load: loaded,
    search,
    engine: { search: engine, indexSeconds, indexRss },
    baseline,
    slowest,
    peakRss: peakRssBytes(),
    dbSize: size.rows[0]?.s ?? '?',
  };
}

async function runPostgres(url: string): Promise<RunResult> {
  const schema = `bench_registry_${process.pid}_${Date.now().toString(36)}`;
  log(`[postgres] schema ${schema}`);
  const database = await openDatabase({ databaseUrl: url, schema, migrate: false });
  try {
    // openDatabase's migrator looks for its bookkeeping tables in every schema, so on a database that
    // already holds another Homeward schema (a test's, another bench's) it skips creating them here and
    // fails. Migrate with the bookkeeping pinned to this schema, then drop it at once so that this
    // schema does not trip up others that open a fresh schema while the bench runs.
    const migrator = new Migrator({
      db: database.db,
      provider: migrationProvider,
      migrationTableSchema: schema,
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    await sql`DROP TABLE ${sql.table(`${schema}.kysely_migration`)}, ${sql.table(`${schema}.kysely_migration_lock`)}`.execute(
      database.db,
    );
    return await benchOne(database);
  } finally {
    if (args.keep) {
      log(`[postgres] --keep: schema ${schema} left in place; drop it with DROP SCHEMA ${schema} CASCADE`);
    } else {
      log(`[postgres] dropping schema ${schema}`);
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(database.db).catch((e: unknown) => {
        log(`[postgres] could not drop schema ${schema}: ${(e as Error).message}`);
      });
    }
    await database.close();
  }
}

async function runPglite(): Promise<RunResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-bench-'));
  log(`[pglite] data directory ${dir}`);
  try {
    const database = await openDatabase({ dataDir: dir });
    try {
      return await benchOne(database);
    } finally {
      await database.close();
    }
  } finally {
    if (args.keep) {
      log(`[pglite] --keep: data directory ${dir} left in place`);
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
      log(`[pglite] removed ${dir}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)));
      const text = line.join('  ');
      return i === 0 ? `${text}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : text;
    })
    .join('\n');
}

function report(results: RunResult[]) {
  const out: string[] = [];
  const ms = (n: number) => n.toFixed(1);
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : '–');
  out.push('');
  out.push(
    `Homeward registry benchmark — ${fmt(opts.persons)} persons, batch ${fmt(opts.batch)}, ` +
      `${fmt(opts.searches)} searches (+${WARMUP_SEARCHES} warm-up), limit ${SEARCH_LIMIT}, seed ${opts.seed}`,
  );
  out.push(
    `node ${process.version}, ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'}), ${mib(os.totalmem())} RAM, ` +
      `load average ${loadAverageAtStart} at start, ${os.loadavg()[0]!.toFixed(1)} at end`,
  );
  out.push('');
  const head = ['', ...results.map((r) => r.kind)];
  const row = (label: string, f: (r: RunResult) => string) => [label, ...results.map(f)];
  const rowsPerS = (r: RunResult) => r.load.rows / r.load.seconds;
  out.push(
    table([
      head,
      row('persons loaded', (r) => fmt(r.load.persons)),
      ...TABLES.map((t) => row(`  ${t} rows`, (r) => fmt(r.load.rowsByTable[t] ?? 0))),
      row('rows, all tables', (r) => fmt(r.load.rows)),
      row('load time, s', (r) => r.load.seconds.toFixed(1)),
      row('  generating next batch during storing', (r) => (r.load.overlap ? 'yes' : 'no')),
      row('  generation (generatePersons+syntheticToNew), s', (r) => r.load.generateSeconds.toFixed(1)),
      row('  inside storing transactions, s', (r) => r.load.storeSeconds.toFixed(1)),
      row('  bench process CPU, s', (r) => r.load.clientCpuSeconds.toFixed(1)),
      row('load persons/s', (r) => fmt(r.load.persons / r.load.seconds)),
      row('load rows/s', (r) => fmt(rowsPerS(r))),
      row('  rows/s inside storing transactions', (r) => fmt(r.load.rows / r.load.storeSeconds)),
      row('ANALYZE, s', (r) => r.load.analyzeSeconds.toFixed(1)),
      row('database size', (r) => r.dbSize),
      row('search p50, ms', (r) => ms(r.search.all.p50)),
      row('search p95, ms', (r) => ms(r.search.all.p95)),
      row('search p99, ms', (r) => ms(r.search.all.p99)),
      row('search max, ms', (r) => ms(r.search.all.max)),
      row('search mean, ms', (r) => ms(r.search.all.mean)),
      row('match index build from the database, s', (r) => r.engine.indexSeconds.toFixed(1)),
      row('  RSS growth', (r) => mib(r.engine.indexRss)),
      row('engine search p50, ms', (r) => ms(r.engine.search.all.p50)),
      row('engine search p95, ms', (r) => ms(r.engine.search.all.p95)),
      row('engine search p99, ms', (r) => ms(r.engine.search.all.p99)),
      row('naive ILIKE n', (r) => (r.baseline ? fmt(r.baseline.all.n) : '–')),
      row('naive ILIKE p50, ms', (r) => (r.baseline ? ms(r.baseline.all.p50) : '–')),
      row('naive ILIKE p95, ms', (r) => (r.baseline ? ms(r.baseline.all.p95) : '–')),
      row('speed-up p50 (naive/search)', (r) =>
        r.baseline ? ratio(r.baseline.all.p50, r.search.all.p50) : '–',
      ),
      row('speed-up p95 (naive/search)', (r) =>
        r.baseline ? ratio(r.baseline.all.p95, r.search.all.p95) : '–',
      ),
      row('peak RSS (process, so far)', (r) => mib(r.peakRss)),
      row(`goal load ≥ ${fmt(GOAL_LOAD_ROWS_PER_S)} rows/s`, (r) =>
        rowsPerS(r) >= GOAL_LOAD_ROWS_PER_S ? 'met' : 'MISSED',
      ),
      row(`goal search p95 ≤ ${GOAL_SEARCH_P95_MS} ms`, (r) =>
        r.search.all.p95 <= GOAL_SEARCH_P95_MS ? 'met' : 'MISSED',
      ),
    ]),
  );
  for (const r of results) {
    out.push('');
    out.push(
      `${r.kind}: searches by query kind (ms; hits = mean persons returned, more = share with hasMore)`,
    );
    const kindRows = [
      ['kind', 'n', 'p50', 'p95', 'p99', 'max', 'hits', 'more', 'naive p50', 'naive p95'],
    ].map((h) => [...h, 'engine p50', 'engine p95', 'engine hits']);
    for (const [kind, l] of r.search.byKind) {
      const b = r.baseline?.byKind.get(kind);
      const e = r.engine.search.byKind.get(kind);
      kindRows.push([
        kind,
        fmt(l.n),
        ms(l.p50),
        ms(l.p95),
        ms(l.p99),
        ms(l.max),
        l.hits.toFixed(1),
        `${(l.more * 100).toFixed(0)}%`,
        b ? ms(b.p50) : '–',
        b ? ms(b.p95) : '–',
        e ? ms(e.p50) : '–',
        e ? ms(e.p95) : '–',
        e ? e.hits.toFixed(1) : '–',
      ]);
    }
    out.push(table(kindRows));
    out.push(
      `${r.kind}: slowest searches: ${r.slowest
        .map(
          (s) =>
            `${JSON.stringify(s.query.q)}${s.query.birthYear ? ` (${s.query.birthYear})` : ''} ${ms(s.ms)} ms`,
        )
        .join('; ')}`,
    );
  }
  out.push('');
  process.stdout.write(`${out.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------------

const loadAverageAtStart = os.loadavg()[0]!.toFixed(1);
const results: RunResult[] = [];
try {
  if (databaseUrl) results.push(await runPostgres(databaseUrl));
  if (!args['skip-pglite']) results.push(await runPglite());
} catch (e) {
  if (results.length > 0) report(results);
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
}
report(results);
