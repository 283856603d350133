import type { Kysely, Transaction } from 'kysely';
import type { NewMatchCandidate } from '../../db/match-candidates.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { flagsCell, type ListRowFlag, MATCH_OUTPUT_COLUMNS } from '../../io/match-file-mode.ts';
import { type DuplicatePair, explain, type MatchRecord } from '../../matching/engine.ts';
import { duplicateCandidates, listCandidates } from './match-review.ts';
import { buildRegistryIndex } from './registry-matcher.ts';

type Handle = Transaction<DB> | Kysely<DB>;

/** File mode's output columns; `registry_id` is the person's id. */
export const MATCH_LIST_OUTPUT_COLUMNS = MATCH_OUTPUT_COLUMNS;
export const DEDUP_OUTPUT_COLUMNS = ['person_a', 'person_b', 'score', 'band', 'explanation'];

export interface ListMatchResult {
  /** Output rows, as file mode writes them: up to `limit` per list row, best first. */
  rows: (string | number)[][];
  /** The same candidates for the review queue. */
  candidates: NewMatchCandidate[];
  registrySize: number;
}

/**
 * Match a counterpart's list against the organisation's registry (read through `db`, outside any
 * long transaction). `source` is the list file's SHA-256: the same file proposes each pair once.
 */
export async function matchListAgainstRegistry(
  ctx: RequestContext,
  db: Handle,
  list: readonly (MatchRecord & { flags?: readonly ListRowFlag[] })[],
  source: string,
  limit = 10,
): Promise<ListMatchResult> {
  requirePermission(ctx, 'person:read');
  requirePermission(ctx, 'match:review');
  const { index } = await buildRegistryIndex(db, ctx);
  const rows: (string | number)[][] = [];
  const candidates: NewMatchCandidate[] = [];
  for (const q of list) {
    const found = index.search(q, limit);
    found.forEach((c, k) => {
      rows.push([q.id, c.id, k + 1, c.score.toFixed(4), c.band ?? '', explain(c.fields), flagsCell(q.flags)]);
    });
    candidates.push(...listCandidates(q, found, source));
  }
  return { rows, candidates, registrySize: index.size };
}

export interface DuplicatesResult {
  rows: (string | number)[][];
  candidates: NewMatchCandidate[];
  registrySize: number;
}

/** Duplicate candidates within the organisation's registry, best first; nothing is merged. */
export async function findDuplicates(
  ctx: RequestContext,
  db: Handle,
  opts: {
    limitPerPerson?: number;
    /** Keep only "likely" pairs (a large registry has many "possible" ones). */
    likelyOnly?: boolean;
    onProgress?: (done: number, total: number) => void;
    /** Persons compared per step; the event loop gets a turn between steps (default 10,000). */
    step?: number;
  } = {},
): Promise<DuplicatesResult> {
  requirePermission(ctx, 'person:read');
  requirePermission(ctx, 'match:review');
  const { index } = await buildRegistryIndex(db, ctx);
  const pairs: DuplicatePair[] = [];
  const step = opts.step ?? 10_000;
  for (let from = 0; from < index.size; from += step) {
    for (const p of index.dedup(opts.limitPerPerson ?? 10, from, from + step))
      if (p.band === 'likely' || (p.band === 'possible' && !opts.likelyOnly)) pairs.push(p);
    opts.onProgress?.(Math.min(from + step, index.size), index.size);
    // A server runs this as a job: let requests in between steps.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  pairs.sort((a, b) => b.score - a.score || (a.aId < b.aId ? -1 : 1));
  const candidates = duplicateCandidates(pairs);
  const rows = candidates.map((c) => [
    c.personId,
    c.otherPersonId ?? '',
    c.score.toFixed(4),
    c.band,
    c.explanation,
  ]);
  return { rows, candidates, registrySize: index.size };
}
