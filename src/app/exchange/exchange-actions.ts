/**
 * The end of a stage, from the board: reconcile it (every active line has a record), justify each
 * rule breach (a warning of `stageWarnings`) with a code, and sign the stage confirmation as this
 * node's party. Each is one event through `recordExchangeEvents` (admitted by the domain, logged,
 * audited) in the caller's transaction; the domain refuses what the stage does not allow (reconciling
 * with lines pending, justifying a warning that does not exist, signing with breaches unjustified).
 *
 * Who justifies and signs is this node's party of the agreement (src/app/node/node-party.ts), never a
 * value from the request.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { violation } from '../../domain/exchange/errors.ts';
import { getStage } from '../../domain/exchange/operation.ts';
import { reconciliationHash } from '../../domain/exchange/reconcile.ts';
import type { JustificationCode, StageStatus } from '../../domain/exchange/stage.ts';
import { type NodeSelf, requireNodeParty } from '../node/node-party.ts';
import { shareExchangeEvents } from '../peers/outbox.ts';
import { loadExchange, recordExchangeEvent } from './exchange.ts';
import { signAsNode } from './signatures.ts';

export interface StageActionResult {
  stageId: string;
  /** Sequence number of the event recorded. */
  seq: number;
  status: StageStatus;
}

/** Records one stage event from this node's screens and shares it with the other signers' nodes. */
export async function recordStageEvent(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  stageId: string,
  event: Parameters<typeof recordExchangeEvent>[3],
): Promise<StageActionResult> {
  const r = await recordExchangeEvent(ctx, tx, exchangeId, event);
  // The other signers' nodes get it as a signed package (src/app/peers/outbox.ts), in this transaction.
  await shareExchangeEvents(tx, ctx, { id: exchangeId, agreementId: r.state.agreement.id }, [event]);
  return { stageId, seq: r.seqs.at(-1)!, status: getStage(r.state, stageId).status };
}

/** `stage.reconciled`: refused (422) while an active line has no record, or when not in progress. */
export async function reconcileStageNow(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  stageId: string,
  now: Date = new Date(),
): Promise<StageActionResult> {
  requirePermission(ctx, 'exchange:write');
  return recordStageEvent(ctx, tx, exchangeId, stageId, {
    kind: 'stage.reconciled',
    stageId,
    at: now.toISOString(),
  });
}

export interface JustificationInput {
  warningId: string;
  code: JustificationCode;
  note?: string | null | undefined;
}

/** `breach.justified` by this node's party; only a party justifies (a mediator node is refused). */
export async function justifyBreach(
  ctx: RequestContext,
  tx: Transaction<DB>,
  self: NodeSelf,
  exchangeId: string,
  stageId: string,
  input: JustificationInput,
): Promise<StageActionResult> {
  requirePermission(ctx, 'exchange:write');
  const { state } = await loadExchange(tx, ctx, exchangeId);
  const party = requireNodeParty(state.agreement, self);
  if (party.role !== 'party') throw violation('NOT_A_SIGNER', 'a party justifies a breach, not a mediator');
  const note = input.note?.trim() ? input.note.trim() : null;
  return recordStageEvent(ctx, tx, exchangeId, stageId, {
    kind: 'breach.justified',
    stageId,
    justification: { warningId: input.warningId, code: input.code, note, by: party.id },
  });
}

/**
 * `stage.confirmation_signed`: this node's Ed25519 signature (src/app/exchange/signatures.ts) as its party over the
 * stage's `reconciliationHash`. When the
 * caller names the hash it saw (`expectedHash`), a stage that changed since is refused with CONFLICT
 * rather than signed: a signer signs what they read.
 */
export async function signStageConfirmation(
  ctx: RequestContext,
  tx: Transaction<DB>,
  self: NodeSelf,
  exchangeId: string,
  stageId: string,
  opts: { expectedHash?: string | undefined; now?: Date } = {},
): Promise<StageActionResult & { reconciliationHash: string }> {
  requirePermission(ctx, 'exchange:write', 'node:sign');
  const { state } = await loadExchange(tx, ctx, exchangeId);
  const party = requireNodeParty(state.agreement, self);
  const h = reconciliationHash(state.agreement, getStage(state, stageId));
  if (opts.expectedHash && opts.expectedHash !== h)
    throw new DomainError(
      ErrorCodes.CONFLICT,
      'the stage changed since it was read; read it again before signing',
      {
        stageId,
      },
    );
  // An Ed25519 value by this node's own key (the one its packages and checkpoints are signed with).
  const signature = await signAsNode(
    tx,
    ctx,
    { kind: 'stage_confirmation', entityId: exchangeId },
    {
      signer: party.id,
      role: party.role,
      contentHash: h,
      signedAt: (opts.now ?? new Date()).toISOString(),
    },
  );
  const r = await recordStageEvent(ctx, tx, exchangeId, stageId, {
    kind: 'stage.confirmation_signed',
    stageId,
    signature,
  });
  return { ...r, reconciliationHash: h };
}
