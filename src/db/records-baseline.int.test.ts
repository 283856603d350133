/**
 * An upgraded node: rows written before record commitments existed (migration 014) get theirs from
 * the baseline at the first start, so the node audits OK, and a tamper after it is still named.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStatusEvent } from '../app/registry/record-status-event.ts';
import { registerPerson } from '../app/registry/register-person.ts';
import { updatePerson } from '../app/registry/update-person.ts';
import type { PersonInput } from '../domain/person.ts';
import { auditStoredLog } from './ledger-audit.ts';
import type { Database } from './open.ts';
import { baselineRecords } from './records-baseline.ts';
import { openTestDatabase, testContext } from './testing.ts';

let db: Database;
const ctx = testContext(['coordinator']);
const persons: string[] = [];

const person = (family: string): PersonInput => ({
  names: [{ script: 'Latn', lang: 'en', family, given: 'Synthetic' }],
  sex: 'female',
  birth: { date: '1991-06-03', precision: 'day' },
  category: 'detained_civilian',
  externalRefs: [],
});

const LOG_TABLES = ['record_commitments', 'log_checkpoints', 'log_nodes', 'log_entries', 'log_head'] as const;

beforeAll(async () => {
  db = await openTestDatabase();
  for (const family of ['Oldnode', 'Beforeupgrade', 'Legacyson']) {
    const p = await db.transaction((tx) => registerPerson(ctx, tx, person(family)));
    persons.push(p.id);
  }
  await db.transaction((tx) => updatePerson(ctx, tx, persons[0]!, person('Oldnodes'), 1));
  for (const id of persons)
    await db.transaction((tx) =>
      recordStatusEvent(ctx, tx, id, {
        dimension: 'fate',
        value: 'capture_reported',
        occurredAt: '2025-02-01T00:00:00.000Z',
        sourceType: 'family_report',
        verification: 'claim',
      }),
    );
  // Make it the node a version before migration 014 left: the same rows, no record commitments, and
  // (persons and status events were not logged then) an empty log.
  await db.transaction(async (tx) => {
    for (const t of LOG_TABLES) await sql`ALTER TABLE ${sql.table(t)} DISABLE TRIGGER USER`.execute(tx);
    for (const t of LOG_TABLES.slice(0, 4)) await sql`DELETE FROM ${sql.table(t)}`.execute(tx);
    await sql`UPDATE log_head SET size = 0, frontier = '\\x'::bytea WHERE id = 1`.execute(tx);
    for (const t of LOG_TABLES) await sql`ALTER TABLE ${sql.table(t)} ENABLE TRIGGER USER`.execute(tx);
  });
});
afterAll(async () => {
  await db?.close();
});

describe('the records baseline of an upgraded node', () => {
  it('commits every existing row once, in chunks, audited as the node; the node then audits OK', async () => {
    const before = await auditStoredLog(db.db, { workers: 0 });
    expect(before.ok).toBe(false);
    const text = before.problems.map((p) => p.message).join('\n');
    for (const id of persons) expect(text).toContain(`persons ${id}: inserted`);

    const result = await baselineRecords(db, { chunk: 4 });
    // 3 persons, 3 status events and their audit rows (3 created, 1 updated, 3 status recorded).
    expect(result.records).toBe(13);
    expect(result.entries).toEqual([0, 1, 2, 3]);
    const audit = await db.db
      .selectFrom('audit_events')
      .select(['actor_name', 'detail'])
      .where('action', '=', 'records.baseline')
      .execute();
    expect(audit).toEqual([
      {
        actor_name: 'node:test-node.example/commit-baseline',
        detail: { records: 13, entries: [0, 1, 2, 3] },
      },
    ]);

    const after = await auditStoredLog(db.db, { workers: 0 });
    expect(after.problems).toEqual([]);
    expect(after).toMatchObject({ ok: true, size: 5, records: 14 });

    // Never again: the second start finds commitments and leaves the log alone.
    expect(await baselineRecords(db)).toEqual({ records: 0, entries: [] });
    expect((await auditStoredLog(db.db, { workers: 0 })).size).toBe(5);
  });

  it('a row changed after the baseline is named', async () => {
    class Rollback extends Error {}
    let text = '';
    await db.db
      .transaction()
      .execute(async (tx) => {
        await sql`ALTER TABLE persons DISABLE TRIGGER USER`.execute(tx);
        await sql`UPDATE persons SET sex = 'male' WHERE id = ${persons[1]!}`.execute(tx);
        const r = await auditStoredLog(tx, { workers: 0 });
        expect(r.ok).toBe(false);
        text = r.problems.map((p) => p.message).join('\n');
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    expect(text).toContain(`persons ${persons[1]!}: changed`);
  });

  it('a baseline cannot be replayed to launder rows: without every commitment the old entries are reported', async () => {
    class Rollback extends Error {}
    let text = '';
    await db.db
      .transaction()
      .execute(async (tx) => {
        await sql`ALTER TABLE record_commitments DISABLE TRIGGER USER`.execute(tx);
        await sql`DELETE FROM record_commitments`.execute(tx);
        await sql`ALTER TABLE record_commitments ENABLE TRIGGER USER`.execute(tx);
        const again = await baselineRecords({ db: tx, transaction: (fn) => fn(tx) });
        expect(again.records).toBe(14);
        const r = await auditStoredLog(tx, { workers: 0 });
        text = r.problems.map((p) => p.message).join('\n');
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    expect(text).toMatch(/entry 0: a records entry whose record commitments were removed/);
  });
});
