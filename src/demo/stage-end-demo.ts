/**
 * A second, small stage in progress on the demo node's exchange (`stage-2`: three servicemembers and
 * one civilian each way, one line each way already recorded), so the end of a stage can be run from
 * the board (record the rest, reconcile, justify the warnings, sign the confirmation) without touching
 * stage-1, which the stage board's own demo and tests work on. Lines are synthetic references
 * (`person:de-…`), never registry persons. Idempotent: a stage that exists is left as it is.
 */
import { loadExchange, recordExchangeEvents } from '../app/exchange/exchange.ts';
import type { RequestContext } from '../domain/access.ts';
import { ManifestSchema, manifestHash } from '../domain/exchange/handover.ts';
import type { ExchangeEvent } from '../domain/exchange/operation.ts';
import { A, B, handedOver, lines, plan, sign } from '../domain/exchange/synthetic.ts';
import { DEMO_EXCHANGE_ID, type RunInTransaction } from './stage-board-demo.ts';

export const DEMO_END_STAGE_ID = 'stage-2';

export async function seedDemoEndStage(
  transaction: RunInTransaction,
  ctx: RequestContext,
  opts: { exchangeId?: string; stageId?: string; now?: Date } = {},
): Promise<{ stageId: string; created: boolean }> {
  const exchangeId = opts.exchangeId ?? DEMO_EXCHANGE_ID;
  const stageId = opts.stageId ?? DEMO_END_STAGE_ID;
  const now = opts.now ?? new Date();
  const { state } = await transaction((tx) => loadExchange(tx, ctx, exchangeId));
  if (state.stages[stageId]) return { stageId, created: false };
  const toA = [...lines('de-am', A, 'military', 3), ...lines('de-ac', A, 'civilian', 1)];
  const toB = [...lines('de-bm', B, 'military', 3), ...lines('de-bc', B, 'civilian', 1)];
  const manifest = ManifestSchema.parse({
    stageId,
    version: 1,
    parentHash: null,
    reasons: null,
    entries: [...toA, ...toB],
  });
  const h = manifestHash(manifest);
  const startedAt = new Date(now.getTime() - 30 * 60_000);
  const crossed = new Date(startedAt.getTime() + 5 * 60_000).toISOString();
  const events: ExchangeEvent[] = [
    plan(
      stageId,
      now.toISOString().slice(0, 10),
      [
        { direction: A, category: 'military', count: 3 },
        { direction: A, category: 'civilian', count: 1 },
        { direction: B, category: 'military', count: 3 },
        { direction: B, category: 'civilian', count: 1 },
      ],
      state.agreement.id,
    ),
    { kind: 'manifest.proposed', manifest },
    { kind: 'manifest.signed', stageId, version: 1, signature: sign(A, 'party', h) },
    { kind: 'manifest.signed', stageId, version: 1, signature: sign(B, 'party', h) },
    { kind: 'stage.started', stageId, at: startedAt.toISOString() },
    ...[toA[0]!, toB[0]!].map(
      (e): ExchangeEvent => ({
        kind: 'handover.recorded',
        // Ids of their own, so the demo's events are the same on every run.
        record: { ...handedOver(stageId, e.id, crossed), id: `de-rec-${e.id}`, receivedBy: 'demo-officer' },
      }),
    ),
  ];
  await transaction((tx) => recordExchangeEvents(ctx, tx, exchangeId, events));
  return { stageId, created: true };
}
