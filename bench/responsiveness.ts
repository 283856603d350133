/**
 * Does the node keep answering while a large import runs as a background job?
 *
 *   npm run bench:responsiveness -- [--persons 100000] [--rows 300000] [--clients 10]
 *                                   [--interval-ms 1000] [--seconds 20] [--chunk-rows 500] [--chunk-ms 40]
 *                                   [--format csv|xlsx]
 *
 * A server (a child process, so its memory and event loop are its own) on a fresh PGlite directory
 * — or a fresh schema of DATABASE_URL when set — seeded with `--persons` synthetic persons and a
 * demo stage board. Method: `--clients` clients poll as the UI does, not as fast as they can. Each
 * client ticks every `--interval-ms` (the UI's board polls every 4 s; default 1 s, so 10 clients
 * make 20 requests a second), the clients' ticks staggered evenly over the interval; at each tick
 * a client requests the stage board, then /api/health, and records each request's latency. A tick
 * that comes due while the client's previous one is still waiting starts as soon as that one ends
 * (counted as late), so slow answers are not hidden by skipped ticks. This runs for `--seconds`
 * with no import ("idle"), then while a `--rows`-row synthetic CSV (or XLSX with `--format xlsx`)
 * imports as a job ("import").
 *
 * Prints p50/p95/max latency of board and health, idle and during the import, beside the goals
 * (p95 during the import ≤ 2 × idle p95 and ≤ 250 ms; server peak RSS ≤ 1.5 GB); the import's rows/s
 * (upload to done); the server's peak RSS (whole run, and during the import); where the time goes
 * in the server: its event-loop delay (`monitorEventLoopDelay`) idle and during the import, and the
 * length of the import's write transactions (each also holds PGlite's one connection).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { HEADER, personRows } from './synthetic-rows.ts';

const GOAL_P95_MS = 250;
const GOAL_P95_FACTOR = 2;
const GOAL_RSS_MB = 1536;
const LOOP_TICK_MS = 5;

const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '100000' },
    rows: { type: 'string', default: '300000' },
    clients: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '20' },
    'interval-ms': { type: 'string', default: '1000' },
    format: { type: 'string', default: 'csv' },
    'chunk-rows': { type: 'string', default: '500' },
    'chunk-ms': { type: 'string', default: '40' },
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
  intervalMs: Math.max(10, int('interval-ms', args['interval-ms'])),
  format: args.format === 'xlsx' ? ('xlsx' as const) : ('csv' as const),
  chunkRows: Math.max(1, int('chunk-rows', args['chunk-rows'])),
  chunkMs: Math.max(1, int('chunk-ms', args['chunk-ms'])),
};
const USER = 'bench-coordinator';
const PASSWORD = 'bench-password-not-secret';
const EXCHANGE = 'bench-exchange';
const STAGE = 'stage-1';
const log = (s: string) => process.stderr.write(`${s}\n`);

/** The server side: seed, listen, report the port, answer RSS questions. */
async function serve(dir: string): Promise<void> {
  const { addUser } = await import('../src/app/accounts/accounts.ts');
  const { ensureNodeIdentity } = await import('../src/app/node/node-identity.ts');
  const { storeNewPersons, syntheticToNew } = await import('../src/demo/seed-demo.ts');
  const { openDatabase } = await import('../src/db/open.ts');
  const { generatePersons } = await import('../src/demo/synthetic.ts');
  const { seedDemoExchange } = await import('../src/demo/stage-board-demo.ts');
  const { cliContext } = await import('../src/domain/access.ts');
  const { buildServer } = await import('../src/http/server.ts');
  const { JobRunner } = await import('../src/app/jobs/jobs.ts');
  const url = process.env.DATABASE_URL;
  const schema = `bench_resp_${process.pid}`;
  const database = await openDatabase(
    url ? { databaseUrl: url, schema } : { dataDir: path.join(dir, 'data') },
  );
  const identity = await ensureNodeIdentity(database.db, {
    name: 'bench-node.example',
    key: { kind: 'file', key: new Uint8Array(randomBytes(32)) },
  });
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
  // Where the time goes: the event loop's delay, each write transaction's length, RSS — per phase.
  // The histogram counts from one timer tick to the next: the delay is what lies beyond LOOP_TICK_MS.
  const loop = monitorEventLoopDelay({ resolution: LOOP_TICK_MS });
  loop.enable();
  let chunks: number[] = [];
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  sampler.unref();
  const jobs = new JobRunner({
    database,
    maxBytes: 50 * 1024 * 1024,
    chunkRows: opts.chunkRows,
    chunkMs: opts.chunkMs,
    onChunk: ({ ms }) => chunks.push(ms),
    log: (level, msg, detail) => log(`  [server ${level}] ${msg} ${JSON.stringify(detail)}`),
  });
  const app = await buildServer({
    database,
    identity,
    logLevel: 'warn',
    spoolDir: path.join(dir, 'spool'),
    jobs,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'reset') {
      loop.reset();
      chunks = [];
      peakRss = process.memoryUsage().rss;
      process.send!({ type: 'reset' });
    }
    if (m.type === 'stats') {
      const q = (p: number) => Math.max(0, loop.percentile(p) / 1e6 - LOOP_TICK_MS);
      process.send!({
        type: 'stats',
        loop: { p50: q(50), p95: q(95), p99: q(99), max: Math.max(0, loop.max / 1e6 - LOOP_TICK_MS) },
        chunks,
        peakRssMb: Math.max(peakRss, process.memoryUsage().rss) / 1024 / 1024,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
      });
    }
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

/** A synthetic CSV, written to disk a block at a time. */
function writeCsv(file: string, rows: number): void {
  const fd = fs.openSync(file, 'w');
  let block: string[] = [HEADER.join(',')];
  for (const cells of personRows(rows)) {
    block.push(cells.join(','));
    if (block.length >= 10_000) {
      fs.writeSync(fd, `${block.join('\n')}\n`);
      block = [];
    }
  }
  fs.writeSync(fd, `${block.join('\n')}\n`);
  fs.closeSync(fd);
}

/** A synthetic XLSX (shared strings, as Excel writes them), written with exceljs's streaming writer. */
async function writeXlsx(file: string, rows: number): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const ws = wb.addWorksheet('Persons');
  ws.addRow(HEADER).commit();
  for (const cells of personRows(rows)) ws.addRow(cells).commit();
  ws.commit();
  await wb.commit();
}

interface Latencies {
  health: number[];
  board: number[];
  errors: number;
  /** Ticks that came due while the client's previous tick was still waiting. */
  late: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * `clients` clients, each ticking every `intervalMs` (ticks staggered evenly over the interval),
 * each tick the board then health, until `stop()` says so.
 */
async function poll(
  base: string,
  cookie: string,
  clients: number,
  intervalMs: number,
  stop: () => boolean,
): Promise<Latencies> {
  const out: Latencies = { health: [], board: [], errors: 0, late: 0 };
  const get = async (url: string, headers: Record<string, string>, into: number[]) => {
    const t = performance.now();
    const res = await fetch(url, { headers }).catch(() => null);
    if (res?.status !== 200) out.errors += 1;
    await res?.arrayBuffer();
    into.push(performance.now() - t);
  };
  const start = performance.now();
  const one = async (k: number) => {
    let due = start + (k * intervalMs) / clients;
    for (;;) {
      await sleep(due - performance.now());
      if (stop()) return;
      await get(`${base}/api/exchanges/${EXCHANGE}/stages/${STAGE}`, { cookie }, out.board);
      await get(`${base}/api/health`, {}, out.health);
      due += intervalMs;
      if (performance.now() > due) {
        out.late += 1;
        due = performance.now();
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, k) => one(k)));
  return out;
}

interface ServerStats {
  loop: { p50: number; p95: number; p99: number; max: number };
  chunks: number[];
  peakRssMb: number;
  maxRssMb: number;
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
    log(`seeding ${opts.persons} persons and writing a ${opts.rows}-row ${opts.format.toUpperCase()} file …`);
    const importFile = path.join(dir, `import.${opts.format}`);
    if (opts.format === 'xlsx') await writeXlsx(importFile, opts.rows);
    else writeCsv(importFile, opts.rows);
    const ready = await ask<{ address: string; database: string }>(child, 'ready');
    const base = ready.address;
    const signIn = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER, password: PASSWORD }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };

    log(`idle: ${opts.clients} clients, a tick every ${opts.intervalMs} ms each, for ${opts.seconds} s …`);
    await ask(child, 'reset');
    const idleUntil = performance.now() + opts.seconds * 1000;
    const idle = await poll(base, cookie, opts.clients, opts.intervalMs, () => performance.now() > idleUntil);
    const idleStats = await ask<ServerStats>(child, 'stats');

    log('during the import …');
    await ask(child, 'reset');
    let finished = false;
    const duringP = poll(base, cookie, opts.clients, opts.intervalMs, () => finished);
    const body = fs.readFileSync(importFile);
    const up0 = performance.now();
    type JobBody = { state: string; result: unknown; error: unknown };
    let job: JobBody;
    try {
      const upload = await fetch(`${base}/api/imports/persons?filename=import.${opts.format}`, {
        method: 'POST',
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          'content-type':
            opts.format === 'xlsx'
              ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
              : 'text/csv',
        },
        body,
      });
      if (upload.status !== 202) throw new Error(`upload answered ${upload.status}`);
      const { jobId } = (await upload.json()) as { jobId: string };
      for (;;) {
        job = (await (await fetch(`${base}/api/jobs/${jobId}`, { headers: { cookie } })).json()) as JobBody;
        if (job.state === 'succeeded' || job.state === 'failed') break;
        await sleep(250);
      }
    } finally {
      finished = true;
    }
    const seconds = (performance.now() - up0) / 1000;
    const during = await duringP;
    const importStats = await ask<ServerStats>(child, 'stats');
    if (job.state !== 'succeeded') throw new Error(`the import job failed: ${JSON.stringify(job.error)}`);

    const idleP95 = Math.max(pct(idle.board, 95), pct(idle.health, 95));
    const duringP95 = Math.max(pct(during.board, 95), pct(during.health, 95));
    const rssMb = importStats.maxRssMb;
    const line = (name: string, a: number[], b: number[]) =>
      `  ${name.padEnd(7)} idle p50 ${ms(pct(a, 50))} p95 ${ms(pct(a, 95))} max ${ms(pct(a, 100))} (${a.length})` +
      ` | import p50 ${ms(pct(b, 50))} p95 ${ms(pct(b, 95))} max ${ms(pct(b, 100))} (${b.length})`;
    const loopLine = (s: ServerStats) =>
      `p50 ${ms(s.loop.p50)} p95 ${ms(s.loop.p95)} p99 ${ms(s.loop.p99)} max ${ms(s.loop.max)}`;
    const c = importStats.chunks;
    const goalP95 = Math.min(GOAL_P95_MS, GOAL_P95_FACTOR * idleP95);
    const out = [
      '',
      `Responsiveness during an import job — ${ready.database}, ${opts.persons} persons, ${opts.rows} rows (${opts.format.toUpperCase()}, ${(fs.statSync(importFile).size / 1024 / 1024).toFixed(1)} MB), write transactions of about ${opts.chunkMs} ms (at most ${opts.chunkRows} rows), ${os.cpus().length} CPU(s), load average ${os.loadavg()[0]!.toFixed(1)}`,
      `  method: ${opts.clients} clients, each a tick every ${opts.intervalMs} ms (staggered), each tick the board then health; ${opts.seconds} s idle, then until the import job ends`,
      line('board', idle.board, during.board),
      line('health', idle.health, during.health),
      `  failed requests: idle ${idle.errors}, import ${during.errors}; late ticks: idle ${idle.late}, import ${during.late}`,
      `  import: ${opts.rows} rows in ${seconds.toFixed(1)} s (upload to done) = ${(opts.rows / seconds).toFixed(0)} rows/s; result ${JSON.stringify(job.result)}`,
      `  server event-loop delay (beyond a ${LOOP_TICK_MS} ms timer): idle ${loopLine(idleStats)} | import ${loopLine(importStats)}`,
      `  write transactions: ${c.length}, p50 ${ms(pct(c, 50))} p95 ${ms(pct(c, 95))} max ${ms(pct(c, 100))}, ${(c.reduce((x, y) => x + y, 0) / 1000).toFixed(1)} s in all`,
      `  p95 during import ${ms(duringP95)} — goal ≤ ${ms(goalP95)} (2 × idle p95 ${ms(idleP95)}, at most ${GOAL_P95_MS} ms): ${duringP95 <= goalP95 ? 'met' : 'NOT met'}`,
      `  server peak RSS ${rssMb.toFixed(0)} MB (during the import ${importStats.peakRssMb.toFixed(0)} MB, sampled) — goal ≤ ${GOAL_RSS_MB} MB: ${rssMb <= GOAL_RSS_MB ? 'met' : 'NOT met'}`,
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
