/**
 * The tampering suite: an attacker with database access lifts the append-only triggers and rewrites
 * records with SQL; `log audit` must fail and name what was altered (table and id), and an exchange
 * whose stored events were altered answers an integrity error, never a crash. Each act runs in a
 * transaction that is rolled back after the audit, so every test starts from the same honest node,
 * written through the use cases (persons, an edit, status events, an exchange with a handover).
 */
import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStoredLog, type LogAuditReport } from '../../db/ledger-audit.ts';
import type { Database } from '../../db/open.ts';
import type { DB } from '../../db/schema.ts';
import { openTestDatabase, testContext } from '../../db/testing.ts';
import { DomainError } from '../../domain/errors.ts';
import { ManifestSchema, manifestHash } from '../../domain/exchange/handover.ts';
import type { ExchangeEvent } from '../../domain/exchange/operation.ts';
import { A, B, handedOver, numericAgreement, plan, sign } from '../../domain/exchange/testing.ts';
import type { PersonInput } from '../../domain/person.ts';
import { statusOf } from '../../http/errors.ts';
import { decodeLogEntry } from '../../ledger/entry.ts';
import {
  commitmentOf,
  createExchange,
  forgetExchangeStates,
  loadExchange,
  recordExchangeEvents,
} from '../exchange/exchange.ts';
import { decideMatch, recordMatchCandidates } from '../matching/match-review.ts';
import { recordStatusEvent } from '../registry/record-status-event.ts';
import { registerPerson } from '../registry/register-person.ts';
import { updatePerson } from '../registry/update-person.ts';

let db: Database;
const ctx = testContext(['coordinator']);
const exchangeId = `ex-tamper-${randomUUID().slice(0, 8)}`;
const persons: string[] = [];
const statusIds: string[] = [];
let handoverSeq = 0;
let candidateId = '';

const person = (family: string): PersonInput => ({
  names: [{ script: 'Latn', lang: 'en', family, given: 'Synthetic' }],
  sex: 'male',
  birth: { date: '1990-04-02', precision: 'day' },
  category: 'servicemember',
  externalRefs: [],
});

beforeAll(async () => {
  db = await openTestDatabase();
  for (const family of ['Testerson', 'Probewell', 'Fakename']) {
    const p = await db.transaction((tx) => registerPerson(ctx, tx, person(family)));
    persons.push(p.id);
  }
  await db.transaction((tx) => updatePerson(ctx, tx, persons[0]!, person('Testersen'), 1));
  for (const [i, id] of persons.entries()) {
    const e = await db.transaction((tx) =>
      recordStatusEvent(ctx, tx, id, {
        dimension: 'fate',
        value: 'capture_reported',
        occurredAt: `2025-0${i + 1}-01T00:00:00.000Z`,
        sourceType: 'family_report',
        verification: 'claim',
      }),
    );
    statusIds.push(e.id);
  }
  // A duplicate candidate in the review queue, decided.
  const analyst = testContext(['identity_analyst'], ctx.orgId);
  await db.transaction((tx) =>
    recordMatchCandidates(
      analyst,
      tx,
      [
        {
          kind: 'duplicate',
          pairKey: `${persons[1]}|${persons[2]}`,
          personId: persons[1]!,
          otherPersonId: persons[2]!,
          score: 0.91,
          band: 'likely',
          explanation: 'same birth date, similar family name',
          fields: [{ field: 'family', level: 'similar', weight: 0.4 }],
        },
      ],
      { kind: 'duplicate' },
    ),
  );
  candidateId = (await db.db.selectFrom('match_candidates').select('id').executeTakeFirstOrThrow()).id;
  await db.transaction((tx) => decideMatch(analyst, tx, candidateId, { decision: 'reject' }));
  // An exchange with one stage, a locked manifest, started, and one line handed over.
  const agreement = numericAgreement(100);
  await db.transaction((tx) => createExchange(ctx, tx, { id: exchangeId, agreement }));
  const planned = plan('s1', '2025-05-23', [
    { direction: A, category: 'military', count: 1 },
    { direction: B, category: 'military', count: 1 },
  ]);
  const entries = [
    { id: 'l1', personRef: 'person:x1', direction: A, category: 'military', eligibility: 'true' as const },
    { id: 'l2', personRef: 'person:y1', direction: B, category: 'military', eligibility: 'true' as const },
  ];
  const m = ManifestSchema.parse({ stageId: 's1', version: 1, parentHash: null, reasons: null, entries });
  const h = manifestHash(m);
  const events: ExchangeEvent[] = [
    planned,
    { kind: 'manifest.proposed', manifest: m },
    { kind: 'manifest.signed', stageId: 's1', version: 1, signature: sign(A, 'party', h) },
    { kind: 'manifest.signed', stageId: 's1', version: 1, signature: sign(B, 'party', h) },
    { kind: 'stage.started', stageId: 's1', at: '2025-05-23T08:00:00.000Z' },
    { kind: 'handover.recorded', record: handedOver('s1', 'l1', '2025-05-23T08:10:00.000Z') },
  ];
  const r = await db.transaction((tx) => recordExchangeEvents(ctx, tx, exchangeId, events));
  handoverSeq = r.seqs.at(-1)!;
  const honest = await auditStoredLog(db.db, { workers: 0 });
  expect(honest.problems).toEqual([]);
  expect(honest.records).toBeGreaterThan(20);
});
afterAll(async () => {
  await db?.close();
});

class Rollback extends Error {}

/** Runs the attacker's act and the audit in one transaction, then rolls it back. */
async function audited(
  tables: readonly (keyof DB)[],
  act: (tx: Transaction<DB>) => Promise<void>,
  after?: (tx: Transaction<DB>) => Promise<void>,
): Promise<LogAuditReport & { text: string }> {
  let report: (LogAuditReport & { text: string }) | undefined;
  await db.db
    .transaction()
    .execute(async (tx) => {
      for (const t of tables) await sql`ALTER TABLE ${sql.table(t)} DISABLE TRIGGER USER`.execute(tx);
      await act(tx);
      const r = await auditStoredLog(tx, { workers: 0 });
      report = { ...r, text: r.problems.map((p) => p.message).join('\n') };
      await after?.(tx);
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  expect(report!.ok).toBe(false);
  return report!;
}

describe('log audit recounts the records (tampering suite)', () => {
  it('a status value changed', async () => {
    const r = await audited(['status_events'], async (tx) => {
      await sql`UPDATE status_events SET value = 'missing' WHERE id = ${statusIds[1]}`.execute(tx);
    });
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        table: 'status_events',
        id: statusIds[1],
        message: expect.stringMatching(/changed/),
      }),
    );
  });

  it('a status event deleted', async () => {
    const r = await audited(['status_events'], async (tx) => {
      await sql`DELETE FROM status_events WHERE id = ${statusIds[2]}`.execute(tx);
    });
    expect(r.text).toMatch(
      new RegExp(`status_events ${statusIds[2]}: deleted \\(committed at entry \\d+, no such row\\)`),
    );
  });

  it('a status event inserted', async () => {
    const id = randomUUID();
    const r = await audited(['status_events'], async (tx) => {
      await sql`INSERT INTO status_events (id, person_id, org_id, dimension, value, occurred_at, recorded_at,
          source_type, verification)
        SELECT ${id}::uuid, person_id, org_id, dimension, 'missing', occurred_at, recorded_at, source_type, verification
        FROM status_events WHERE id = ${statusIds[0]}`.execute(tx);
    });
    expect(r.text).toContain(`status_events ${id}: inserted (not committed in the log)`);
  });

  it("a person's name changed", async () => {
    const r = await audited(['person_names'], async (tx) => {
      await sql`UPDATE person_names SET family = 'Otherman' WHERE person_id = ${persons[1]}`.execute(tx);
    });
    expect(r.text).toMatch(new RegExp(`persons ${persons[1]}: changed \\(its digest differs`));
    expect(r.text).not.toMatch(/Otherman|Probewell/);
  });

  it("a person's birth date changed", async () => {
    const r = await audited(['persons'], async (tx) => {
      await sql`UPDATE persons SET birth_date = '1991-04-02', birth_year = 1991 WHERE id = ${persons[2]}`.execute(
        tx,
      );
    });
    expect(r.problems).toContainEqual(expect.objectContaining({ table: 'persons', id: persons[2] }));
    expect(r.text).not.toContain('1991');
  });

  it("a person's status cache no longer equals the replay of its events", async () => {
    const r = await audited(['persons'], async (tx) => {
      await sql`UPDATE persons SET fate_status = 'released' WHERE id = ${persons[1]}`.execute(tx);
    });
    expect(r.text).toContain(
      `persons ${persons[1]}: its fate status differs from the replay of its status events`,
    );
    expect(r.problems.filter((p) => p.id === persons[1])).toHaveLength(1);
  });

  it('a match decision edited (rejected turned into confirmed)', async () => {
    const r = await audited(['match_candidates'], async (tx) => {
      await sql`UPDATE match_candidates SET status = 'confirmed' WHERE id = ${candidateId}`.execute(tx);
    });
    expect(r.text).toMatch(new RegExp(`match_candidates ${candidateId}: changed \\(its digest differs`));
  });

  it("a person's version rolled back to an earlier committed one still fails", async () => {
    const r = await audited(['persons'], async (tx) => {
      await sql`UPDATE persons SET version = 3 WHERE id = ${persons[0]}`.execute(tx);
    });
    expect(r.text).toMatch(new RegExp(`persons ${persons[0]}: changed \\(version 3 is not committed`));
  });

  it('an audit row deleted', async () => {
    let deleted = '';
    const r = await audited(['audit_events'], async (tx) => {
      const { rows } = await sql<{ id: string }>`
        DELETE FROM audit_events WHERE id = (SELECT min(id) FROM audit_events WHERE org_id = ${ctx.orgId})
        RETURNING id::text AS id`.execute(tx);
      expect(rows).toHaveLength(1);
      deleted = rows[0]!.id;
    });
    expect(r.text).toContain(`audit_events ${deleted}: deleted`);
  });

  it('an audit row edited', async () => {
    let edited = '';
    const r = await audited(['audit_events'], async (tx) => {
      const { rows } = await sql<{ id: string }>`
        UPDATE audit_events SET actor_name = 'someone-else'
        WHERE id = (SELECT max(id) FROM audit_events WHERE org_id = ${ctx.orgId}) RETURNING id::text AS id`.execute(
        tx,
      );
      edited = rows[0]!.id;
    });
    expect(r.text).toContain(`audit_events ${edited}: changed`);
  });

  it("a handover's crossedAt changed: named by the audit, and the exchange answers an integrity error", async () => {
    let failure: unknown;
    const r = await audited(
      ['exchange_events'],
      async (tx) => {
        await sql`UPDATE exchange_events SET event = jsonb_set(event, '{record,crossedAt}', '"2025-05-23T09:59:00.000Z"')
          WHERE exchange_id = ${exchangeId} AND seq = ${handoverSeq}`.execute(tx);
      },
      async (tx) => {
        forgetExchangeStates(tx);
        failure = await loadExchange(tx, ctx, exchangeId).catch((e) => e);
      },
    );
    expect(r.text).toContain(`exchange_events ${exchangeId}/${handoverSeq}: changed`);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: 'INTEGRITY_ERROR', details: { seq: handoverSeq } });
    expect(statusOf.INTEGRITY_ERROR).toBe(503);
  });

  it("a handover's outcome changed (its stored commitment too): the stream no longer replays", async () => {
    let failure: unknown;
    const r = await audited(
      ['exchange_events'],
      async (tx) => {
        const row = await tx
          .selectFrom('exchange_events')
          .select('event')
          .where('exchange_id', '=', exchangeId)
          .where('seq', '=', handoverSeq)
          .executeTakeFirstOrThrow();
        const event = structuredClone(row.event) as { record: Record<string, unknown> };
        event.record.outcome = 'not_handed_over';
        await sql`UPDATE exchange_events SET event = ${JSON.stringify(event)}::jsonb, commitment = ${commitmentOf(event)}
          WHERE exchange_id = ${exchangeId} AND seq = ${handoverSeq}`.execute(tx);
      },
      async (tx) => {
        forgetExchangeStates(tx);
        failure = await loadExchange(tx, ctx, exchangeId).catch((e) => e);
      },
    );
    expect(r.text).toContain(`exchange_events ${exchangeId}/${handoverSeq}: changed`);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: 'INTEGRITY_ERROR', details: { seq: handoverSeq } });
    expect((failure as Error).message).toContain(`event ${handoverSeq}`);
    forgetExchangeStates(db.db);
    expect((await db.transaction((tx) => loadExchange(tx, ctx, exchangeId))).seq).toBe(handoverSeq);
  });

  it('a log entry changed', async () => {
    const size = Number((await db.db.selectFrom('log_head').select('size').executeTakeFirstOrThrow()).size);
    const mid = Math.floor(size / 2);
    const r = await audited(['log_entries'], async (tx) => {
      await sql`UPDATE log_entries SET data = ${Buffer.from(`homeward/log-entry/v1\nnotarized\n${'A'.repeat(43)}=\n`)}
        WHERE idx = ${mid}`.execute(tx);
    });
    expect(r.firstBadEntry).toBe(mid);
    expect(r.text).toContain(`entry ${mid} `);
  });

  it('an entry deleted mid-log', async () => {
    // A status-event entry: no other row references it.
    const rows = await db.db.selectFrom('log_entries').select(['idx', 'data']).orderBy('idx').execute();
    const victim = rows.find((e) => decodeLogEntry(new Uint8Array(e.data)).kind === 'status-event')!;
    const idx = Number(victim.idx);
    const r = await audited(['log_entries'], async (tx) => {
      await sql`DELETE FROM log_entries WHERE idx = ${idx}`.execute(tx);
    });
    expect(r.firstBadEntry).toBe(idx);
    expect(r.text).toContain(`entry ${idx} is missing`);
  });

  it('the log tail truncated with its checkpoints, nodes and commitments', async () => {
    let cut = 0;
    let event = '';
    const r = await audited(
      ['log_entries', 'log_nodes', 'log_checkpoints', 'log_cosignatures', 'record_commitments'],
      async (tx) => {
        // The newest transactions: a person registered and a status recorded; then cut them away.
        const p = await registerPerson(ctx, tx, person('Latecomer'));
        const e = await recordStatusEvent(ctx, tx, p.id, {
          dimension: 'fate',
          value: 'capture_reported',
          occurredAt: '2025-06-01T00:00:00.000Z',
          sourceType: 'family_report',
          verification: 'claim',
        });
        event = e.id;
        const size = Number((await tx.selectFrom('log_head').select('size').executeTakeFirstOrThrow()).size);
        cut = size - 4;
        await sql`DELETE FROM record_commitments WHERE log_idx >= ${cut}`.execute(tx);
        await sql`DELETE FROM log_cosignatures WHERE size > ${cut}`.execute(tx);
        await sql`DELETE FROM log_checkpoints WHERE size > ${cut}`.execute(tx);
        await sql`DELETE FROM log_nodes WHERE (idx + 1) * (1::bigint << level) > ${cut}`.execute(tx);
        await sql`DELETE FROM log_entries WHERE idx >= ${cut}`.execute(tx);
      },
    );
    expect(r.size).toBe(cut);
    expect(r.text).toMatch(new RegExp(`the log head says ${cut + 4} entries but ${cut} are stored`));
    expect(r.text).toMatch(/the latest checkpoint covers \d+ entries but the log head says \d+/);
    // The status event recorded in the entries cut away is now a row the log does not know.
    expect(r.text).toContain(`status_events ${event}: inserted (not committed in the log)`);
  });

  it('the tail truncated and the head rewound too: the records written there are named', async () => {
    let late = '';
    const r = await audited(
      ['log_entries', 'log_nodes', 'log_checkpoints', 'log_cosignatures', 'record_commitments'],
      async (tx) => {
        const before = await tx.selectFrom('log_head').select(['size', 'frontier']).executeTakeFirstOrThrow();
        const p = await registerPerson(ctx, tx, person('Latecomer'));
        late = p.id;
        const cut = Number(before.size);
        await sql`DELETE FROM log_cosignatures WHERE size > ${cut}`.execute(tx);
        await sql`DELETE FROM log_checkpoints WHERE size > ${cut}`.execute(tx);
        await sql`DELETE FROM log_nodes WHERE (idx + 1) * (1::bigint << level) > ${cut}`.execute(tx);
        // The commitments stay (an attacker who forgets them): they point past the end.
        await sql`ALTER TABLE record_commitments DROP CONSTRAINT record_commitments_log_idx_fkey`.execute(tx);
        await sql`DELETE FROM log_entries WHERE idx >= ${cut}`.execute(tx);
        await tx
          .updateTable('log_head')
          .set({ size: before.size, frontier: before.frontier })
          .where('id', '=', 1)
          .execute();
      },
    );
    expect(r.text).toMatch(/record commitments refer to entry \d+, beyond the \d+ entries stored/);
    expect(r.text).toContain(`persons ${late}`);
  });
});
