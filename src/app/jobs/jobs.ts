/**
 * Background jobs: long work off the request path (migration 013).
 *
 * An upload endpoint spools the file to disk, records a `queued` job and answers 202 with its id;
 * the `JobRunner` of the serving process picks queued jobs one at a time and runs them with the
 * context (organisation, user, roles) of whoever started them. Progress and outcome are in the
 * job's row: `GET /api/jobs/:id`.
 *
 * Person imports write in short transactions, each also saving the job's checkpoint (rows written,
 * counts), so other requests get the database between chunks and a crash resumes after the last
 * chunk. On PGlite every query runs on the main thread and a transaction holds the one connection,
 * so a request waits for the running chunk: chunks are sized to take about `chunkMs` (at most
 * `chunkRows` rows), and the import pauses briefly after each so that waiting requests, which need
 * several round trips, finish before the next chunk starts. "All or nothing" becomes: the file
 * is checked whole first (any bad row: nothing is written, every bad row is reported); then every
 * row is written, resumed after a crash, or — if the job cannot resume — the rows written so far
 * stay and importing the same file again completes it (rows are keyed by their `id`, so the
 * re-import changes nothing that is already there). List imports and dedup write in one
 * transaction at their end: an interrupted one wrote nothing and fails (start it again).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Kysely, Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import type { Database } from '../../db/open.ts';
import type { DB, JobError, JobInputs, JobState } from '../../db/schema.ts';
import {
  contextOf,
  type Permission,
  type RequestContext,
  type Role,
  requirePermission,
} from '../../domain/access.ts';
import { DomainError, ErrorCodes, isDomainError } from '../../domain/errors.ts';
import { scanPersonFile } from '../../io/person-file-stream.ts';
import type { PersonImportRow } from '../../io/person-rows.ts';
import { importCounterpartList } from '../lists/lists.ts';
import { findDuplicates } from '../matching/match-registry.ts';
import { recordMatchCandidates } from '../matching/match-review.ts';
import type { RegistryMatcher } from '../matching/registry-matcher.ts';
import { finishPersonImport, type ImportSummary, importPersonChunk } from '../registry/import-persons.ts';
import type { JobResult, JobResults } from './job-results.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export const JobKinds = ['person_import', 'list_import', 'dedup'] as const;
export type JobKind = (typeof JobKinds)[number];
export const JobStates = ['queued', 'running', 'succeeded', 'failed'] as const satisfies readonly JobState[];

/** Who may start a job of each kind; the same permission reads it. */
export const jobPermission = {
  person_import: 'registry:import',
  list_import: 'list:write',
  dedup: 'match:review',
} as const satisfies Record<JobKind, Permission>;

/** What each kind of job needs; files are in the spool directory, deleted when the job ends. */
// The JSON columns' shapes live with the table (src/db/schema.ts), so a read needs no cast.
export type { JobError, JobInputs } from '../../db/schema.ts';

/** A job as its starter sees it. */
export interface JobView {
  id: string;
  kind: JobKind;
  state: JobState;
  /** What the job is doing: validating, writing, matching, … */
  phase: string | null;
  done: number;
  /** Of how many (rows, bytes while validating, persons for dedup); null while unknown. */
  total: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  createdBy: string;
  /** The outcome of a succeeded job (counts; src/app/jobs/job-results.ts). */
  result: JobResult | null;
  /** Why a job failed; IMPORT_REJECTED carries every bad row in `details.rows`. */
  error: JobError | null;
}

type JobRow = Awaited<ReturnType<typeof selectJobs>>[number];

function selectJobs(db: Handle) {
  return db.selectFrom('jobs').selectAll().execute();
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function viewOf(r: JobRow): JobView {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    phase: r.phase,
    done: r.done,
    total: r.total,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    createdBy: r.created_by,
    // Written by succeedIn from the handler's typed result.
    result: (r.result as JobResult | null) ?? null,
    error: (r.error as JobError | null) ?? null,
  };
}

/** Record a queued job as `ctx` (audited in `tx`); the runner starts it. */
export async function createJob<K extends JobKind>(
  ctx: RequestContext,
  tx: Transaction<DB>,
  kind: K,
  input: JobInputs[K],
  id: string = randomUUID(),
): Promise<string> {
  requirePermission(ctx, jobPermission[kind]);
  await tx
    .insertInto('jobs')
    .values({
      id,
      org_id: ctx.orgId,
      kind,
      input: JSON.stringify(input),
      created_by_user: ctx.userId,
      created_by: ctx.actorName,
      roles: [...ctx.roles],
    })
    .execute();
  await writeAudit(tx, ctx, [{ action: 'job.started', entityType: 'job', entityId: id, detail: { kind } }]);
  return id;
}

/** One job of the caller's organisation; another organisation's answers not found. */
export async function getJob(ctx: RequestContext, db: Handle, id: string): Promise<JobView> {
  const row = await db
    .selectFrom('jobs')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', ctx.orgId)
    .executeTakeFirst();
  if (!row) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such job');
  requirePermission(ctx, jobPermission[row.kind]);
  return viewOf(row);
}

/** The caller's own recent jobs, newest first, of the kinds the caller may start. */
export async function listJobs(ctx: RequestContext, db: Handle, limit = 20): Promise<JobView[]> {
  const kinds = JobKinds.filter((k) => ctx.roles.length > 0 && hasKindPermission(ctx, k));
  if (kinds.length === 0) return [];
  let q = db
    .selectFrom('jobs')
    .selectAll()
    .where('org_id', '=', ctx.orgId)
    .where('kind', 'in', kinds)
    .orderBy('created_at', 'desc')
    .limit(limit);
  q = ctx.userId ? q.where('created_by_user', '=', ctx.userId) : q.where('created_by', '=', ctx.actorName);
  return (await q.execute()).map(viewOf);
}

function hasKindPermission(ctx: RequestContext, kind: JobKind): boolean {
  try {
    requirePermission(ctx, jobPermission[kind]);
    return true;
  } catch {
    return false;
  }
}

/** What a running job may do besides its work. */
export interface JobControl<K extends JobKind = JobKind> {
  readonly id: string;
  readonly input: JobInputs[K];
  readonly checkpoint: unknown;
  readonly ctx: RequestContext;
  /** Report progress (written at most every `progressMs`, and it keeps the heartbeat). */
  progress(phase: string, done: number, total: number | null): Promise<void>;
  /** Save a checkpoint and progress in the caller's transaction (with the work it describes). */
  checkpointIn(
    tx: Transaction<DB>,
    checkpoint: unknown,
    phase: string,
    done: number,
    total: number,
  ): Promise<void>;
  /** True once the runner is stopping: a job that can resume stops after its current chunk. */
  stopping(): boolean;
  /** Mark the job succeeded in the caller's transaction (with its last write). */
  succeedIn(tx: Transaction<DB>, result: JobResult): Promise<void>;
}

export interface JobEnv {
  database: Database;
  matcher?: RegistryMatcher | undefined;
  /** Largest file a job reads. */
  maxBytes: number;
  /** Most person rows per write transaction (default 500). */
  chunkRows?: number | undefined;
  /** Aim for write transactions of about this many ms (default 40); the pause after each is a quarter. */
  chunkMs?: number | undefined;
  /** Told the length of each write transaction of a person import (benchmarks, diagnostics). */
  onChunk?: ((stat: { rows: number; ms: number }) => void) | undefined;
  /** Where problems go; details never carry personal data. */
  log?:
    | ((level: 'info' | 'warn' | 'error', msg: string, detail: Record<string, unknown>) => void)
    | undefined;
}

/** A resumable job stopped between chunks because the node is stopping; it resumes at the next start. */
class JobPaused extends Error {}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How many rows the next write transaction takes: as many as fit in `targetMs` at the rate the
 * last chunks were written (starting small), between 1 and `maxRows`.
 */
export class ChunkSizer {
  private msPerRow: number | null = null;
  constructor(
    private readonly maxRows: number,
    private readonly targetMs: number,
  ) {}
  next(): number {
    if (this.msPerRow === null) return Math.max(1, Math.min(this.maxRows, 50));
    return Math.max(1, Math.min(this.maxRows, Math.floor(this.targetMs / Math.max(this.msPerRow, 1e-3))));
  }
  record(rows: number, ms: number): void {
    if (rows <= 0) return;
    const rate = ms / rows;
    // Smoothed, but quick to shrink when a chunk was slow.
    this.msPerRow = this.msPerRow === null || rate > this.msPerRow ? rate : (this.msPerRow + rate) / 2;
  }
}

type Handler<K extends JobKind> = (job: JobControl<K>, env: JobEnv) => Promise<JobResults[K]>;

interface PersonImportCheckpoint {
  rowsDone: number;
  created: number;
  updated: number;
  unchanged: number;
}

const runPersonImport: Handler<'person_import'> = async (job, env) => {
  const { file, fileName, fileSha256 } = job.input;
  const cp: PersonImportCheckpoint = (job.checkpoint as PersonImportCheckpoint | null) ?? {
    rowsDone: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
  };
  await job.progress('validating', 0, null);
  const scanned = await scanPersonFile(
    file,
    fileName,
    async (_rows, p) => {
      await job.progress('validating', p.bytesRead, p.bytesTotal);
      await yieldToEventLoop();
    },
    { maxBytes: env.maxBytes },
  );
  if (!scanned.ok)
    throw new DomainError(
      ErrorCodes.IMPORT_REJECTED,
      `the file was not imported: ${scanned.errors.length} problem(s)`,
      { rows: scanned.errors },
    );
  const total = scanned.rows;
  const chunkMs = env.chunkMs ?? 40;
  const sizer = new ChunkSizer(env.chunkRows ?? 500, chunkMs);
  let chunkRows = sizer.next();
  let seen = 0;
  let pending: PersonImportRow[] = [];
  const flush = async () => {
    const chunk = pending;
    pending = [];
    const t0 = performance.now();
    await env.database.transaction(async (tx) => {
      const counts = await importPersonChunk(job.ctx, tx, chunk, { fileSha256 });
      const next: PersonImportCheckpoint = {
        rowsDone: cp.rowsDone + chunk.length,
        created: cp.created + counts.created,
        updated: cp.updated + counts.updated,
        unchanged: cp.unchanged + counts.unchanged,
      };
      await job.checkpointIn(tx, next, 'writing', next.rowsDone, total);
      Object.assign(cp, next);
    });
    const ms = performance.now() - t0;
    env.onChunk?.({ rows: chunk.length, ms });
    sizer.record(chunk.length, ms);
    chunkRows = sizer.next();
    if (job.stopping()) throw new JobPaused();
    await pause(Math.min(50, Math.max(1, ms / 4)));
  };
  await job.progress('writing', cp.rowsDone, total);
  await scanPersonFile(
    file,
    fileName,
    async (rows) => {
      for (const row of rows) {
        seen += 1;
        if (seen <= cp.rowsDone) continue;
        pending.push(row);
        if (pending.length >= chunkRows) await flush();
      }
    },
    {
      maxBytes: env.maxBytes,
      onRestart: () => {
        throw new Error('the import file read differently the second time');
      },
    },
  );
  if (pending.length > 0) await flush();
  const summary: ImportSummary = {
    total,
    created: cp.created,
    updated: cp.updated,
    unchanged: cp.unchanged,
  };
  await env.database.transaction(async (tx) => {
    await finishPersonImport(job.ctx, tx, { fileSha256 }, summary);
    await job.succeedIn(tx, summary);
  });
  return summary;
};

const runListImport: Handler<'list_import'> = async (job, env) => {
  const { file, fileName, exchangeId, kind } = job.input;
  await job.progress('matching', 0, null);
  if ((await fs.promises.stat(file)).size > env.maxBytes)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the file is larger than the upload limit');
  await env.matcher?.prepare(job.ctx.orgId);
  const out = await env.database.transaction(async (tx) => {
    const r = await importCounterpartList(
      job.ctx,
      tx,
      { exchangeId, kind, bytes: { file }, filename: fileName },
      env.matcher,
      { queueCandidates: true },
    );
    const result = {
      versionId: r.id,
      exchangeId: r.exchangeId,
      kind: r.kind,
      version: r.version,
      entryCount: r.entryCount,
      flagCounts: r.flagCounts,
      queued: r.queued,
    };
    await job.succeedIn(tx, result);
    return result;
  });
  return out;
};

const runDedup: Handler<'dedup'> = async (job, env) => {
  await job.progress('matching', 0, null);
  const r = await findDuplicates(job.ctx, env.database.db, {
    likelyOnly: job.input.likelyOnly,
    step: 1000,
    onProgress: (done, total) => void job.progress('matching', done, total).catch(() => {}),
  });
  return env.database.transaction(async (tx) => {
    const queued = await recordMatchCandidates(job.ctx, tx, r.candidates, { kind: 'duplicate' });
    const result = { registrySize: r.registrySize, pairs: r.candidates.length, queued: queued.added };
    await job.succeedIn(tx, result);
    return result;
  });
};

const handlers: { [K in JobKind]: Handler<K> } = {
  person_import: runPersonImport,
  list_import: runListImport,
  dedup: runDedup,
};

export interface RunnerOptions {
  /** Look for queued jobs this often (ms); `kick()` starts one at once. Default 2 s. */
  pollMs?: number | undefined;
  /** A running job whose heartbeat is this old was interrupted (PostgreSQL; default 10 min). */
  staleMs?: number | undefined;
  /** Write progress at most this often (ms; default 500). */
  progressMs?: number | undefined;
}

/**
 * Runs queued jobs in this process, one at a time (they compete for the same database and CPU).
 * Claims with `FOR UPDATE SKIP LOCKED`, so several processes on one PostgreSQL database share the
 * queue (each reads spool files of its own data directory: jobs are started where they were
 * uploaded in practice, since the upload answers from the same process).
 */
export class JobRunner {
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private again = false;

  constructor(
    private readonly env: JobEnv,
    private readonly opts: RunnerOptions = {},
  ) {}

  /** Recover jobs a crash interrupted, then poll for queued ones. */
  async start(): Promise<void> {
    await this.recover();
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 2000);
    this.timer.unref();
    this.kick();
  }

  /** Run queued jobs now (when not already running). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((e) => this.env.log?.('error', 'the job runner failed', { errorType: errorType(e) }))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Stop picking jobs and wait for the current one (its next chunk commits, then it stops). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * Jobs left `running` by a process that died: a person import whose file is still here goes
   * back to the queue and resumes after its checkpoint; anything else fails as INTERRUPTED (list
   * imports and dedup write only at their end, so they left nothing behind). On PGlite this
   * process owns the data directory, so every running job is interrupted; on PostgreSQL only those
   * whose heartbeat is older than `staleMs` (another process may be running them).
   */
  async recover(): Promise<void> {
    const { db, kind } = this.env.database;
    let q = db.selectFrom('jobs').select(['id', 'kind', 'input']).where('state', '=', 'running');
    if (kind === 'postgres') {
      const before = new Date(Date.now() - (this.opts.staleMs ?? 10 * 60_000));
      q = q.where('heartbeat_at', '<', before);
    }
    for (const r of await q.execute()) {
      const file = 'file' in r.input ? r.input.file : undefined;
      if (r.kind === 'person_import' && file && fs.existsSync(file)) {
        await db.updateTable('jobs').set({ state: 'queued' }).where('id', '=', r.id).execute();
        this.env.log?.('info', 'resuming an interrupted import job', { jobId: r.id });
      } else {
        await this.fail(r.id, {
          code: 'INTERRUPTED',
          message:
            r.kind === 'person_import'
              ? 'the node stopped during the import; the rows written so far are kept: import the same file again to complete it'
              : 'the node stopped while the job ran; nothing was written: start it again',
        });
        removeFile(file);
      }
    }
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const job = await this.claim();
      if (!job) return;
      await this.run(job);
    }
  }

  private async claim(): Promise<JobRow | undefined> {
    return this.env.database.transaction(async (tx) => {
      const next = await tx
        .selectFrom('jobs')
        .select('id')
        .where('state', '=', 'queued')
        .orderBy('created_at')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!next) return undefined;
      return tx
        .updateTable('jobs')
        .set({ state: 'running', started_at: new Date(), heartbeat_at: new Date() })
        .where('id', '=', next.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  private async run(row: JobRow): Promise<void> {
    const { db } = this.env.database;
    // The job runs as whoever started it: the signed-in user, or the operator at the shell.
    const roles = row.roles as Role[];
    const ctx: RequestContext = contextOf(
      row.org_id,
      row.created_by_user
        ? { kind: 'user', userId: row.created_by_user, username: row.created_by, roles }
        : { kind: 'operator', osUser: row.created_by.replace(/^cli:/, ''), roles },
      `job:${row.id}`,
    );
    let lastWrite = 0;
    const progressMs = this.opts.progressMs ?? 500;
    const control: JobControl = {
      id: row.id,
      input: row.input,
      checkpoint: row.checkpoint,
      ctx,
      stopping: () => this.stopped,
      progress: async (phase, done, total) => {
        const now = Date.now();
        if (now - lastWrite < progressMs && done !== total) return;
        lastWrite = now;
        await db
          .updateTable('jobs')
          .set({ phase, done, total, heartbeat_at: new Date() })
          .where('id', '=', row.id)
          .execute();
      },
      checkpointIn: async (tx, checkpoint, phase, done, total) => {
        lastWrite = Date.now();
        await tx
          .updateTable('jobs')
          .set({ checkpoint: JSON.stringify(checkpoint), phase, done, total, heartbeat_at: new Date() })
          .where('id', '=', row.id)
          .execute();
      },
      succeedIn: async (tx, result) => {
        await tx
          .updateTable('jobs')
          .set({
            state: 'succeeded',
            phase: 'done',
            result: JSON.stringify(result),
            finished_at: new Date(),
            heartbeat_at: new Date(),
          })
          .where('id', '=', row.id)
          .where('state', '=', 'running')
          .execute();
      },
    };
    const handler = handlers[row.kind] as Handler<JobKind>;
    let keepFile = false;
    try {
      await handler(control, this.env);
    } catch (e) {
      if (e instanceof JobPaused) {
        keepFile = true;
        await db.updateTable('jobs').set({ state: 'queued' }).where('id', '=', row.id).execute();
      } else if (isDomainError(e)) {
        await this.fail(row.id, { code: e.code, message: e.message, details: e.details });
      } else {
        // Driver and library messages may quote data: only the type goes to the log and the job.
        this.env.log?.('error', 'a job failed', { jobId: row.id, kind: row.kind, errorType: errorType(e) });
        await this.fail(row.id, {
          code: 'JOB_FAILED',
          message: `the job failed unexpectedly; the node's log names job ${row.id}`,
        });
      }
    } finally {
      if (!keepFile) removeFile('file' in row.input ? row.input.file : undefined);
    }
  }

  private async fail(id: string, error: JobError): Promise<void> {
    await this.env.database.db
      .updateTable('jobs')
      .set({ state: 'failed', error: JSON.stringify(error), finished_at: new Date() })
      .where('id', '=', id)
      .where('state', 'in', ['queued', 'running'])
      .execute();
  }

  /** Wait until no job is queued or running in this process (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}

function removeFile(file: string | undefined): void {
  if (file) fs.rmSync(file, { force: true });
}

function errorType(e: unknown): string {
  const err = e as { name?: string; code?: string };
  return [err?.name, err?.code].filter(Boolean).join(' ') || typeof e;
}
