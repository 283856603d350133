/**
 * Does the node keep answering while a large import runs as a background job?
 *
 *   npm run bench:responsiveness -- [--persons 100000] [--rows 300000] [--clients 10] [--seconds 10]
 *                                   [--chunk-rows 500]
 *
 * A server (a child process, so its peak RSS is its own) on a fresh PGlite directory — or a fresh
 * schema of DATABASE_URL when set — seeded with `--persons` synthetic persons and a demo stage
 * board. `--clients` clients poll the stage board and /api/health for `--seconds` with no import
 * running, then while a `--rows`-row synthetic CSV imports as a job. Prints p50/p95/max latency of
 * both, idle and during the import, the import's rows/s and the server's peak RSS, beside the goals.
 */
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';

const GOAL_P95_MS = 250;
const GOAL_P95_FACTOR = 2;
const GOAL_RSS_MB = 1536;

const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '100000' },
    rows: { type: 'string', default: '300000' },
    clients: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
    'chunk-rows': { type: 'string', default: '500' },
    serve: { type: 'boolean', default: false },
    dir: { type: 'string' },
  },
});
const int = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
};
const opts = {
  persons: int('persons', args.persons),
  rows: int('rows', args.rows),
  clients: Math.max(1, int('clients', args.clients)),
  seconds: Math.max(1, int('seconds', args.seconds)),
  chunkRows: Math.max(1, int('chunk-rows', args['chunk-rows'])),
};
const USER = 'bench-coordinator';
const PASSWORD = 'bench-password-not-secret';
const EXCHANGE = 'bench-exchange';
const STAGE = 'stage-1';
const log = (s: string) => process.stderr.write(`${s}\n`);

/** The server side: seed, listen, report the port, answer RSS questions. */
async function serve(dir: string): Promise<void> {
  const { addUser } = await import('../src/app/accounts.ts');
  const { ensureNodeIdentity } = await import('../src/app/node-identity.ts');
  const { storeNewPersons, syntheticToNew } = await import('../src/app/seed-demo.ts');
  const { openDatabase } = await import('../src/db/open.ts');
  const { generatePersons } = await import('../src/demo/synthetic.ts');
  const { seedDemoExchange } = await import('../src/demo/stage-board-demo.ts');
  const { cliContext } = await import('../src/domain/access.ts');
  const { buildServer } = await import('../src/http/server.ts');
  const url = process.env.DATABASE_URL;
  const schema = `bench_resp_${process.pid}`;
  const database = await openDatabase(
    url ? { databaseUrl: url, schema } : { dataDir: path.join(dir, 'data') },
  );
  const identity = await ensureNodeIdentity(database.db, { name: 'bench-node.example' });
  const ctx = cliContext(identity.orgId, ['coordinator'], 'bench');
  const t0 = performance.now();
  let batch: ReturnType<typeof syntheticToNew> = [];
  let i = 0;
  for (const p of generatePersons(2025, opts.persons)) {
    batch.push(...syntheticToNew([p], 10, ++i));
    if (batch.length === 2000) {
      const b = batch;
      await database.transaction((tx) => storeNewPersons(ctx, tx, b, 'bench'));
      batch = [];
    }
  }
  if (batch.length) await database.transaction((tx) => storeNewPersons(ctx, tx, batch, 'bench'));
  await sql`ANALYZE`.execute(database.db);
  log(
    `  [${database.kind}] seeded ${opts.persons} persons in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  await seedDemoExchange((fn) => database.transaction(fn), ctx, {
    exchangeId: EXCHANGE,
    stageId: STAGE,
    fromRegistry: 60,
  });
  await database.transaction((tx) =>
    addUser(cliContext(identity.orgId, ['admin'], 'bench'), tx, {
      username: USER,
      password: PASSWORD,
      roles: ['coordinator'],
    }),
  );
  const app = await buildServer({
    database,
    identity,
    logLevel: 'warn',
    spoolDir: path.join(dir, 'spool'),
    importChunkRows: opts.chunkRows,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'rss') process.send!({ type: 'rss', maxRssKb: process.resourceUsage().maxRSS });
    if (m.type === 'stop') {
      await app.close();
      if (url) await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(database.db).catch(() => {});
      await database.close();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', address, database: database.kind });
}

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type === type) {
        child.off('message', on);
        resolve(m as T);
      }
    };
    child.on('message', on);
    if (type !== 'ready') child.send({ type });
  });
}

/** A synthetic CSV of `rows` persons (made-up names), written to disk a block at a time. */
function writeCsv(file: string, rows: number): void {
  const fd = fs.openSync(file, 'w');
  const families = [
    'Синтетенко',
    'Вигаданий',
    'Тестовий',
    'Зразковенко',
    'Примірний',
    'Fictional',
    'Sampleson',
  ];
  const given = ['Орест', 'Тарас', 'Ірина', 'Олена', 'Петро', 'Anna', 'Mark'];
  let block: string[] = ['id,family_name,given_name,patronymic,birth_date,birth_place,unit,sex,category'];
  for (let i = 0; i < rows; i++) {
    block.push(
      `BR-${i},${families[i % 7]}${i % 1009},${given[(i * 3) % 7]},,19${60 + (i % 40)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},Місто ${i % 503},Unit ${i % 211},${i % 2 ? 'm' : 'f'},servicemember`,
    );
    if (block.length >= 10_000) {
      fs.writeSync(fd, `${block.join('\n')}\n`);
      block = [];
    }
  }
  fs.writeSync(fd, `${block.join('\n')}\n`);
  fs.closeSync(fd);
}

interface Latencies {
  health: number[];
  board: number[];
  errors: number;
}

/** `clients` loops, each alternating board and health, until `stop()` says so. */
async function poll(base: string, cookie: string, clients: number, stop: () => boolean): Promise<Latencies> {
  const out: Latencies = { health: [], board: [], errors: 0 };
  const one = async (k: number) => {
    let turn = k;
    while (!stop()) {
      const board = turn++ % 2 === 0;
      const t = performance.now();
      const res = await fetch(
        board ? `${base}/api/exchanges/${EXCHANGE}/stages/${STAGE}` : `${base}/api/health`,
        {
          headers: board ? { cookie } : {},
        },
      ).catch(() => null);
      if (res?.status !== 200) out.errors += 1;
      await res?.arrayBuffer();
      (board ? out.board : out.health).push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, k) => one(k)));
  return out;
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number) => (Number.isNaN(x) ? '—' : `${x.toFixed(1)} ms`);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-bench-resp-'));
  const self = new URL(import.meta.url).pathname;
  const child = fork(
    path.resolve('bin/run-ts.js'),
    [self, ...process.argv.slice(2), '--serve', '--dir', dir],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  try {
    log(`seeding ${opts.persons} persons and writing a ${opts.rows}-row CSV …`);
    const csv = path.join(dir, 'import.csv');
    writeCsv(csv, opts.rows);
    const ready = await ask<{ address: string; database: string }>(child, 'ready');
    const base = ready.address;
    const signIn = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER, password: PASSWORD }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };

    log(`idle: ${opts.clients} clients for ${opts.seconds} s …`);
    const idleUntil = performance.now() + opts.seconds * 1000;
    const idle = await poll(base, cookie, opts.clients, () => performance.now() > idleUntil);

    log('during the import …');
    const body = fs.readFileSync(csv);
    const up0 = performance.now();
    const upload = await fetch(`${base}/api/imports/persons?filename=import.csv`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'text/csv' },
      body,
    });
    if (upload.status !== 202) throw new Error(`upload answered ${upload.status}`);
    const { jobId } = (await upload.json()) as { jobId: string };
    let state = 'queued';
    let job: {
      state: string;
      startedAt: string | null;
      finishedAt: string | null;
      result: unknown;
      error: unknown;
    };
    const watcher = (async () => {
      for (;;) {
        job = (await (
          await fetch(`${base}/api/jobs/${jobId}`, { headers: { cookie } })
        ).json()) as typeof job;
        state = job.state;
        if (state === 'succeeded' || state === 'failed') return;
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const during = await poll(base, cookie, opts.clients, () => state === 'succeeded' || state === 'failed');
    await watcher;
    const seconds = (performance.now() - up0) / 1000;
    if (job!.state !== 'succeeded') throw new Error(`the import job failed: ${JSON.stringify(job!.error)}`);
    const { maxRssKb } = await ask<{ maxRssKb: number }>(child, 'rss');
    const rssMb = maxRssKb / 1024;

    const idleP95 = Math.max(pct(idle.board, 95), pct(idle.health, 95));
    const duringP95 = Math.max(pct(during.board, 95), pct(during.health, 95));
    const rowsPerS = opts.rows / seconds;
    const line = (name: string, a: number[], b: number[]) =>
      `  ${name.padEnd(8)} idle p50 ${ms(pct(a, 50))} p95 ${ms(pct(a, 95))} max ${ms(pct(a, 100))} (${a.length})` +
      ` | import p50 ${ms(pct(b, 50))} p95 ${ms(pct(b, 95))} max ${ms(pct(b, 100))} (${b.length})`;
    const goalP95 = Math.min(GOAL_P95_MS, GOAL_P95_FACTOR * idleP95);
    const out = [
      '',
      `Responsiveness during an import job — ${ready.database}, ${opts.persons} persons, ${opts.rows} rows, ${opts.clients} clients, write chunks of ${opts.chunkRows} rows, ${os.cpus().length} CPU(s)`,
      line('board', idle.board, during.board),
      line('health', idle.health, during.health),
      `  failed requests: idle ${idle.errors}, during ${during.errors}`,
      `  import: ${opts.rows} rows in ${seconds.toFixed(1)} s (upload to done) = ${rowsPerS.toFixed(0)} rows/s; result ${JSON.stringify(job!.result)}`,
      `  p95 during import ${ms(duringP95)} — goal ≤ ${ms(goalP95)} (2 × idle p95 ${ms(idleP95)}, at most ${GOAL_P95_MS} ms): ${duringP95 <= goalP95 ? 'met' : 'NOT met'}`,
      `  server peak RSS ${rssMb.toFixed(0)} MB — goal ≤ ${GOAL_RSS_MB} MB: ${rssMb <= GOAL_RSS_MB ? 'met' : 'NOT met'}`,
      '',
    ];
    process.stdout.write(out.join('\n'));
  } finally {
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Last: the helpers above are initialised by now.
if (args.serve) await serve(args.dir!);
else await main();
