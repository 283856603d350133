// An exchange whose stored stream no longer replays (a handover's outcome rewritten in the database,
// its stored commitment too) answers every route of that exchange with 503 INTEGRITY_ERROR in the
// standard error body, naming the event's sequence number: never a 500. Every person is synthetic.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitmentOf, forgetExchangeStates } from '../app/exchange/exchange.ts';
import { seedDemoExchange } from '../demo/stage-board-demo.ts';
import { cliContext } from '../domain/access.ts';
import { buildTestNode, createPerson, type TestNode } from './testing.ts';

let node: TestNode;
const exchangeId = `x-${randomUUID().slice(0, 8)}`;
let tamperedSeq = 0;

beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'ig' });
  const person = await createPerson(node);
  await seedDemoExchange(
    (fn) => node.database.transaction(fn),
    cliContext(node.identity.orgId, ['coordinator'], 'test'),
    { exchangeId, personIds: [person.id], counts: [4, 1, 4, 1], recorded: 2 },
  );
});
afterAll(async () => {
  await node?.close();
});

/** Every operation of the API under /api/exchanges/{id}, with the exchange's id and its stage filled in. */
async function exchangeOperations(): Promise<{ method: string; url: string; path: string }[]> {
  const doc = (await node.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  const out: { method: string; url: string; path: string }[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/exchanges/{id}')) continue;
    const url = path
      .replace('{id}', exchangeId)
      .replace('{stageId}', 'stage-1')
      .replace(/\{[^}]+\}/g, 'p-1');
    for (const method of Object.keys(ops)) out.push({ method: method.toUpperCase(), url, path });
  }
  return out;
}

describe('an exchange whose stored events no longer replay', () => {
  it('answers 503 INTEGRITY_ERROR naming the event on every route of the exchange, never 500', async () => {
    const ok = await node.app.inject({
      method: 'GET',
      url: `/api/exchanges/${exchangeId}/stages/stage-1`,
      headers: node.as('coordinator'),
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const pending = (ok.json() as { lines: { entryId: string; record: unknown }[] }).lines.find(
      (l) => l.record === null,
    )!;

    // The attacker rewrites the first recorded handover's outcome and its stored commitment.
    await node.database.transaction(async (tx) => {
      const row = await tx
        .selectFrom('exchange_events')
        .select(['seq', 'event'])
        .where('exchange_id', '=', exchangeId)
        .where('kind', '=', 'handover.recorded')
        .orderBy('seq')
        .executeTakeFirstOrThrow();
      tamperedSeq = row.seq;
      const event = structuredClone(row.event) as { record: Record<string, unknown> };
      event.record.outcome = 'not_handed_over';
      await sql`ALTER TABLE exchange_events DISABLE TRIGGER USER`.execute(tx);
      await sql`UPDATE exchange_events SET event = ${JSON.stringify(event)}::jsonb, commitment = ${commitmentOf(event)}
        WHERE exchange_id = ${exchangeId} AND seq = ${row.seq}`.execute(tx);
      await sql`ALTER TABLE exchange_events ENABLE TRIGGER USER`.execute(tx);
    });
    forgetExchangeStates(node.database.db); // as after a restart: nothing replayed is remembered

    const operations = await exchangeOperations();
    expect(operations.length).toBeGreaterThan(5);
    const answers: string[] = [];
    for (const op of operations) {
      const res = await node.app.inject({
        method: op.method as 'GET' | 'POST',
        url: op.url,
        headers: node.as('coordinator'),
        ...(op.method === 'GET' ? {} : { payload: {} }),
      });
      answers.push(`${op.method} ${op.path} ${res.statusCode}`);
      expect(res.statusCode, `${op.method} ${op.path}: ${res.body}`).not.toBe(500);
      if (res.statusCode === 503)
        expect(res.json()).toEqual({
          error: {
            code: 'INTEGRITY_ERROR',
            message: `the stored events of this exchange do not replay at event ${tamperedSeq}; run \`homeward log audit\``,
            details: { seq: tamperedSeq },
          },
        });
    }
    // Every read of the exchange's state is refused with the integrity error. The exchange's lists and
    // its agreement drafts are records of their own, not replayed from the stream.
    const ownRecords = /\/lists(\/|$)|\/agreement\/status$/;
    const reads = operations.filter((o) => o.method === 'GET' && !ownRecords.test(o.path));
    expect(reads.length).toBeGreaterThanOrEqual(8);
    for (const op of reads) expect(answers, answers.join('\n')).toContain(`GET ${op.path} 503`);

    // A well-formed handover (a field officer's act) is refused the same way, and nothing is written.
    const before = await node.database.db
      .selectFrom('exchange_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const handover = await node.app.inject({
      method: 'POST',
      url: `/api/exchanges/${exchangeId}/stages/stage-1/handovers`,
      headers: node.as('field_officer'),
      payload: {
        entryId: pending.entryId,
        identityCheck: { method: 'document', result: 'confirmed' },
        willingness: 'willing',
        fitness: 'fit',
        outcome: 'handed_over',
        crossedAt: new Date().toISOString(),
        discrepancies: [],
      },
    });
    expect(handover.statusCode, handover.body).toBe(503);
    expect(handover.json()).toMatchObject({
      error: { code: 'INTEGRITY_ERROR', details: { seq: tamperedSeq } },
    });
    const after = await node.database.db
      .selectFrom('exchange_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
