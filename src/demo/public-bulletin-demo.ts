/**
 * A confirmed stage and a published bulletin on the demo node's exchange, so the public bulletin page
 * (`/bulletin`) has something to show: a stage of the day before, 20 servicemembers and 3 civilians
 * each way (3 is a small cell, shown as suppressed), everyone handed over, reconciled and confirmed by
 * both parties and the mediator.
 *
 * On a node marked demo, the other signers are simulated (demo-signers.ts): Party B and the Mediator
 * get fresh keys named `demo-party-b` and `demo-mediator-m`, pinned for the agreement, and sign real
 * `agreement.signature` and `exchange.confirmation` packages this node accepts (the stage's own
 * signatures are Ed25519 values by the same keys); this node signs its own as Party A, and a
 * `demo-witness` cosigns the checkpoint covering the bulletin. The downloaded bulletin then passes
 * `homeward bulletin verify`, under keys this node made up: self-consistent, not evidence that anyone
 * else signed. The private demo keys are never stored. A demo directory seeded before this existed
 * gets its demo signers and witness on the next run (they sign the hashes its bulletin already
 * names). On a node not marked demo (tests) the signatures stay synthetic events only, so `bulletin
 * verify` reports them missing.
 *
 * Idempotent, in one transaction: the stage, the demo signatures, the bulletin and the cosignature
 * each happen only if missing.
 */

import { loadExchange, recordExchangeEvents } from '../app/exchange/exchange.ts';
import { signWith } from '../app/exchange/signatures.ts';
import { publishBulletin } from '../app/reports/bulletin.ts';
import type { RequestContext } from '../domain/access.ts';
import type { SignerRole } from '../domain/exchange/common.ts';
import { type HandoverRecordInput, ManifestSchema, manifestHash } from '../domain/exchange/handover.ts';
import {
  admitExchangeEvent,
  type ExchangeEvent,
  type ExchangeState,
  getStage,
} from '../domain/exchange/operation.ts';
import { reconciliationHash } from '../domain/exchange/reconcile.ts';
import { stageWarnings } from '../domain/exchange/rules.ts';
import { A, B, lines, M, plan, sign } from '../domain/exchange/synthetic.ts';
import {
  cosignAsDemoWitness,
  createDemoSigners,
  type DemoSigners,
  hasDemoSigners,
  signAsDemoSigners,
} from './demo-signers.ts';
import { DEMO_EXCHANGE_ID, type RunInTransaction } from './stage-board-demo.ts';

export const DEMO_BULLETIN_STAGE_ID = 'stage-0';

export interface SeededDemoBulletin {
  /** Whether a bulletin was published on this run. */
  published: boolean;
  /** Verifier keys of the demo signers made on this run (none if they existed, or not a demo node). */
  demoKeys: string[];
  /** Size of the checkpoint the demo witness cosigned on this run, if it did. */
  cosigned: number | null;
}

export async function seedDemoBulletin(
  transaction: RunInTransaction,
  ctx: RequestContext,
  opts: { exchangeId?: string; stageId?: string; now?: Date } = {},
): Promise<SeededDemoBulletin> {
  const exchangeId = opts.exchangeId ?? DEMO_EXCHANGE_ID;
  const stageId = opts.stageId ?? DEMO_BULLETIN_STAGE_ID;
  const now = opts.now ?? new Date();
  // One transaction: the demo keys exist only in memory here, so whatever they sign lands together.
  return transaction(async (tx) => {
    let { state } = await loadExchange(tx, ctx, exchangeId);
    const node = await tx.selectFrom('node_identity').select('demo').executeTakeFirstOrThrow();
    const signers =
      node.demo && !(await hasDemoSigners(tx))
        ? await createDemoSigners(ctx, tx, state.agreement)
        : undefined;
    if (!state.stages[stageId])
      state = (await recordExchangeEvents(ctx, tx, exchangeId, demoStageEvents(state, stageId, now, signers)))
        .state;
    if (signers) await signAsDemoSigners(ctx, tx, { exchangeId, state, signers, now });
    const existing = await tx
      .selectFrom('exchange_bulletins')
      .select('id')
      .where('exchange_id', '=', exchangeId)
      .limit(1)
      .executeTakeFirst();
    if (!existing) await publishBulletin(ctx, tx, exchangeId);
    const cosigned = node.demo ? await cosignAsDemoWitness(tx) : undefined;
    return {
      published: !existing,
      demoKeys: signers?.simulated.map((s) => s.vkey) ?? [],
      cosigned: cosigned?.size ?? null,
    };
  });
}

/**
 * The demo stage from plan to confirmation, every line handed over. With demo signers its signatures
 * are Ed25519 values by their keys (this node's own for Party A), else synthetic.
 */
function demoStageEvents(
  state: ExchangeState,
  stageId: string,
  now: Date,
  signers: DemoSigners | undefined,
): ExchangeEvent[] {
  const signature = (who: string, role: SignerRole, contentHash: string) => {
    const key = signers?.all.find((x) => x.id === who)?.key;
    const signedAt = now.toISOString();
    return key
      ? signWith(key, { signer: who, role, contentHash, signedAt })
      : sign(who, role, contentHash, now.getTime());
  };
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
    { kind: 'manifest.signed', stageId, version: 1, signature: signature(A, 'party', h) },
    { kind: 'manifest.signed', stageId, version: 1, signature: signature(B, 'party', h) },
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
    { kind: 'stage.confirmation_signed', stageId, signature: signature(A, 'party', rh) },
    { kind: 'stage.confirmation_signed', stageId, signature: signature(B, 'party', rh) },
    { kind: 'stage.confirmation_signed', stageId, signature: signature(M, 'mediator', rh) },
  );
  return events;
}
