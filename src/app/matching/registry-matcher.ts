import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Transaction } from 'kysely';
import type { Database } from '../../db/open.ts';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../domain/access.ts';
import {
  type MatchCandidate,
  MatchIndex,
  type MatchIndexData,
  type MatchOptions,
  type MatchRecord,
} from '../../matching/engine.ts';
import {
  changedSince,
  countPersons,
  hasOwnWrites,
  loadMatchRecords,
  readMatchRecords,
  snapshotHorizon,
} from './match-records.ts';

type Handle = Transaction<DB> | Database['db'];

/** A registry index built from one read of the database. */
export interface RegistryIndex {
  index: MatchIndex;
  /** Changes by transactions at or above this one may be missing from `index` (see migration 004). */
  horizon: bigint;
}

/** Read the organisation's whole registry and index it (for dedup, list matching and the cache). */
export async function buildRegistryIndex(
  db: Handle,
  ctx: Pick<RequestContext, 'orgId'>,
  options: MatchOptions = {},
): Promise<RegistryIndex> {
  // The horizon first: anything the pages below miss was written by a transaction at or above it.
  const horizon = await snapshotHorizon(db);
  const records: MatchRecord[] = [];
  for await (const page of readMatchRecords(db, ctx)) for (const r of page) records.push(r);
  return { index: MatchIndex.build(records, options), horizon };
}

const WORKER_ENTRY = new URL('./match-build-worker.ts', import.meta.url).href;
// The worker runs TypeScript through the same loader as the CLI when the sources are .ts.
const WORKER_BOOT = `
const { workerData } = require('node:worker_threads');
(workerData.tsx ? import(workerData.tsx).then((m) => m.register()) : Promise.resolve())
  .then(() => import(workerData.entry));
`;

/**
 * `buildRegistryIndex` with the index built in a worker thread: this thread only reads pages from
 * the database and, at the end, adopts the finished index (a few seconds at 1,000,000 persons,
 * instead of the whole build).
 */
export async function buildRegistryIndexOffThread(
  db: Handle,
  ctx: Pick<RequestContext, 'orgId'>,
  options: MatchOptions = {},
): Promise<RegistryIndex> {
  const tsx = WORKER_ENTRY.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : null;
  const worker = new Worker(WORKER_BOOT, { eval: true, workerData: { tsx, entry: WORKER_ENTRY } });
  try {
    const failed = new Promise<never>((_, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the index builder stopped (exit ${code})`)));
    });
    failed.catch(() => {});
    await Promise.race([once(worker, 'message'), failed]);
    const horizon = await snapshotHorizon(db);
    for await (const page of readMatchRecords(db, ctx)) worker.postMessage({ kind: 'page', records: page });
    worker.postMessage({ kind: 'build', options });
    const [reply] = (await Promise.race([once(worker, 'message'), failed])) as [
      { data?: MatchIndexData; error?: string },
    ];
    if (!reply.data) throw new Error(`building the match index failed: ${reply.error ?? 'no reply'}`);
    return { index: MatchIndex.fromData(reply.data), horizon };
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}

interface Delta {
  /** The changed persons and the transaction of each change: the same key means the same delta. */
  key: string;
  ids: ReadonlySet<string>;
  index: MatchIndex;
}

interface OrgState {
  base: RegistryIndex;
  builtAt: number;
  delta?: Delta | undefined;
  rebuilding?: Promise<void> | undefined;
}

export interface RegistryMatcherOptions {
  /** Registries up to this size are re-indexed whole, at once, whenever they changed. Default 2,000. */
  rebuildWholeUpTo?: number;
  /** Larger ones are re-indexed in the background once this many persons changed… Default 2,000. */
  rebuildAfterChanges?: number;
  /** …or once any changed and the index is older than this. Default 5 minutes. */
  rebuildAfterMs?: number;
  /** From this size on, indexes are built in a worker thread (prepare and background only). Default 50,000. */
  buildOffThreadFrom?: number;
  match?: MatchOptions;
}

/**
 * The matching engine over a node's registry, kept in step with the database.
 *
 * Per organisation, an in-process `MatchIndex` (the base) built from one read of the registry, and
 * the horizon of that read. Every search first asks the database, in the caller's transaction and
 * through an index, which persons changed at or after the horizon; those are left out of the base's
 * results and searched in a small index of their current records (the delta), so a search sees
 * exactly what its transaction sees, whichever process made the change. Small registries are simply
 * re-indexed whole when they changed; larger ones are re-indexed in the background once the delta
 * grows or ages (until then the delta's scores use its own size and surname frequencies, an
 * approximation that lasts minutes).
 *
 * The cache is an object passed in (the server owns one), not a module global.
 */
export class RegistryMatcher {
  private readonly orgs = new Map<string, OrgState>();
  private readonly first = new Map<string, Promise<void>>();
  private readonly wholeUpTo: number;
  private readonly afterChanges: number;
  private readonly afterMs: number;
  private readonly offThreadFrom: number;
  private readonly options: MatchOptions;

  /** `database` is used for background builds; without it, indexes are built in callers' transactions. */
  constructor(
    private readonly database?: Database | undefined,
    opts: RegistryMatcherOptions = {},
  ) {
    this.wholeUpTo = opts.rebuildWholeUpTo ?? 2_000;
    this.afterChanges = opts.rebuildAfterChanges ?? 2_000;
    this.afterMs = opts.rebuildAfterMs ?? 5 * 60_000;
    this.offThreadFrom = opts.buildOffThreadFrom ?? 50_000;
    this.options = opts.match ?? {};
  }

  /**
   * Call outside any transaction before searching: builds the organisation's index the first time
   * (awaited), and starts a background rebuild when many changes piled up (not awaited).
   */
  async prepare(orgId: string): Promise<void> {
    if (!this.database) return;
    const state = this.orgs.get(orgId);
    if (!state) {
      let p = this.first.get(orgId);
      if (!p) {
        p = this.rebuild(orgId).finally(() => this.first.delete(orgId));
        this.first.set(orgId, p);
      }
      return p;
    }
    const changed = state.delta?.ids.size ?? 0;
    const stale = changed >= this.afterChanges || (changed > 0 && Date.now() - state.builtAt >= this.afterMs);
    if (state.rebuilding || !stale) return;
    state.rebuilding = this.rebuild(orgId)
      .catch(() => {})
      .finally(() => {
        state.rebuilding = undefined;
      });
  }

  private async rebuild(orgId: string): Promise<void> {
    const database = this.database!;
    // A large registry is indexed in a worker thread, so this process keeps answering meanwhile.
    const large = (await countPersons(database.db, { orgId })) >= this.offThreadFrom;
    const built = await (large ? buildRegistryIndexOffThread : buildRegistryIndex)(
      database.db,
      { orgId },
      this.options,
    );
    this.orgs.set(orgId, { base: built, builtAt: Date.now() });
  }

  /** Resolves when no background rebuild of the organisation's index is running. */
  async idle(orgId: string): Promise<void> {
    await this.orgs.get(orgId)?.rebuilding;
  }

  /** Resolves when no index build of any organisation is running (before the database closes). */
  async settled(): Promise<void> {
    const running = [...this.first.values(), ...[...this.orgs.values()].map((s) => s.rebuilding)];
    await Promise.allSettled(running);
  }

  /** Forget an organisation's index (it is rebuilt on the next search). */
  forget(orgId: string): void {
    this.orgs.delete(orgId);
  }

  /** Inside the caller's transaction: the registry index as that transaction sees it. */
  async view(tx: Handle, ctx: Pick<RequestContext, 'orgId'>): Promise<RegistryIndexView> {
    // A transaction that wrote may still roll back: what it sees is indexed for it alone.
    const own = await hasOwnWrites(tx);
    const state = this.orgs.get(ctx.orgId);
    if (!state) return new RegistryIndexView(await this.rebuildIn(tx, ctx, own));
    const changed = await changedSince(tx, ctx, state.base.horizon);
    if (changed.size === 0) return new RegistryIndexView(state.base.index);
    // Persons are never deleted, so this bounds the registry's size.
    if (state.base.index.size + changed.size <= this.wholeUpTo)
      return new RegistryIndexView(await this.rebuildIn(tx, ctx, own));
    const key = [...changed].map(([id, t]) => `${id}@${t}`).join(',');
    let delta = state.delta?.key === key ? state.delta : undefined;
    if (!delta) {
      const records = await loadMatchRecords(tx, ctx, [...changed.keys()]);
      delta = { key, ids: new Set(changed.keys()), index: MatchIndex.build(records, this.options) };
      if (!own) state.delta = delta;
    }
    return new RegistryIndexView(state.base.index, delta);
  }

  private async rebuildIn(tx: Handle, ctx: Pick<RequestContext, 'orgId'>, own: boolean): Promise<MatchIndex> {
    const built = await buildRegistryIndex(tx, ctx, this.options);
    if (!own) this.orgs.set(ctx.orgId, { base: built, builtAt: Date.now() });
    return built.index;
  }
}

/** A consistent view for one search: the base index without changed persons, plus the delta. */
export class RegistryIndexView {
  constructor(
    private readonly base: MatchIndex,
    private readonly delta?: Delta | undefined,
  ) {}

  /** Up to `limit` candidates, best first, each at least "possible". */
  search(query: MatchRecord, limit: number): MatchCandidate[] {
    const delta = this.delta;
    if (!delta) return this.base.search(query, limit);
    const fromBase = this.base
      .search(query, limit + Math.min(delta.ids.size, 50))
      .filter((c) => !delta.ids.has(c.id));
    return [...fromBase, ...delta.index.search(query, limit)]
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }
}
