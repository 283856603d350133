/**
 * One synthetic exchange with a stage in progress, so a demo node's stage board has something to show:
 * the May-2025-shaped "1,000 for 1,000" agreement (src/domain/exchange/testing.ts), a stage planned for
 * today with a manifest locked by both parties, started, and part of its lines already recorded
 * (handed over, one refusal, one person not presented). Lines going to Party A name registry persons
 * of this node when `personIds` are given (so their names show on the board); the others are synthetic
 * references (`person:dm-…`). Idempotent: an exchange that already has events is left as it is.
 */
import type { Transaction } from 'kysely';
import { createExchange, loadExchange, recordExchangeEvents } from '../app/exchange/exchange.ts';
import type { DB } from '../db/schema.ts';
import type { RequestContext } from '../domain/access.ts';
import { type HandoverRecordInput, ManifestSchema, manifestHash } from '../domain/exchange/handover.ts';
import type { ExchangeEvent } from '../domain/exchange/operation.ts';
import {
  A,
  B,
  handedOver,
  lines,
  notPresented,
  numericAgreement,
  plan,
  refusedAtCrossing,
  sign,
} from '../domain/exchange/synthetic.ts';

export const DEMO_EXCHANGE_ID = 'demo-exchange-65';
export const DEMO_STAGE_ID = 'stage-1';

export interface DemoExchangeOptions {
  exchangeId?: string;
  stageId?: string;
  /** Registry person ids for the lines going to Party A (names visible on the board). */
  personIds?: readonly string[];
  /** Without personIds: take this many of the organisation's registry persons (oldest first). */
  fromRegistry?: number;
  /** Lines per direction and category: [to A military, to A civilian, to B military, to B civilian]. */
  counts?: readonly [number, number, number, number];
  /** How many lines per direction already have a record (the rest are pending). */
  recorded?: number;
  now?: Date;
}

export type RunInTransaction = <T>(fn: (tx: Transaction<DB>) => Promise<T>) => Promise<T>;

export async function seedDemoExchange(
  transaction: RunInTransaction,
  ctx: RequestContext,
  opts: DemoExchangeOptions = {},
): Promise<{ exchangeId: string; stageId: string; created: boolean }> {
  const exchangeId = opts.exchangeId ?? DEMO_EXCHANGE_ID;
  const stageId = opts.stageId ?? DEMO_STAGE_ID;
  const now = opts.now ?? new Date();
  const [am, ac, bm, bc] = opts.counts ?? [24, 6, 24, 6];
  const recorded = opts.recorded ?? 8;
  const agreement = numericAgreement();
  const existing = await transaction(async (tx) => {
    await createExchange(ctx, tx, { id: exchangeId, agreement });
    return (await loadExchange(tx, ctx, exchangeId)).seq;
  });
  if (existing > 0) return { exchangeId, stageId, created: false };

  const ids =
    opts.personIds ??
    (opts.fromRegistry
      ? (
          await transaction((tx) =>
            tx
              .selectFrom('persons')
              .select('id')
              .where('org_id', '=', ctx.orgId)
              .orderBy('created_at')
              .orderBy('id')
              .limit(opts.fromRegistry!)
              .execute(),
          )
        ).map((r) => r.id)
      : []);
  const toA = [...lines('dm-am', A, 'military', am), ...lines('dm-ac', A, 'civilian', ac)].map((e, i) =>
    ids[i] ? { ...e, personRef: `person:${ids[i]}` } : e,
  );
  const toB = [...lines('dm-bm', B, 'military', bm), ...lines('dm-bc', B, 'civilian', bc)];
  const manifest = ManifestSchema.parse({
    stageId,
    version: 1,
    parentHash: null,
    reasons: null,
    // Two reserve lines each way, for substitutions proposed from the board.
    entries: [
      ...toA,
      ...toB,
      ...lines('dm-ar', A, 'military', 2, { reserve: true }),
      ...lines('dm-br', B, 'military', 2, { reserve: true }),
    ],
  });
  const h = manifestHash(manifest);
  const date = now.toISOString().slice(0, 10);
  const startedAt = new Date(now.getTime() - 60 * 60_000);
  const t = (i: number) => new Date(startedAt.getTime() + (i + 1) * 60_000).toISOString();
  // The test builders' records, with ids of their own so the demo's events are the same on every run.
  const record = (entryId: string, i: number, kind: 'ok' | 'refused' | 'absent'): HandoverRecordInput => {
    const id = `dm-rec-${entryId}`;
    if (kind === 'ok') return { ...handedOver(stageId, entryId, t(i)), id, receivedBy: 'demo-officer' };
    if (kind === 'refused') return { ...refusedAtCrossing(stageId, entryId, t(i)), id };
    return { ...notPresented(stageId, entryId, t(i)), id };
  };
  const handovers: ExchangeEvent[] = [];
  for (const side of [toA, toB])
    side.slice(0, recorded).forEach((e, i) => {
      const kind = side === toB && i === 1 ? 'refused' : side === toB && i === 2 ? 'absent' : 'ok';
      handovers.push({ kind: 'handover.recorded', record: record(e.id, i, kind) });
    });
  const events: ExchangeEvent[] = [
    plan(
      stageId,
      date,
      [
        { direction: A, category: 'military', count: am },
        { direction: A, category: 'civilian', count: ac },
        { direction: B, category: 'military', count: bm },
        { direction: B, category: 'civilian', count: bc },
      ].filter((c) => c.count > 0),
      agreement.id,
    ),
    { kind: 'manifest.proposed', manifest },
    { kind: 'manifest.signed', stageId, version: 1, signature: sign(A, 'party', h) },
    { kind: 'manifest.signed', stageId, version: 1, signature: sign(B, 'party', h) },
    { kind: 'stage.started', stageId, at: startedAt.toISOString() },
    ...handovers,
  ];
  await transaction((tx) => recordExchangeEvents(ctx, tx, exchangeId, events));
  return { exchangeId, stageId, created: true };
}
