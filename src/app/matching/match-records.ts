import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../domain/access.ts';
import type { MatchRecord } from '../../matching/engine.ts';

type Handle = Transaction<DB> | Kysely<DB>;

/** A registry person as the matching engine reads it; `id` is the person's id. */
export type RegistryMatchRecord = MatchRecord;

interface Row {
  id: string;
  birth_date: string | null;
  birth_precision: string | null;
  birth_place: string | null;
  military_unit: string | null;
  service_number: string | null;
  names: { f: string; g: string | null; p: string | null }[];
}

/** A birth date as the engine reads it: only as precise as it is known (approximate: the year). */
function birthDateOf(date: string | null, precision: string | null): string | null {
  if (!date) return null;
  if (precision === 'day') return date;
  if (precision === 'month') return date.slice(0, 7);
  return date.slice(0, 4);
}

function toRecord(r: Row): RegistryMatchRecord {
  return {
    id: r.id,
    names: r.names.map((n) => ({ family: n.f, given: n.g, patronymic: n.p })),
    birthDate: birthDateOf(r.birth_date, r.birth_precision),
    birthPlace: r.birth_place,
    unit: r.military_unit,
    serviceNumber: r.service_number,
  };
}

const selectRecords = (org: string) => sql`
  SELECT p.id, p.birth_date, p.birth_precision, p.birth_place, p.military_unit, p.service_number,
    COALESCE((SELECT json_agg(json_build_object('f', n.family, 'g', n.given, 'p', n.patronymic) ORDER BY n.ord)
      FROM person_names n WHERE n.person_id = p.id), '[]'::json) AS names
  FROM persons p WHERE p.org_id = ${org}`;

/**
 * Every person of the caller's organisation as match records, in pages by id (keyset), so a
 * million persons never sit in one result set.
 */
export async function* readMatchRecords(
  db: Handle,
  ctx: Pick<RequestContext, 'orgId'>,
  pageSize = 20_000,
): AsyncGenerator<RegistryMatchRecord[], void, undefined> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<Row>`${selectRecords(ctx.orgId)} AND p.id > ${after}::uuid
      ORDER BY p.id LIMIT ${pageSize}`.execute(db);
    if (rows.length === 0) return;
    yield rows.map(toRecord);
    after = rows[rows.length - 1]!.id;
    if (rows.length < pageSize) return;
  }
}

/** These persons of the caller's organisation as match records (others' ids are absent). */
export async function loadMatchRecords(
  db: Handle,
  ctx: Pick<RequestContext, 'orgId'>,
  ids: readonly string[],
): Promise<RegistryMatchRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<Row>`${selectRecords(ctx.orgId)} AND p.id = ANY(${ids}::uuid[])
    ORDER BY p.id`.execute(db);
  return rows.map(toRecord);
}

/**
 * The oldest transaction still running in this snapshot: every change made by a transaction below
 * it is visible now; anything else has a `match_txid` at or above it.
 */
export async function snapshotHorizon(db: Handle): Promise<bigint> {
  const { rows } = await sql<{ h: string }>`
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS h`.execute(db);
  return BigInt(rows[0]!.h);
}

/** Whether this transaction has written anything (its own changes are not yet anyone else's). */
export async function hasOwnWrites(db: Handle): Promise<boolean> {
  const { rows } = await sql<{ x: string | null }>`
    SELECT pg_current_xact_id_if_assigned()::text AS x`.execute(db);
  return rows[0]?.x != null;
}

/** Persons changed (for matching) by transactions at or after `horizon`: id → that transaction. */
export async function changedSince(
  db: Handle,
  ctx: Pick<RequestContext, 'orgId'>,
  horizon: bigint,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('persons')
    .select(['id', 'match_txid'])
    .where('org_id', '=', ctx.orgId)
    .where('match_txid', '>=', sql<string>`${horizon.toString()}::bigint`)
    .orderBy('id')
    .execute();
  return new Map(rows.map((r) => [r.id, String(r.match_txid)]));
}

/** How many persons the organisation has. */
export async function countPersons(db: Handle, ctx: Pick<RequestContext, 'orgId'>): Promise<number> {
  const r = await db
    .selectFrom('persons')
    .select(sql<string>`count(*)`.as('n'))
    .where('org_id', '=', ctx.orgId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
