import { type Kysely, sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPerson } from '../app/registry/get-person.ts';
import { recordStatusEvent } from '../app/registry/record-status-event.ts';
import { registerPerson } from '../app/registry/register-person.ts';
import type { RequestContext } from '../domain/access.ts';
import type { PersonInput } from '../domain/person.ts';
import { decodeLogEntry } from '../ledger/entry.ts';
import { writeAudit } from './audit.ts';
import { latestCheckpoint, readEntries } from './ledger.ts';
import type { Database } from './open.ts';
import type { DB } from './schema.ts';
import { openTestDatabase, testContext } from './testing.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const person = (ref: string): PersonInput => ({
  names: [{ script: 'Cyrl', lang: 'uk', family: 'Бондаренко', given: 'Ірина' }],
  sex: 'female',
  birth: { date: '1991-07-04', precision: 'day' },
  category: 'civilian_internee',
  externalRefs: [{ system: 'ref', value: ref }],
  contacts: [{ name: 'Бондаренко Петро (synthetic)', phone: '+380 00 000 0042' }],
});

async function count(
  db: Kysely<DB> | Transaction<DB>,
  table: 'audit_events' | 'status_events' | 'persons',
  orgId: string,
) {
  const r = await db
    .selectFrom(table)
    .select(db.fn.countAll<string>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Runs raw SQL outside any transaction and returns the error it fails with, if any. */
async function refusal(
  statement: ReturnType<typeof sql>,
): Promise<{ message: string; code?: string } | undefined> {
  try {
    await statement.execute(database.db);
    return undefined;
  } catch (e) {
    return e as { message: string; code?: string };
  }
}

/** A person with one audited status event, owned by a fresh organisation. */
async function seeded(): Promise<{ ctx: RequestContext; personId: string; eventId: string }> {
  const ctx = testContext(['coordinator']);
  const p = await database.transaction((tx) => registerPerson(ctx, tx, person(`A-${ctx.orgId}`)));
  const e = await database.transaction((tx) =>
    recordStatusEvent(ctx, tx, p.id, {
      dimension: 'fate',
      value: 'missing',
      occurredAt: '2024-02-01',
      sourceType: 'family_report',
      verification: 'claim',
    }),
  );
  return { ctx, personId: p.id, eventId: e.id };
}

describe('history is append-only in the database itself', () => {
  it('INSERT into the audit trail works', async () => {
    const ctx = testContext(['coordinator']);
    await database.transaction((tx) =>
      writeAudit(tx, ctx, [
        { action: 'node.initialised', entityType: 'node', entityId: null },
        { action: 'user.created', entityType: 'user', entityId: 'u-1', detail: { roles: ['admin'] } },
      ]),
    );
    await sql`INSERT INTO audit_events (org_id, actor_name, action, entity_type) VALUES (${ctx.orgId}, 'raw', 'x', 'node')`.execute(
      database.db,
    );
    expect(await count(database.db, 'audit_events', ctx.orgId)).toBe(3);
  });

  it('UPDATE, DELETE and TRUNCATE of audit_events are refused, even as raw SQL', async () => {
    const { ctx } = await seeded();
    const before = await database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('org_id', '=', ctx.orgId)
      .orderBy('id')
      .execute();
    expect(before.map((r) => r.action)).toEqual(['person.created', 'status.recorded']);
    const attempts = [
      sql`UPDATE audit_events SET actor_name = 'someone else' WHERE org_id = ${ctx.orgId}`,
      sql`UPDATE audit_events SET detail = '{}'::jsonb`,
      sql`DELETE FROM audit_events WHERE org_id = ${ctx.orgId}`,
      sql`DELETE FROM audit_events`,
      sql`TRUNCATE audit_events`,
      sql`TRUNCATE audit_events, status_events, external_refs, person_names, persons CASCADE`,
    ];
    for (const statement of attempts) {
      const e = await refusal(statement);
      expect(e, statement.compile(database.db).sql).toBeDefined();
      expect(e?.message).toMatch(/append-only/);
      expect(e?.code).toBe('23000');
    }
    const after = await database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('org_id', '=', ctx.orgId)
      .orderBy('id')
      .execute();
    expect(after).toEqual(before);
  });

  it('UPDATE, DELETE and TRUNCATE of status_events are refused, even as raw SQL', async () => {
    const { ctx, personId, eventId } = await seeded();
    const attempts = [
      sql`UPDATE status_events SET value = 'deceased' WHERE id = ${eventId}`,
      sql`UPDATE status_events SET occurred_at = now() WHERE person_id = ${personId}`,
      sql`DELETE FROM status_events WHERE id = ${eventId}`,
      sql`TRUNCATE status_events`,
      // Truncating the persons cascades to their histories, which the trigger refuses too.
      sql`TRUNCATE persons CASCADE`,
    ];
    for (const statement of attempts) {
      const e = await refusal(statement);
      expect(e, statement.compile(database.db).sql).toBeDefined();
      expect(e?.message).toMatch(/append-only/);
    }
    const rows = await database.db
      .selectFrom('status_events')
      .select(['id', 'value'])
      .where('org_id', '=', ctx.orgId)
      .execute();
    expect(rows).toEqual([{ id: eventId, value: 'missing' }]);
    expect(await count(database.db, 'persons', ctx.orgId)).toBe(1);
  });

  it('a refused rewrite inside a transaction aborts that transaction', async () => {
    const { ctx } = await seeded();
    await expect(
      database.transaction(async (tx) => {
        await writeAudit(tx, ctx, [{ action: 'user.disabled', entityType: 'user', entityId: 'u-2' }]);
        await sql`DELETE FROM audit_events WHERE org_id = ${ctx.orgId}`.execute(tx);
      }),
    ).rejects.toThrow(/append-only/);
    const actions = await database.db
      .selectFrom('audit_events')
      .select('action')
      .where('org_id', '=', ctx.orgId)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['person.created', 'status.recorded']);
  });
});

describe('the audit row is written in the same transaction as the change', () => {
  it('a committed change has exactly its audit row', async () => {
    const ctx = testContext(['coordinator']);
    const p = await database.transaction((tx) => registerPerson(ctx, tx, person('B-1')));
    const rows = await database.db
      .selectFrom('audit_events')
      .select(['action', 'entity_id', 'actor_name', 'detail'])
      .where('org_id', '=', ctx.orgId)
      .execute();
    expect(rows).toEqual([
      expect.objectContaining({ action: 'person.created', entity_id: p.id, actor_name: ctx.actorName }),
    ]);
    // The trail names fields, never their values.
    expect(JSON.stringify(rows)).not.toMatch(/Бондаренко|\+380/);
  });

  it('a use case whose transaction fails after writing leaves neither the change nor its audit row', async () => {
    const ctx = testContext(['coordinator']);
    await expect(
      database.transaction(async (tx) => {
        const p = await registerPerson(ctx, tx, person('C-1'));
        // Inside the transaction both are there...
        expect(await count(tx, 'persons', ctx.orgId)).toBe(1);
        expect(await count(tx, 'audit_events', ctx.orgId)).toBe(1);
        expect(p.id).toBeTruthy();
        throw new Error('the caller failed after the use case returned');
      }),
    ).rejects.toThrow('the caller failed');
    // ...and after the rollback neither is.
    expect(await count(database.db, 'persons', ctx.orgId)).toBe(0);
    expect(await count(database.db, 'audit_events', ctx.orgId)).toBe(0);
    const names = await database.db
      .selectFrom('person_names')
      .innerJoin('persons', 'persons.id', 'person_names.person_id')
      .select('person_names.id')
      .where('persons.org_id', '=', ctx.orgId)
      .execute();
    expect(names).toEqual([]);
  });

  it('a use case failing midway (duplicate reference after the person row) leaves no trace', async () => {
    const ctx = testContext(['coordinator']);
    await database.transaction((tx) => registerPerson(ctx, tx, person('D-1')));
    const audits = await count(database.db, 'audit_events', ctx.orgId);
    // insertPersons writes the person and the names, then the reference collides.
    await expect(database.transaction((tx) => registerPerson(ctx, tx, person('D-1')))).rejects.toMatchObject({
      code: 'DUPLICATE',
    });
    expect(await count(database.db, 'persons', ctx.orgId)).toBe(1);
    expect(await count(database.db, 'audit_events', ctx.orgId)).toBe(audits);
  });

  it('a status event refused by the state machine leaves no event, no status change and no audit row', async () => {
    const { ctx, personId } = await seeded();
    const audits = await count(database.db, 'audit_events', ctx.orgId);
    await expect(
      database.transaction((tx) =>
        recordStatusEvent(ctx, tx, personId, {
          dimension: 'fate',
          value: 'handed_to_family',
          occurredAt: '2024-03-01',
          sourceType: 'official_document',
          verification: 'documentary',
        }),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN_TRANSITION' });
    expect(await count(database.db, 'status_events', ctx.orgId)).toBe(1);
    expect(await count(database.db, 'audit_events', ctx.orgId)).toBe(audits);
    const p = await database.transaction((tx) => getPerson(ctx, tx, personId));
    expect(p.status.fate).toBe('missing');
  });

  it('a read that shows restricted fields is audited by field name; one that does not show them is not', async () => {
    const { ctx, personId } = await seeded();
    const reads = () =>
      database.db
        .selectFrom('audit_events')
        .select('detail')
        .where('org_id', '=', ctx.orgId)
        .where('action', '=', 'person.restricted_read')
        .execute();
    const p = await database.transaction((tx) => getPerson(ctx, tx, personId));
    expect(p.contacts?.[0]?.phone).toBe('+380 00 000 0042');
    expect(await reads()).toEqual([{ detail: { fields: ['contacts'] } }]);
    // A role that may not see contacts reads the person without an audited restricted read.
    await database.transaction((tx) => getPerson({ ...ctx, roles: ['auditor'] }, tx, personId));
    expect(await reads()).toHaveLength(1);
  });
});

describe('a transaction commits its records and audit rows to the log in one entry', () => {
  const logSize = async () => (await latestCheckpoint(database.db))?.size ?? 0;
  const committed = (db: Kysely<DB> | Transaction<DB>, from: number) =>
    db
      .selectFrom('record_commitments')
      .select(['log_idx', 'table_name', 'row_id'])
      .where('log_idx', '>=', String(from))
      .orderBy('log_idx')
      .orderBy('seq')
      .execute();

  it('the change and its audit row make one `records` entry, appended just before the commit', async () => {
    const ctx = testContext(['coordinator']);
    const before = await logSize();
    const p = await database.transaction(async (tx) => {
      const r = await registerPerson(ctx, tx, person(`D-${ctx.orgId}`));
      // Noted, not yet committed: the commitments are written when the transaction is about to commit.
      expect(await committed(tx, before)).toEqual([]);
      return r;
    });
    const after = await logSize();
    const kinds = (await readEntries(database.db, before, after)).map((e) => decodeLogEntry(e).kind);
    expect(kinds.filter((k) => k === 'records')).toHaveLength(1);
    expect(kinds.at(-1)).toBe('records');
    const rows = await committed(database.db, before);
    expect(new Set(rows.map((r) => Number(r.log_idx)))).toEqual(new Set([after - 1]));
    expect(rows.filter((r) => r.table_name === 'persons').map((r) => r.row_id)).toEqual([p.id]);
    expect(rows.filter((r) => r.table_name === 'audit_events')).toHaveLength(1);
  });

  it('a transaction that fails after writing leaves no `records` entry and no commitment', async () => {
    const ctx = testContext(['coordinator']);
    const before = await logSize();
    await expect(
      database.transaction(async (tx) => {
        await registerPerson(ctx, tx, person(`E-${ctx.orgId}`));
        throw new Error('the caller failed after the use case returned');
      }),
    ).rejects.toThrow('the caller failed');
    expect(await logSize()).toBe(before);
    expect(await committed(database.db, before)).toEqual([]);
  });

  it('in a transaction not opened by Database.transaction, the records are committed at once', async () => {
    const ctx = testContext(['coordinator']);
    const before = await logSize();
    await database.db.transaction().execute(async (tx) => {
      await writeAudit(tx, ctx, [{ action: 'node.initialised', entityType: 'node', entityId: null }]);
      expect((await committed(tx, before)).map((r) => r.table_name)).toEqual(['audit_events']);
    });
    expect(await logSize()).toBe(before + 1);
  });
});
