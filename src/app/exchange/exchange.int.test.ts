import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logSize, readEntries } from '../../db/ledger.ts';
import type { Database } from '../../db/open.ts';
import { openTestDatabase, testContext } from '../../db/testing.ts';
import { DomainError } from '../../domain/errors.ts';
import { ManifestSchema, manifestHash } from '../../domain/exchange/handover.ts';
import {
  admitExchangeEvent,
  crossingsWithoutRecapture,
  type ExchangeEvent,
  type ExchangeState,
  getStage,
  replayExchange,
  startExchange,
} from '../../domain/exchange/operation.ts';
import { reconciliationHash } from '../../domain/exchange/reconcile.ts';
import { stageWarnings, unjustified } from '../../domain/exchange/rules.ts';
import { activeEntries, effectiveRecords } from '../../domain/exchange/stage.ts';
import {
  A,
  B,
  handedOver,
  M,
  numericAgreement,
  plan,
  refusedAtCrossing,
  sign,
} from '../../domain/exchange/testing.ts';
import { decodeLogEntry } from '../../ledger/entry.ts';
import {
  commitmentOf,
  createExchange,
  loadExchange,
  loadExchangeEvents,
  recordExchangeEvent,
  recordExchangeEvents,
} from './exchange.ts';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const ctx = testContext(['coordinator']);
const agreement = numericAgreement(1000);
const newId = () => `ex-${randomBytes(4).toString('hex')}`;

async function newExchange(): Promise<string> {
  const id = newId();
  await db.transaction((tx) => createExchange(ctx, tx, { id, agreement }));
  return id;
}

function manifestEvents(state: ExchangeState, stageId: string, entries: unknown[]): ExchangeEvent[] {
  const s = getStage(state, stageId);
  const prev = s.manifests.at(-1);
  const m = ManifestSchema.parse({
    stageId,
    version: s.manifests.length + 1,
    parentHash: prev ? manifestHash(prev) : null,
    reasons: prev ? 'revised' : null,
    entries,
  });
  const h = manifestHash(m);
  return [
    { kind: 'manifest.proposed', manifest: m },
    { kind: 'manifest.signed', stageId, version: m.version, signature: sign(A, 'party', h) },
    { kind: 'manifest.signed', stageId, version: m.version, signature: sign(B, 'party', h) },
  ];
}

const entry = (person: string, direction: string, stageId: string) => ({
  id: `${stageId}-${person}-${direction}`,
  personRef: `person:${person}`,
  direction,
  category: 'military',
  eligibility: 'true' as const,
});

/** What the database holds for an exchange: events, its log entries, and audit rows. */
async function snapshot(id: string) {
  const events = await loadExchangeEvents(ctx, db.db, id);
  const size = await logSize(db.db);
  const audit = await db.db
    .selectFrom('audit_events')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return { events, size, audit: audit.n };
}

describe('exchange event stream', () => {
  it('records events with their log commitments, in order, and replays them to the same state', async () => {
    const id = await newExchange();
    let state = startExchange(agreement);
    const p = plan('s1', '2025-05-23', [
      { direction: A, category: 'military', count: 2 },
      { direction: B, category: 'military', count: 2 },
    ]);
    const r1 = await db.transaction((tx) => recordExchangeEvent(ctx, tx, id, p));
    state = admitExchangeEvent(state, p);
    expect(r1.seqs).toEqual([1]);
    const m = manifestEvents(state, 's1', [
      entry('x1', A, 's1'),
      entry('x2', A, 's1'),
      entry('y1', B, 's1'),
      entry('y2', B, 's1'),
    ]);
    const r2 = await db.transaction((tx) => recordExchangeEvents(ctx, tx, id, m));
    expect(r2.seqs).toEqual([2, 3, 4]);
    expect(r2.state.stages.s1!.status).toBe('manifest_locked');

    const stored = await loadExchangeEvents(ctx, db.db, id);
    expect(stored.map((e) => e.kind)).toEqual([
      'stage.planned',
      'manifest.proposed',
      'manifest.signed',
      'manifest.signed',
    ]);
    // Another organisation's context reads no event of it, and cannot load it.
    const other = testContext(['coordinator']);
    expect(await loadExchangeEvents(other, db.db, id)).toEqual([]);
    await expect(loadExchange(db.db, other, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The log holds exactly the commitments of the stored events, under kind exchange-event.
    const rows = await db.db
      .selectFrom('exchange_events')
      .select(['seq', 'log_index', 'commitment'])
      .where('exchange_id', '=', id)
      .orderBy('seq')
      .execute();
    // Each event's own entry (the first batch's is followed by its `records` entries).
    const entries = await Promise.all(
      rows.map(async (r) => (await readEntries(db.db, Number(r.log_index), Number(r.log_index) + 1))[0]!),
    );
    expect(entries.map((e) => decodeLogEntry(e).kind)).toEqual(Array(4).fill('exchange-event'));
    entries.forEach((e, i) => {
      expect(Buffer.from(decodeLogEntry(e).commitment)).toEqual(Buffer.from(rows[i]!.commitment));
      expect(Buffer.from(rows[i]!.commitment)).toEqual(commitmentOf(stored[i]));
    });
    const replay = replayExchange(agreement, stored);
    expect(replay.ok && replay.state.stages.s1!.status).toBe('manifest_locked');
  });

  it('a refused event (or batch) changes nothing: no event, no log entry, no audit row', async () => {
    const id = await newExchange();
    const before = await snapshot(id);
    // A handover on a stage that does not exist.
    const bad: ExchangeEvent = {
      kind: 'handover.recorded',
      record: handedOver('nope', 'x', '2025-05-23T08:00:00.000Z'),
    };
    const err = await db.transaction((tx) => recordExchangeEvent(ctx, tx, id, bad)).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).details?.violation).toBe('UNKNOWN_REFERENCE');
    // A batch whose second event is refused records neither.
    const p = plan('s1', '2025-05-23', [{ direction: A, category: 'military', count: 1 }]);
    const batchErr = await db
      .transaction((tx) => recordExchangeEvents(ctx, tx, id, [p, bad]))
      .catch((e) => e);
    expect((batchErr as DomainError).details).toMatchObject({ event: 1 });
    // A malformed event.
    const malformed = await db
      .transaction((tx) =>
        // Deliberately not an ExchangeEvent (no stage id): what a client could send, refused at run time.
        recordExchangeEvent(ctx, tx, id, { kind: 'stage.started' } as unknown as ExchangeEvent),
      )
      .catch((e) => e);
    expect((malformed as DomainError).code).toBe('VALIDATION_FAILED');
    expect(await snapshot(id)).toEqual(before);
  });

  it('needs the permission of each event kind, and an agreement in force; the stream is append-only', async () => {
    const id = await newExchange();
    const p = plan('s1', '2025-05-23', [{ direction: A, category: 'military', count: 1 }]);
    // A stage is planned with list:write: a field officer (handovers only) is refused like a reader.
    for (const role of ['mediator', 'auditor', 'communications_officer', 'field_officer'] as const) {
      const e = await db
        .transaction((tx) => recordExchangeEvent(testContext([role], ctx.orgId), tx, id, p))
        .catch((x) => x);
      expect((e as DomainError).code).toBe('FORBIDDEN');
    }
    // Another organisation does not see the exchange.
    const other = await db
      .transaction((tx) => recordExchangeEvent(testContext(['coordinator']), tx, id, p))
      .catch((e) => e);
    expect((other as DomainError).code).toBe('NOT_FOUND');
    await db.transaction((tx) => recordExchangeEvent(testContext(['list_officer'], ctx.orgId), tx, id, p));
    const unsigned = { ...agreement, id: 'agr-x', signatures: [] };
    const e2 = await db
      .transaction((tx) => createExchange(ctx, tx, { id: newId(), agreement: unsigned }))
      .catch((e) => e);
    expect(e2).toBeInstanceOf(DomainError);
    // Same id, same agreement: idempotent; same id, another agreement: conflict.
    await db.transaction((tx) => createExchange(ctx, tx, { id, agreement }));
    const e3 = await db
      .transaction((tx) => createExchange(ctx, tx, { id, agreement: numericAgreement(999) }))
      .catch((e) => e);
    expect((e3 as DomainError).code).toBe('CONFLICT');
    for (const stmt of [
      sql`UPDATE exchange_events SET kind = 'x' WHERE exchange_id = ${id}`,
      sql`DELETE FROM exchange_events WHERE exchange_id = ${id}`,
      sql`DELETE FROM exchanges WHERE id = ${id}`,
    ])
      await expect(db.transaction((tx) => stmt.execute(tx))).rejects.toThrow(/append-only/);
  });
});

// Random operation sequences through the database: every event the database accepts is one the pure
// domain admits (and vice versa), the stored stream replays to the model's state, and invariants 1 and
// 5 hold over what was stored.
const PEOPLE = ['p0', 'p1', 'p2', 'p3'];
const stepArb = fc.record({
  op: fc.oneof(
    { weight: 14, arbitrary: fc.constant('advance' as const) },
    fc.constantFrom(
      'plan',
      'manifest',
      'start',
      'handover',
      'handover',
      'refuse',
      'recapture',
      'reconcile',
      'confirm',
      'cancel',
    ),
  ),
  stage: fc.nat(1),
  people: fc.subarray(PEOPLE, { minLength: 1 }),
  direction: fc.constantFrom(A, B),
  pick: fc.nat(),
  refuses: fc.boolean(),
  honest: fc.boolean(),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

let clock = 0;
const tick = () => new Date(Date.parse('2025-05-20T00:00:00.000Z') + ++clock * 60_000).toISOString();

function eventsFor(state: ExchangeState, step: Step): ExchangeEvent[] {
  const stageId = `s${step.stage}`;
  const s = state.stages[stageId];
  switch (step.op) {
    case 'advance': {
      // The natural next act for the stage, so that histories get deep (two people each way).
      const two = [0, 1].map((i) => PEOPLE[(step.pick + i) % PEOPLE.length]!);
      if (!s)
        return [
          plan(stageId, '2025-05-23', [
            { direction: A, category: 'military', count: 2 },
            { direction: B, category: 'military', count: 2 },
          ]),
        ];
      if (s.status === 'planned')
        return manifestEvents(state, stageId, [
          ...two.map((p) => entry(p, A, stageId)),
          ...two.map((p) => entry(p.replace('p', 'q'), B, stageId)),
        ]);
      if (s.status === 'manifest_locked') return [{ kind: 'stage.started', stageId, at: tick() }];
      if (s.status === 'in_progress') {
        const done = new Set(effectiveRecords(s).map((r) => r.entryId));
        const open = activeEntries(s).filter((l) => !done.has(l.id));
        if (open.length === 0) return [{ kind: 'stage.reconciled', stageId, at: tick() }];
        const line = open[step.pick % open.length]!;
        const r =
          step.refuses && step.honest
            ? refusedAtCrossing(stageId, line.id, tick())
            : handedOver(stageId, line.id, tick());
        return [{ kind: 'handover.recorded', record: r }];
      }
      if (s.status === 'reconciled') {
        const justify = unjustified(stageWarnings(state.agreement, s), s.justifications).map(
          (w): ExchangeEvent => ({
            kind: 'breach.justified',
            stageId,
            justification: { warningId: w.id, code: 'refusal_at_crossing', note: null, by: A },
          }),
        );
        const after = justify.reduce(admitExchangeEvent, state);
        const h = reconciliationHash(state.agreement, getStage(after, stageId));
        return [
          ...justify,
          ...[A, B, M].map((who) => ({
            kind: 'stage.confirmation_signed' as const,
            stageId,
            signature: sign(who, who === M ? 'mediator' : 'party', h),
          })),
        ];
      }
      return [];
    }
    case 'plan':
      return [
        plan(stageId, '2025-05-23', [
          { direction: step.direction, category: 'military', count: step.people.length },
        ]),
      ];
    case 'manifest':
      if (!s) return [];
      return manifestEvents(
        state,
        stageId,
        step.people.map((p) => entry(p, step.direction, stageId)),
      );
    case 'start':
      return [{ kind: 'stage.started', stageId, at: tick() }];
    case 'handover': {
      const lines = s ? activeEntries(s) : [];
      const done = s ? new Set(effectiveRecords(s).map((r) => r.entryId)) : new Set<string>();
      const open = step.honest ? lines.filter((l) => !done.has(l.id)) : lines;
      const line = open.length ? open[step.pick % open.length]! : { id: `${stageId}-ghost` };
      const r = step.refuses
        ? refusedAtCrossing(stageId, line.id, tick())
        : handedOver(stageId, line.id, tick());
      return [{ kind: 'handover.recorded', record: r }];
    }
    case 'refuse':
      return [
        {
          kind: 'repatriation.refused',
          personRef: `person:${step.people[0]}`,
          destination: step.direction,
          occurredAt: tick(),
        },
      ];
    case 'recapture':
      return [{ kind: 'custody.recaptured', personRef: `person:${step.people[0]}`, occurredAt: tick() }];
    case 'reconcile':
      return [{ kind: 'stage.reconciled', stageId, at: tick() }];
    case 'confirm': {
      if (s?.status !== 'reconciled')
        return [{ kind: 'stage.confirmation_signed', stageId, signature: sign(A, 'party', '0'.repeat(64)) }];
      const h = reconciliationHash(state.agreement, s);
      return [A, B, M].map((who) => ({
        kind: 'stage.confirmation_signed' as const,
        stageId,
        signature: sign(who, who === M ? 'mediator' : 'party', h),
      }));
    }
    case 'cancel':
      return [{ kind: 'stage.cancelled', stageId, reason: 'called off' }];
  }
}

describe('random operation sequences through the database', () => {
  it('never break the invariants, and the stored stream replays to the model', async () => {
    let crossed = 0;
    let confirmed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 10, maxLength: 40 }), async (steps) => {
        const id = await newExchange();
        let model = startExchange(agreement);
        for (const step of steps) {
          const events = eventsFor(model, step);
          if (events.length === 0) continue;
          let expected: ExchangeState | undefined;
          try {
            expected = events.reduce(admitExchangeEvent, model);
          } catch {
            expected = undefined;
          }
          const before = await snapshot(id);
          const result = await db
            .transaction((tx) => recordExchangeEvents(ctx, tx, id, events))
            .then(
              (r) => r,
              (e: unknown) => e,
            );
          if (expected) {
            expect(result).not.toBeInstanceOf(Error);
            model = expected;
          } else {
            expect(result).toBeInstanceOf(DomainError);
            expect(await snapshot(id)).toEqual(before);
          }
        }
        const stored = await loadExchangeEvents(ctx, db.db, id);
        const replay = replayExchange(agreement, stored);
        expect(replay.ok).toBe(true);
        if (!replay.ok) return;
        crossed += replay.state.crossings.length;
        confirmed += Object.values(replay.state.stages).filter((x) => x.status === 'confirmed').length;
        expect(JSON.stringify(replay.state)).toBe(JSON.stringify(model));
        // Invariant 1: no two crossings of a person to a party without a recapture between them.
        const byPerson = new Map<string, { crossedAt: string }[]>();
        for (const c of replay.state.crossings) {
          const k = `${c.personRef}>${c.direction}`;
          byPerson.set(k, [...(byPerson.get(k) ?? []), c]);
        }
        for (const [k, cs] of byPerson) {
          const person = k.split('>')[0]!;
          const recaptures = replay.state.recaptures.filter((r) => r.personRef === person);
          expect(crossingsWithoutRecapture(cs, recaptures)).toBeUndefined();
        }
        // Invariant 5: nobody crosses to a party after refusing it.
        for (const r of replay.state.refusals)
          for (const c of replay.state.crossings)
            if (c.personRef === r.personRef && c.direction === r.destination)
              expect(c.crossedAt < r.occurredAt).toBe(true);
      }),
      { numRuns: 25 },
    );
    // The generator reaches deep histories, not only refusals.
    expect(crossed).toBeGreaterThan(0);
    expect(confirmed).toBeGreaterThan(0);
  });
});
