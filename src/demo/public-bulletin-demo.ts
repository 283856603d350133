/**
 * A confirmed stage and a published bulletin on the demo node's exchange, so the public bulletin page
 * (`/bulletin`) has something to show: a stage of the day before, 20 servicemembers and 3 civilians
 * each way (3 is a small cell, shown as suppressed), everyone handed over, reconciled and confirmed by
 * both parties and the mediator (synthetic signatures: this single demo node holds no signed packages,
 * so `homeward bulletin verify` recounts the numbers but reports the missing signatures). Idempotent.
 */
import { publishBulletin } from '../app/bulletin.ts';
import { loadExchange, recordExchangeEvents } from '../app/exchange.ts';
import type { RequestContext } from '../domain/access.ts';
import { type HandoverRecordInput, ManifestSchema, manifestHash } from '../domain/exchange/handover.ts';
import { admitExchangeEvent, type ExchangeEvent, getStage } from '../domain/exchange/operation.ts';
import { reconciliationHash } from '../domain/exchange/reconcile.ts';
import { stageWarnings } from '../domain/exchange/rules.ts';
import { A, B, lines, M, plan, sign } from '../domain/exchange/testing.ts';
import { DEMO_EXCHANGE_ID, type RunInTransaction } from './stage-board-demo.ts';

export const DEMO_BULLETIN_STAGE_ID = 'stage-0';

export async function seedDemoBulletin(
  transaction: RunInTransaction,
  ctx: RequestContext,
  opts: { exchangeId?: string; stageId?: string; now?: Date } = {},
): Promise<{ published: boolean }> {
  const exchangeId = opts.exchangeId ?? DEMO_EXCHANGE_ID;
  const stageId = opts.stageId ?? DEMO_BULLETIN_STAGE_ID;
  const now = opts.now ?? new Date();
  const { state } = await transaction((tx) => loadExchange(tx, ctx, exchangeId));
  if (!state.stages[stageId]) {
    const day = new Date(now.getTime() - 24 * 3600_000);
    const t = (i: number) => new Date(day.getTime() + i * 60_000).toISOString();
    const entries = [
      ...lines('dp-am', A, 'military', 20),
      ...lines('dp-ac', A, 'civilian', 3),
      ...lines('dp-bm', B, 'military', 20),
      ...lines('dp-bc', B, 'civilian', 3),
    ];
    const manifest = ManifestSchema.parse({ stageId, version: 1, parentHash: null, reasons: null, entries });
    const h = manifestHash(manifest);
    const events: ExchangeEvent[] = [
      plan(
        stageId,
        day.toISOString().slice(0, 10),
        [
          { direction: A, category: 'military', count: 20 },
          { direction: A, category: 'civilian', count: 3 },
          { direction: B, category: 'military', count: 20 },
          { direction: B, category: 'civilian', count: 3 },
        ],
        state.agreement.id,
      ),
      { kind: 'manifest.proposed', manifest },
      { kind: 'manifest.signed', stageId, version: 1, signature: sign(A, 'party', h) },
      { kind: 'manifest.signed', stageId, version: 1, signature: sign(B, 'party', h) },
      { kind: 'stage.started', stageId, at: t(0) },
      ...entries.map(
        (e, i): ExchangeEvent => ({
          kind: 'handover.recorded',
          record: {
            id: `dp-rec-${e.id}`,
            stageId,
            entryId: e.id,
            identityCheck: { method: 'document', result: 'confirmed' },
            willingness: 'willing',
            fitness: 'fit',
            outcome: 'handed_over',
            crossedAt: t(i + 1),
            receivedBy: 'demo-officer',
            discrepancies: [],
            recordedAt: t(i + 1),
            supersedes: null,
          } satisfies HandoverRecordInput,
        }),
      ),
      { kind: 'stage.reconciled', stageId, at: t(entries.length + 2) },
    ];
    let next = events.reduce(admitExchangeEvent, state);
    for (const w of stageWarnings(next.agreement, getStage(next, stageId))) {
      const j: ExchangeEvent = {
        kind: 'breach.justified',
        stageId,
        justification: { warningId: w.id, code: 'agreed_by_parties', note: null, by: A },
      };
      events.push(j);
      next = admitExchangeEvent(next, j);
    }
    const rh = reconciliationHash(next.agreement, getStage(next, stageId));
    events.push(
      { kind: 'stage.confirmation_signed', stageId, signature: sign(A, 'party', rh) },
      { kind: 'stage.confirmation_signed', stageId, signature: sign(B, 'party', rh) },
      { kind: 'stage.confirmation_signed', stageId, signature: sign(M, 'mediator', rh) },
    );
    await transaction((tx) => recordExchangeEvents(ctx, tx, exchangeId, events));
  }
  return transaction(async (tx) => {
    const existing = await tx
      .selectFrom('exchange_bulletins')
      .select('id')
      .where('exchange_id', '=', exchangeId)
      .limit(1)
      .executeTakeFirst();
    if (existing) return { published: false };
    await publishBulletin(ctx, tx, exchangeId);
    return { published: true };
  });
}
