import { randomUUID } from 'node:crypto';
import { type Selectable, sql, type Transaction } from 'kysely';
import type { RequestContext } from '../domain/access.ts';
import type { MatchBand, MatchKind, MatchStatus } from '../domain/match.ts';
import { commitRecords } from './records.ts';
import type { DB, MatchCandidatesTable } from './schema.ts';

type Tx = Transaction<DB>;

export type MatchCandidateRow = Selectable<MatchCandidatesTable>;

export interface NewMatchCandidate {
  kind: MatchKind;
  /** The same key is proposed once, ever (a rejected pair is not proposed again). */
  pairKey: string;
  personId: string;
  otherPersonId?: string | null;
  subject?: unknown;
  source?: string | null;
  score: number;
  band: MatchBand;
  explanation: string;
  fields: unknown;
}

/** Add candidates to the review queue; ones already there (any status) are left alone. Returns how many were new. */
export async function insertMatchCandidates(
  tx: Tx,
  ctx: RequestContext,
  rows: readonly NewMatchCandidate[],
): Promise<number> {
  let added = 0;
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    const col = <T>(f: (r: NewMatchCandidate) => T) => chunk.map(f);
    const { rows: inserted } = await sql<{ id: string }>`
      INSERT INTO match_candidates (id, org_id, kind, pair_key, person_id, other_person_id, subject, source,
        score, band, explanation, fields, created_by)
      SELECT id, ${ctx.orgId}, k, pk, pid, oid, s::jsonb, src, sc, b, e, f::jsonb, ${ctx.actorName}
      FROM unnest(${col(() => randomUUID())}::uuid[], ${col((r) => r.kind)}::text[], ${col((r) => r.pairKey)}::text[],
        ${col((r) => r.personId)}::uuid[], ${col((r) => r.otherPersonId ?? null)}::uuid[],
        ${col((r) => (r.subject == null ? null : JSON.stringify(r.subject)))}::text[],
        ${col((r) => r.source ?? null)}::text[], ${col((r) => r.score)}::float8[], ${col((r) => r.band)}::text[],
        ${col((r) => r.explanation)}::text[], ${col((r) => JSON.stringify(r.fields))}::text[])
        AS x(id, k, pk, pid, oid, s, src, sc, b, e, f)
      ON CONFLICT (org_id, pair_key) DO NOTHING
      RETURNING id
    `.execute(tx);
    added += inserted.length;
    await commitRecords(
      tx,
      inserted.map((r) => ({ table: 'match_candidates', key: r.id })),
    );
  }
  return added;
}

export interface MatchQueueFilter {
  status?: MatchStatus | undefined;
  kind?: MatchKind | undefined;
  limit: number;
  offset: number;
}

/** The queue, best score first; one more row than `limit` tells the caller there are more. */
export async function listMatchCandidates(
  tx: Tx,
  ctx: RequestContext,
  f: MatchQueueFilter,
): Promise<MatchCandidateRow[]> {
  let q = tx.selectFrom('match_candidates').selectAll().where('org_id', '=', ctx.orgId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.kind) q = q.where('kind', '=', f.kind);
  return q
    .orderBy('score', 'desc')
    .orderBy('id')
    .limit(f.limit + 1)
    .offset(f.offset)
    .execute();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One candidate of the caller's organisation, locked for a decision; others' answer undefined. */
export async function lockMatchCandidate(
  tx: Tx,
  ctx: RequestContext,
  id: string,
): Promise<MatchCandidateRow | undefined> {
  if (!UUID_RE.test(id)) return undefined;
  return tx
    .selectFrom('match_candidates')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', ctx.orgId)
    .forUpdate()
    .executeTakeFirst();
}

/** Record a decision on a pending candidate (the table refuses changes to decided ones). */
export async function recordMatchDecision(
  tx: Tx,
  ctx: RequestContext,
  id: string,
  status: 'confirmed' | 'rejected',
  note: string | null,
): Promise<MatchCandidateRow> {
  const decided = await tx
    .updateTable('match_candidates')
    .set({
      status,
      decided_at: sql`now()`,
      decided_by: ctx.actorName,
      decision_note: note,
    })
    .where('id', '=', id)
    .where('org_id', '=', ctx.orgId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirstOrThrow();
  // The decision is committed to the log with the candidate's new state.
  await commitRecords(tx, [{ table: 'match_candidates', key: id }]);
  return decided;
}
