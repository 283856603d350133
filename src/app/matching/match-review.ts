import type { Transaction } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../../db/audit.ts';
import {
  insertMatchCandidates,
  listMatchCandidates,
  lockMatchCandidate,
  type MatchCandidateRow,
  type MatchQueueFilter,
  type NewMatchCandidate,
  recordMatchDecision,
} from '../../db/match-candidates.ts';
import { loadPersons } from '../../db/persons.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import {
  decide,
  MatchBands,
  type MatchDecision,
  MatchDecisions,
  MatchFieldSchema,
  MatchKinds,
  MatchStatuses,
} from '../../domain/match.ts';
import { type PersonView, PersonViewSchema, projectPerson } from '../../domain/person-view.ts';
import { type DuplicatePair, explain, type MatchCandidate, type MatchRecord } from '../../matching/engine.ts';

type Tx = Transaction<DB>;

/** A person in the queue: never restricted fields (those are read one person at a time, audited). */
export const QueuePersonSchema = PersonViewSchema.omit({
  contacts: true,
  health: true,
  marks: true,
  photos: true,
});

/** A counterpart list row as received. */
export const ListSubjectSchema = z.object({
  listId: z.string(),
  names: z.array(
    z.object({
      family: z.string().nullable().optional(),
      given: z.string().nullable().optional(),
      patronymic: z.string().nullable().optional(),
    }),
  ),
  birthDate: z.string().nullable().optional(),
  birthPlace: z.string().nullable().optional(),
  unit: z.string().nullable().optional(),
  serviceNumber: z.string().nullable().optional(),
});
export type ListSubject = z.infer<typeof ListSubjectSchema>;

export const MatchCandidateViewSchema = z.object({
  id: z.string(),
  kind: z.enum(MatchKinds),
  status: z.enum(MatchStatuses),
  score: z.number(),
  band: z.enum(MatchBands),
  explanation: z.string(),
  fields: z.array(MatchFieldSchema),
  /** The registry person (for a duplicate: the first of the two). */
  person: QueuePersonSchema.nullable(),
  /** The other registry person of a duplicate pair. */
  otherPerson: QueuePersonSchema.nullable(),
  /** The counterpart's list row of a list candidate. */
  subject: ListSubjectSchema.nullable(),
  /** Where the list came from: the file's SHA-256. */
  source: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  note: z.string().nullable(),
});
export type MatchCandidateView = z.infer<typeof MatchCandidateViewSchema>;

export const MatchDecisionInputSchema = z.object({
  decision: z.enum(MatchDecisions),
  note: z.string().trim().max(2000).optional(),
});
export type MatchDecisionInput = z.infer<typeof MatchDecisionInputSchema>;

const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

async function views(tx: Tx, ctx: RequestContext, rows: MatchCandidateRow[]): Promise<MatchCandidateView[]> {
  const ids = [...new Set(rows.flatMap((r) => [r.person_id, r.other_person_id ?? []].flat()))];
  const persons = new Map<string, PersonView>();
  for (const record of await loadPersons(tx, ctx, ids)) {
    const v = projectPerson(ctx, record);
    delete v.contacts;
    delete v.health;
    delete v.marks;
    delete v.photos;
    persons.set(record.id, v);
  }
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    score: r.score,
    band: r.band,
    explanation: r.explanation,
    fields: r.fields as MatchCandidateView['fields'],
    person: persons.get(r.person_id) ?? null,
    otherPerson: r.other_person_id ? (persons.get(r.other_person_id) ?? null) : null,
    subject: (r.subject as ListSubject | null) ?? null,
    source: r.source,
    createdAt: iso(r.created_at)!,
    createdBy: r.created_by,
    decidedAt: iso(r.decided_at),
    decidedBy: r.decided_by,
    note: r.decision_note,
  }));
}

/** The review queue (best score first), each pair side by side with its explanation. */
export async function listMatchQueue(
  ctx: RequestContext,
  tx: Tx,
  filter: MatchQueueFilter,
): Promise<{ items: MatchCandidateView[]; hasMore: boolean }> {
  requirePermission(ctx, 'match:review');
  const rows = await listMatchCandidates(tx, ctx, filter);
  const hasMore = rows.length > filter.limit;
  return { items: await views(tx, ctx, rows.slice(0, filter.limit)), hasMore };
}

/**
 * Decide a candidate: confirm ("the same person") or reject. Final: a second decision is a
 * CONFLICT. Audited in the same transaction, on the candidate and on each person concerned. Nothing
 * is merged.
 */
export async function decideMatch(
  ctx: RequestContext,
  tx: Tx,
  id: string,
  input: MatchDecisionInput,
): Promise<MatchCandidateView> {
  requirePermission(ctx, 'match:review');
  const row = await lockMatchCandidate(tx, ctx, id);
  if (!row) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such match candidate');
  const status = decide(row.status, input.decision as MatchDecision) as 'confirmed' | 'rejected';
  const decided = await recordMatchDecision(tx, ctx, row.id, status, input.note || null);
  const personIds = [row.person_id, ...(row.other_person_id ? [row.other_person_id] : [])];
  // Field names and ids only: the note may hold personal data and stays in the queue.
  const detail = {
    kind: row.kind,
    decision: status,
    band: row.band,
    score: row.score,
    note: Boolean(input.note),
  };
  await writeAudit(tx, ctx, [
    { action: 'match.decided', entityType: 'match', entityId: row.id, detail: { ...detail, personIds } },
    ...personIds.map((pid) => ({
      action: 'match.decided' as const,
      entityType: 'person' as const,
      entityId: pid,
      detail: { ...detail, matchCandidate: row.id },
    })),
  ]);
  return (await views(tx, ctx, [decided]))[0]!;
}

/** Duplicate pairs from the engine as queue entries (each pair once, ids in order). */
export function duplicateCandidates(pairs: Iterable<DuplicatePair>): NewMatchCandidate[] {
  const out: NewMatchCandidate[] = [];
  for (const p of pairs) {
    if (!p.band) continue;
    const [a, b] = p.aId < p.bId ? [p.aId, p.bId] : [p.bId, p.aId];
    out.push({
      kind: 'duplicate',
      pairKey: `duplicate:${a}:${b}`,
      personId: a,
      otherPersonId: b,
      score: p.score,
      band: p.band,
      explanation: explain(p.fields),
      fields: p.fields,
    });
  }
  return out;
}

/** A counterpart list row's candidates as queue entries; `source` is the list file's SHA-256. */
export function listCandidates(
  row: MatchRecord & { birthDateAsWritten?: string },
  candidates: readonly MatchCandidate[],
  source: string,
): NewMatchCandidate[] {
  const subject: ListSubject = {
    listId: row.id,
    names: row.names.map((n) => ({
      family: n.family ?? null,
      given: n.given ?? null,
      patronymic: n.patronymic ?? null,
    })),
    birthDate: row.birthDateAsWritten ?? row.birthDate ?? null,
    birthPlace: row.birthPlace ?? null,
    unit: row.unit ?? null,
    serviceNumber: row.serviceNumber ?? null,
  };
  return candidates.flatMap((c) =>
    c.band
      ? [
          {
            kind: 'list' as const,
            pairKey: `list:${source}:${row.id}:${c.id}`,
            personId: c.id,
            subject,
            source,
            score: c.score,
            band: c.band,
            explanation: explain(c.fields),
            fields: c.fields,
          },
        ]
      : [],
  );
}

/** Put candidates in the review queue (pending); already proposed pairs are skipped. Audited. */
export async function recordMatchCandidates(
  ctx: RequestContext,
  tx: Tx,
  candidates: readonly NewMatchCandidate[],
  what: { kind: 'duplicate' | 'list'; source?: string | undefined },
): Promise<{ added: number; skipped: number }> {
  requirePermission(ctx, 'match:review');
  const added = await insertMatchCandidates(tx, ctx, candidates);
  await writeAudit(tx, ctx, [
    {
      action: 'match.candidates_recorded',
      entityType: 'registry',
      entityId: null,
      detail: { kind: what.kind, source: what.source ?? null, proposed: candidates.length, added },
    },
  ]);
  return { added, skipped: candidates.length - added };
}
