import { type Selectable, sql, type Transaction } from 'kysely';
import type { RequestContext } from '../domain/access.ts';
import { DomainError, ErrorCodes } from '../domain/errors.ts';
import type { ExternalRef, PersonInputParsed, PersonName } from '../domain/person.ts';
import type { PersonRecord } from '../domain/person-view.ts';
import { currentStatus, type StatusEventFacts } from '../domain/status.ts';
import { commitRecords } from './records.ts';
import type { DB, PersonsTable } from './schema.ts';

type Tx = Transaction<DB>;

export interface StoredStatusEvent extends StatusEventFacts {
  personId: string;
  sourceRef: string | null;
  note: string | null;
  recordedBy: string | null;
}

/**
 * The search key of a name (src/matching/keys.ts `nameKey`), stored in `person_names.*_key` for the
 * prefix search. The use cases pass it in: the database layer does not depend on matching.
 */
export type NameKeyOf = (text: string) => string;

export interface NewPerson {
  id: string;
  input: PersonInputParsed;
  /** Already admitted through the transition table (admitStatusEvent). */
  events: StoredStatusEvent[];
}

export function displayNameOf(names: readonly Pick<PersonName, 'family' | 'given' | 'patronymic'>[]): string {
  const n = names[0];
  if (!n) return '';
  return [n.family, n.given, n.patronymic].filter(Boolean).join(' ');
}

function iso(d: Date | string): string {
  return new Date(d).toISOString();
}

const json = (v: unknown) => (v == null ? null : JSON.stringify(v));

/** Insert many persons with their names, references and histories in a handful of statements. */
export async function insertPersons(
  tx: Tx,
  ctx: RequestContext,
  persons: readonly NewPerson[],
  keyOf: NameKeyOf,
): Promise<void> {
  if (persons.length === 0) return;
  const p = persons.map(({ id, input, events }) => ({ id, input, status: currentStatus(events) }));
  await sql`
    INSERT INTO persons (id, org_id, sex, birth_date, birth_precision, birth_year, birth_place, citizenships, category,
      military_branch, military_unit, military_rank, service_number, contacts, health, marks, photos,
      fate_status, exchange_status, legal_status, display_name)
    SELECT id, ${ctx.orgId}, sex, bd, bp, by, bpl, string_to_array(cz, ','), cat, mb, mu, mr, sn,
      c::jsonb, h::jsonb, mk, ph::jsonb, fs, es, ls, dn
    FROM unnest(
      ${p.map((x) => x.id)}::uuid[], ${p.map((x) => x.input.sex)}::text[],
      ${p.map((x) => x.input.birth?.date ?? null)}::text[], ${p.map((x) => x.input.birth?.precision ?? null)}::text[],
      ${p.map((x) => (x.input.birth ? Number(x.input.birth.date.slice(0, 4)) : null))}::int[],
      ${p.map((x) => x.input.birthPlace ?? null)}::text[], ${p.map((x) => x.input.citizenships.join(','))}::text[],
      ${p.map((x) => x.input.category ?? null)}::text[],
      ${p.map((x) => x.input.military?.branch ?? null)}::text[], ${p.map((x) => x.input.military?.unit ?? null)}::text[],
      ${p.map((x) => x.input.military?.rank ?? null)}::text[],
      ${p.map((x) => x.input.military?.serviceNumber ?? null)}::text[],
      ${p.map((x) => json(x.input.contacts))}::text[], ${p.map((x) => json(x.input.health))}::text[],
      ${p.map((x) => x.input.marks ?? null)}::text[], ${p.map((x) => json(x.input.photos))}::text[],
      ${p.map((x) => x.status.fate)}::text[], ${p.map((x) => x.status.exchange)}::text[],
      ${p.map((x) => x.status.legal)}::text[], ${p.map((x) => displayNameOf(x.input.names))}::text[]
    ) AS x(id, sex, bd, bp, by, bpl, cz, cat, mb, mu, mr, sn, c, h, mk, ph, fs, es, ls, dn)
  `.execute(tx);
  await insertNames(
    tx,
    ctx,
    persons.flatMap((x) => namesOf(x.id, x.input)),
    keyOf,
  );
  await insertRefs(
    tx,
    ctx,
    persons.flatMap((x) => x.input.externalRefs.map((r) => ({ personId: x.id, ref: r }))),
  );
  const events = persons.flatMap((x) => x.events);
  await insertStatusEventRows(tx, ctx, events);
  // One log entry for the chunk: every person (names and references included) and every event.
  await commitRecords(tx, [
    ...persons.map((x) => ({ table: 'persons' as const, key: x.id })),
    ...events.map((e) => ({ table: 'status_events' as const, key: e.id })),
  ]);
}

interface NameRow {
  personId: string;
  ord: number;
  name: PersonName;
  displayName: string;
  birthYear: number | null;
}

/** A person's name rows, carrying the copies that name search reads (display name, birth year). */
function namesOf(personId: string, input: PersonInputParsed): NameRow[] {
  const displayName = displayNameOf(input.names);
  const birthYear = input.birth ? Number(input.birth.date.slice(0, 4)) : null;
  return input.names.map((name, ord) => ({ personId, ord, name, displayName, birthYear }));
}

async function insertNames(tx: Tx, ctx: RequestContext, rows: NameRow[], keyOf: NameKeyOf): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  await sql`
    INSERT INTO person_names (id, person_id, ord, script, lang, family, given, patronymic, raw, scheme, source,
      family_key, given_key, patronymic_key, org_id, display_name, birth_year)
    SELECT gen_random_uuid(), pid, ord, sc, lg, fa, gi, pa, rw, sm, so, fk, gk, pk, ${ctx.orgId}, dn, by
    FROM unnest(${col((r) => r.personId)}::uuid[], ${col((r) => r.ord)}::int[], ${col((r) => r.name.script)}::text[],
      ${col((r) => r.name.lang)}::text[], ${col((r) => r.name.family)}::text[], ${col((r) => r.name.given ?? null)}::text[],
      ${col((r) => r.name.patronymic ?? null)}::text[], ${col((r) => r.name.raw ?? null)}::text[],
      ${col((r) => r.name.scheme ?? null)}::text[], ${col((r) => r.name.source ?? null)}::text[],
      ${col((r) => keyOf(r.name.family))}::text[], ${col((r) => keyOf(r.name.given ?? ''))}::text[],
      ${col((r) => keyOf(r.name.patronymic ?? ''))}::text[], ${col((r) => r.displayName)}::text[],
      ${col((r) => r.birthYear)}::int[])
      AS x(pid, ord, sc, lg, fa, gi, pa, rw, sm, so, fk, gk, pk, dn, by)
  `.execute(tx);
}

async function insertRefs(
  tx: Tx,
  ctx: RequestContext,
  rows: { personId: string; ref: ExternalRef }[],
): Promise<void> {
  if (rows.length === 0) return;
  try {
    await sql`
      INSERT INTO external_refs (person_id, org_id, system, value)
      SELECT pid, ${ctx.orgId}, s, v
      FROM unnest(${rows.map((r) => r.personId)}::uuid[], ${rows.map((r) => r.ref.system)}::text[],
        ${rows.map((r) => r.ref.value)}::text[]) AS x(pid, s, v)
    `.execute(tx);
  } catch (e) {
    if ((e as { code?: string }).code === '23505')
      throw new DomainError(ErrorCodes.DUPLICATE, 'an external reference is already used by another person');
    throw e;
  }
}

/** Insert status events and commit them to the log (src/db/records.ts). */
export async function insertStatusEvents(
  tx: Tx,
  ctx: RequestContext,
  events: readonly StoredStatusEvent[],
): Promise<void> {
  await insertStatusEventRows(tx, ctx, events);
  await commitRecords(
    tx,
    events.map((e) => ({ table: 'status_events', key: e.id })),
  );
}

async function insertStatusEventRows(
  tx: Tx,
  ctx: RequestContext,
  events: readonly StoredStatusEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const col = <T>(f: (r: StoredStatusEvent) => T) => events.map(f);
  await sql`
    INSERT INTO status_events (id, person_id, org_id, dimension, value, occurred_at, recorded_at, source_type,
      source_ref, verification, note, supersedes, recorded_by)
    SELECT id, pid, ${ctx.orgId}, dim, val, oa, ra, st, sr, ver, nt, sup, rb
    FROM unnest(${col((e) => e.id)}::uuid[], ${col((e) => e.personId)}::uuid[], ${col((e) => e.dimension)}::text[],
      ${col((e) => e.value)}::text[], ${col((e) => e.occurredAt)}::timestamptz[], ${col((e) => e.recordedAt)}::timestamptz[],
      ${col((e) => e.sourceType)}::text[], ${col((e) => e.sourceRef)}::text[], ${col((e) => e.verification)}::text[],
      ${col((e) => e.note)}::text[], ${col((e) => e.supersedes ?? null)}::uuid[], ${col((e) => e.recordedBy)}::text[])
      AS x(id, pid, dim, val, oa, ra, st, sr, ver, nt, sup, rb)
  `.execute(tx);
}

/** Replace a person's editable fields; names are replaced as a whole, references too. */
export async function updatePersonRow(
  tx: Tx,
  ctx: RequestContext,
  id: string,
  input: PersonInputParsed,
  restrictedWritable: ReadonlySet<string>,
  keyOf: NameKeyOf,
): Promise<void> {
  const restricted: Record<string, unknown> = {};
  if (restrictedWritable.has('contacts')) restricted.contacts = json(input.contacts);
  if (restrictedWritable.has('health')) restricted.health = json(input.health);
  if (restrictedWritable.has('marks')) restricted.marks = input.marks ?? null;
  if (restrictedWritable.has('photos')) restricted.photos = json(input.photos);
  await tx
    .updateTable('persons')
    .set({
      sex: input.sex,
      birth_date: input.birth?.date ?? null,
      birth_precision: input.birth?.precision ?? null,
      birth_year: input.birth ? Number(input.birth.date.slice(0, 4)) : null,
      birth_place: input.birthPlace ?? null,
      citizenships: input.citizenships,
      category: input.category ?? null,
      military_branch: input.military?.branch ?? null,
      military_unit: input.military?.unit ?? null,
      military_rank: input.military?.rank ?? null,
      service_number: input.military?.serviceNumber ?? null,
      display_name: displayNameOf(input.names),
      version: sql`version + 1`,
      updated_at: sql`now()`,
      ...restricted,
    })
    .where('id', '=', id)
    .where('org_id', '=', ctx.orgId)
    .execute();
  await tx.deleteFrom('person_names').where('person_id', '=', id).execute();
  // Names are rewritten on every edit, which also keeps their copies of display name and birth year current.
  await insertNames(tx, ctx, namesOf(id, input), keyOf);
  await tx.deleteFrom('external_refs').where('person_id', '=', id).where('org_id', '=', ctx.orgId).execute();
  await insertRefs(
    tx,
    ctx,
    input.externalRefs.map((ref) => ({ personId: id, ref })),
  );
  // Every version of a person is committed, names and references included.
  await commitRecords(tx, [{ table: 'persons', key: id }]);
}

export async function setDerivedStatus(
  tx: Tx,
  id: string,
  status: Record<'fate' | 'exchange' | 'legal', string>,
) {
  await tx
    .updateTable('persons')
    .set({ fate_status: status.fate, exchange_status: status.exchange, legal_status: status.legal })
    .where('id', '=', id)
    .execute();
}

/** Lock a person row for the rest of the transaction (serialises status appends and edits). */
export async function lockPerson(
  tx: Tx,
  ctx: RequestContext,
  id: string,
): Promise<Selectable<PersonsTable> | undefined> {
  if (!isUuid(id)) return undefined;
  return tx
    .selectFrom('persons')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', ctx.orgId)
    .forUpdate()
    .executeTakeFirst();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID_RE.test(s);

/** Load full records; ids of other organisations are silently absent (they answer "not found"). */
export async function loadPersons(
  tx: Tx,
  ctx: RequestContext,
  ids: readonly string[],
): Promise<PersonRecord[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  const [rows, names, refs] = await Promise.all([
    tx.selectFrom('persons').selectAll().where('org_id', '=', ctx.orgId).where('id', 'in', valid).execute(),
    tx.selectFrom('person_names').selectAll().where('person_id', 'in', valid).orderBy('ord').execute(),
    tx
      .selectFrom('external_refs')
      .select(['person_id', 'system', 'value'])
      .where('org_id', '=', ctx.orgId)
      .where('person_id', 'in', valid)
      .orderBy('system')
      .orderBy('value')
      .execute(),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return valid.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    return [
      {
        id: r.id,
        names: names
          .filter((n) => n.person_id === id)
          .map((n) => ({
            script: n.script as PersonName['script'],
            lang: n.lang,
            family: n.family,
            given: n.given,
            patronymic: n.patronymic,
            raw: n.raw,
            scheme: n.scheme,
            source: n.source,
          })),
        displayName: r.display_name,
        birth:
          r.birth_date && r.birth_precision ? { date: r.birth_date, precision: r.birth_precision } : null,
        category: r.category,
        status: { fate: r.fate_status, exchange: r.exchange_status, legal: r.legal_status },
        version: r.version,
        createdAt: iso(r.created_at),
        updatedAt: iso(r.updated_at),
        sex: r.sex,
        birthPlace: r.birth_place,
        citizenships: r.citizenships,
        military:
          r.military_branch || r.military_unit || r.military_rank || r.service_number
            ? {
                branch: r.military_branch,
                unit: r.military_unit,
                rank: r.military_rank,
                serviceNumber: r.service_number,
              }
            : null,
        externalRefs: refs
          .filter((x) => x.person_id === id)
          .map((x) => ({ system: x.system, value: x.value })),
        contacts: r.contacts as PersonRecord['contacts'],
        health: r.health as PersonRecord['health'],
        marks: r.marks,
        photos: r.photos as PersonRecord['photos'],
      } as PersonRecord,
    ];
  });
}

export async function loadStatusEvents(
  tx: Tx,
  ctx: RequestContext,
  personId: string,
): Promise<StoredStatusEvent[]> {
  const rows = await tx
    .selectFrom('status_events')
    .selectAll()
    .where('person_id', '=', personId)
    .where('org_id', '=', ctx.orgId)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    dimension: r.dimension as StoredStatusEvent['dimension'],
    value: r.value,
    occurredAt: iso(r.occurred_at),
    recordedAt: iso(r.recorded_at),
    sourceType: r.source_type as StoredStatusEvent['sourceType'],
    sourceRef: r.source_ref,
    verification: r.verification as StoredStatusEvent['verification'],
    note: r.note,
    supersedes: r.supersedes,
    recordedBy: r.recorded_by,
  }));
}

export interface PersonFilter {
  q?: string | undefined;
  birthYear?: number | undefined;
  category?: string | undefined;
  fateStatus?: string | undefined;
  limit: number;
  offset: number;
}

const likePrefix = (t: string) => `${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Simple registry search: every query token must prefix-match the family, given or patronymic key of
 * one of the person's names, in any script. The longest token drives an index range scan on the
 * family or the given key. Returns ids in display order; one more than `limit` tells the caller
 * there are more.
 */
export async function searchPersonIds(
  tx: Tx,
  ctx: RequestContext,
  f: PersonFilter,
  /** `f.q` as search keys (`queryTokens` in src/app/registry/search-persons.ts). */
  tokens: readonly string[],
): Promise<string[]> {
  if (f.q && tokens.length === 0) return [];
  if (tokens.length > 0 && !f.category && !f.fateStatus) return searchByNameOnly(tx, ctx, tokens, f);
  let query = tx.selectFrom('persons as p').select('p.id').where('p.org_id', '=', ctx.orgId);
  if (f.birthYear !== undefined) query = query.where('p.birth_year', '=', f.birthYear);
  if (f.category) query = query.where('p.category', '=', f.category);
  if (f.fateStatus) query = query.where('p.fate_status', '=', f.fateStatus);
  if (tokens.length > 0) {
    query = query.where('p.id', 'in', (eb) => {
      const [driver, ...rest] = byLength(tokens);
      let sub = eb
        .selectFrom('person_names as n')
        .select('n.person_id')
        .where('n.org_id', '=', ctx.orgId)
        .where((w) =>
          w.or([
            w('n.family_key', 'like', likePrefix(driver!)),
            w('n.given_key', 'like', likePrefix(driver!)),
          ]),
        );
      for (const t of rest) sub = sub.where((w) => anyNameKey(w, t));
      return sub;
    });
    query = query.orderBy('p.display_name').orderBy('p.id');
  } else {
    query = query.orderBy('p.created_at', 'desc').orderBy('p.id');
  }
  const rows = await query
    .limit(f.limit + 1)
    .offset(f.offset)
    .execute();
  return rows.map((r) => r.id);
}

const byLength = (tokens: readonly string[]) => [...tokens].sort((a, b) => b.length - a.length);

// biome-ignore lint/suspicious/noExplicitAny: Kysely's expression builder for person_names
const anyNameKey = (w: any, t: string) =>
  w.or([
    w('n.family_key', 'like', likePrefix(t)),
    w('n.given_key', 'like', likePrefix(t)),
    w('n.patronymic_key', 'like', likePrefix(t)),
  ]);

/**
 * Name (and birth year) only: answered from the covering indexes on person_names without touching
 * persons — one branch per indexed key, so each is a plain index range scan.
 */
async function searchByNameOnly(
  tx: Tx,
  ctx: RequestContext,
  tokens: readonly string[],
  f: PersonFilter,
): Promise<string[]> {
  const [driver, ...rest] = byLength(tokens);
  const branch = (key: 'n.family_key' | 'n.given_key') => {
    let q = tx
      .selectFrom('person_names as n')
      .select(['n.person_id', 'n.display_name'])
      .where('n.org_id', '=', ctx.orgId)
      .where(key, 'like', likePrefix(driver!));
    if (f.birthYear !== undefined) q = q.where('n.birth_year', '=', f.birthYear);
    for (const t of rest) q = q.where((w) => anyNameKey(w, t));
    return q;
  };
  const rows = await tx
    .selectFrom(branch('n.family_key').union(branch('n.given_key')).as('m'))
    .select('m.person_id')
    .orderBy('m.display_name')
    .orderBy('m.person_id')
    .limit(f.limit + 1)
    .offset(f.offset)
    .execute();
  return rows.map((r) => r.person_id);
}

/** Persons already holding these external references: ref value → person id. */
export async function findByRefs(
  tx: Tx,
  ctx: RequestContext,
  system: string,
  values: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < values.length; i += 5000) {
    const chunk = values.slice(i, i + 5000);
    const rows = await tx
      .selectFrom('external_refs')
      .select(['value', 'person_id'])
      .where('org_id', '=', ctx.orgId)
      .where('system', '=', system)
      .where('value', 'in', chunk)
      .execute();
    for (const r of rows) out.set(r.value, r.person_id);
  }
  return out;
}
