/**
 * Substitutions approved by both parties, each from its own node (migration 012). During a stage, a
 * line that cannot go (wrong person presented, not presented, unfit, withdrawn…) is replaced by an
 * unused reserve line of the same direction, and both parties must approve that exact substitution
 * (the domain's `approvalHash`) before it is recorded (invariant 2).
 *
 * 1. `proposeSubstitution`: this node checks the substitution against the stage (everything the domain
 *    checks but the approvals), signs its approval hash as its party, and sends the body with the
 *    approval to the other signers (`substitution.approval`).
 * 2. `approveSubstitution`: the other party's node signs the same hash.
 * 3. Received approvals are checked (sender pinned for a party of the agreement, the approval its own,
 *    the Ed25519 value verifying under its key) and stored.
 * 4. The node whose own approval completes the pair records `substitution.approved` with both
 *    approvals and shares it with the others (src/app/peers/outbox.ts), who admit it like any event.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { partyIds } from '../../domain/exchange/agreement.ts';
import { type Signature, SignatureSchema, toJson } from '../../domain/exchange/common.ts';
import { violation } from '../../domain/exchange/errors.ts';
import { approvalHash, type Substitution, SubstitutionSchema } from '../../domain/exchange/handover.ts';
import { admitExchangeEvent, getStage } from '../../domain/exchange/operation.ts';
import { lockedManifest } from '../../domain/exchange/stage.ts';
import { toJsonValue } from '../../ledger/jcs.ts';
import { shareExchangeEvents } from '../peers/outbox.ts';
import { SUBSTITUTION_APPROVAL_PACKAGE_TYPE } from '../peers/package-types.ts';
import { sendPackage } from '../peers/packages.ts';
import {
  ownSigner,
  pinnedSignatureProblem,
  requireOtherSignerNodes,
  signerOfSender,
} from './agreement-keys.ts';
import { loadExchange, recordExchangeEvent } from './exchange.ts';
import { signAsNode } from './signatures.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export interface PendingSubstitution {
  substitutionId: string;
  stageId: string;
  replaces: string;
  by: string;
  reason: string;
  approvalHash: string;
  proposedBy: string;
  approvedBy: string[];
  awaiting: string[];
  /** This node's party may approve it now. */
  canApprove: boolean;
}

async function ownParty(tx: Handle, agreementId: string) {
  const own = await ownSigner(tx, agreementId);
  if (own?.role !== 'party')
    throw violation('NOT_A_SIGNER', 'only a party approves a substitution, from a node pinned as that party');
  return own;
}

/** Everything the domain checks of a substitution but the approvals: admitted with stand-in approvals. */
function checkAgainstStage(state: Parameters<typeof admitExchangeEvent>[0], body: Substitution) {
  const h = approvalHash(body);
  const standIn = partyIds(state.agreement).map(
    (p): Signature => ({
      signer: p,
      role: 'party',
      keyId: 'check',
      contentHash: h,
      signedAt: new Date(0).toISOString(),
    }),
  );
  admitExchangeEvent(state, { kind: 'substitution.approved', substitution: { ...body, approvals: standIn } });
}

async function store(tx: Transaction<DB>, exchangeId: string, body: Substitution, proposedBy: string) {
  const done = await tx
    .insertInto('substitution_proposals')
    .values({
      approval_hash: approvalHash(body),
      exchange_id: exchangeId,
      stage_id: body.stageId,
      substitution_id: body.id,
      body: JSON.stringify(body),
      proposed_by: proposedBy,
    })
    .onConflict((oc) => oc.column('approval_hash').doNothing())
    .executeTakeFirst();
  if (done?.numInsertedOrUpdatedRows)
    await commitRecords(tx, [{ table: 'substitution_proposals', key: approvalHash(body) }]);
}

async function storeApproval(tx: Transaction<DB>, hash: string, sig: Signature) {
  const done = await tx
    .insertInto('substitution_approvals')
    .values({ approval_hash: hash, signer: sig.signer, signature: JSON.stringify(sig) })
    .onConflict((oc) => oc.columns(['approval_hash', 'signer']).doNothing())
    .executeTakeFirst();
  if (done?.numInsertedOrUpdatedRows)
    await commitRecords(tx, [{ table: 'substitution_approvals', key: [hash, sig.signer] }]);
}

async function sendApproval(
  ctx: RequestContext,
  tx: Transaction<DB>,
  agreementId: string,
  exchangeId: string,
  body: Substitution,
  signature: Signature,
) {
  await ownParty(tx, agreementId);
  const { nodes: to } = await requireOtherSignerNodes(tx, agreementId);
  if (!to.length) return;
  await sendPackage(ctx, tx, {
    type: SUBSTITUTION_APPROVAL_PACKAGE_TYPE,
    version: 1,
    recipients: to,
    payload: toJsonValue({
      exchangeId,
      substitutionId: body.id,
      approvalHash: approvalHash(body),
      signature,
      substitution: body,
    }),
  });
}

/** Proposes replacing `replaces` by the reserve line `by`, approved by this node's party, and sends it. */
export async function proposeSubstitution(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  stageId: string,
  input: { replaces: string; by: string; reason: Substitution['reason'] },
  now: Date = new Date(),
): Promise<PendingSubstitution> {
  requirePermission(ctx, 'exchange:write', 'node:sign');
  const { state } = await loadExchange(tx, ctx, exchangeId);
  const own = await ownParty(tx, state.agreement.id);
  const parsed = SubstitutionSchema.safeParse({
    id: `sub-${randomUUID()}`,
    stageId,
    replaces: input.replaces,
    by: input.by,
    reason: input.reason,
    approvals: [],
  });
  if (!parsed.success) throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the substitution is malformed');
  const body = parsed.data;
  checkAgainstStage(state, body);
  const signature = await signAsNode(
    tx,
    ctx,
    { kind: 'substitution_approval', entityId: exchangeId },
    {
      signer: own.signer,
      role: 'party',
      contentHash: approvalHash(body),
      signedAt: now.toISOString(),
    },
  );
  await store(tx, exchangeId, body, own.signer);
  await storeApproval(tx, approvalHash(body), signature);
  // Ours is the first approval; the other party's completes it.
  await sendApproval(ctx, tx, state.agreement.id, exchangeId, body, signature);
  return (await pendingSubstitutions(tx, ctx, exchangeId, stageId)).find(
    (p) => p.substitutionId === body.id,
  )!;
}

/**
 * Approves a proposed substitution as this node's party. When that completes the pair, records
 * `substitution.approved` with both approvals (and shares it); else sends the approval.
 */
export async function approveSubstitution(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  substitutionId: string,
  now: Date = new Date(),
): Promise<{ recorded: boolean }> {
  requirePermission(ctx, 'exchange:write', 'node:sign');
  const row = await tx
    .selectFrom('substitution_proposals')
    .selectAll()
    .where('exchange_id', '=', exchangeId)
    .where('substitution_id', '=', substitutionId)
    .executeTakeFirst();
  if (!row) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such substitution proposed in this exchange');
  const body = row.body as Substitution;
  const { state } = await loadExchange(tx, ctx, exchangeId);
  const own = await ownParty(tx, state.agreement.id);
  const have = await approvalsOf(tx, row.approval_hash);
  if (have.some((s) => s.signer === own.signer))
    throw new DomainError(ErrorCodes.CONFLICT, `${own.signer} has already approved this substitution`);
  checkAgainstStage(state, body);
  const signature = await signAsNode(
    tx,
    ctx,
    { kind: 'substitution_approval', entityId: exchangeId },
    {
      signer: own.signer,
      role: 'party',
      contentHash: row.approval_hash,
      signedAt: now.toISOString(),
    },
  );
  await storeApproval(tx, row.approval_hash, signature);
  const approvals = partyIds(state.agreement)
    .map((p) => [...have, signature].find((s) => s.signer === p))
    .filter((s): s is Signature => !!s);
  if (approvals.length < 2) {
    await sendApproval(ctx, tx, state.agreement.id, exchangeId, body, signature);
    return { recorded: false };
  }
  const event = { kind: 'substitution.approved' as const, substitution: { ...body, approvals } };
  const r = await recordExchangeEvent(ctx, tx, exchangeId, event);
  await shareExchangeEvents(tx, ctx, { id: exchangeId, agreementId: r.state.agreement.id }, [event]);
  return { recorded: true };
}

async function approvalsOf(db: Handle, hash: string): Promise<Signature[]> {
  const rows = await db
    .selectFrom('substitution_approvals')
    .select('signature')
    .where('approval_hash', '=', hash)
    .execute();
  return rows.map((r) => r.signature as Signature);
}

/** Inbox handler for `substitution.approval`. */
export async function applySubstitutionApproval(
  ctx: RequestContext,
  tx: Transaction<DB>,
  p: { sender: string; payload: unknown },
): Promise<'applied' | 'kept'> {
  const raw = p.payload as {
    exchangeId?: unknown;
    approvalHash?: unknown;
    signature?: unknown;
    substitution?: unknown;
  };
  if (typeof raw?.exchangeId !== 'string' || typeof raw.approvalHash !== 'string')
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      'a substitution.approval payload names its exchange and hash',
    );
  // An approval without the substitution it approves (as some tests and older nodes send) is kept.
  const body = SubstitutionSchema.safeParse(raw.substitution);
  if (!body.success) return 'kept';
  if (approvalHash(body.data) !== raw.approvalHash)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the approval covers another substitution');
  const sig = SignatureSchema.safeParse(raw.signature);
  if (!sig.success) throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the approval is malformed');
  const { state } = await loadExchange(tx, ctx, raw.exchangeId);
  const key = await signerOfSender(tx, state.agreement.id, p.sender);
  const problem =
    key.role !== 'party'
      ? 'a substitution is approved by a party'
      : pinnedSignatureProblem(sig.data, key, raw.approvalHash);
  if (problem)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `substitution approval: ${problem}`, {
      violation: 'BAD_SIGNATURE',
    });
  await store(tx, raw.exchangeId, body.data, key.signer);
  await storeApproval(tx, raw.approvalHash, toJson(sig.data));
  return 'applied';
}

/** Substitutions proposed for a stage and not yet recorded in it, with who approved and who is awaited. */
export async function pendingSubstitutions(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
  stageId: string,
): Promise<PendingSubstitution[]> {
  requirePermission(ctx, 'exchange:read');
  const { state } = await loadExchange(db, ctx, exchangeId);
  const stage = getStage(state, stageId);
  const recorded = new Set(stage.substitutions.map((x) => x.id));
  const own = await ownSigner(db, state.agreement.id);
  const rows = await db
    .selectFrom('substitution_proposals')
    .selectAll()
    .where('exchange_id', '=', exchangeId)
    .where('stage_id', '=', stageId)
    .orderBy('created_at')
    .execute();
  const out: PendingSubstitution[] = [];
  for (const r of rows) {
    if (recorded.has(r.substitution_id)) continue;
    const body = r.body as Substitution;
    const approvedBy = (await approvalsOf(db, r.approval_hash)).map((s) => s.signer);
    const awaiting = partyIds(state.agreement).filter((p) => !approvedBy.includes(p));
    out.push({
      substitutionId: body.id,
      stageId,
      replaces: body.replaces,
      by: body.by,
      reason: body.reason,
      approvalHash: r.approval_hash,
      proposedBy: r.proposed_by,
      approvedBy,
      awaiting,
      canApprove: own?.role === 'party' && awaiting.includes(own.signer),
    });
  }
  return out;
}

/** Unused reserve lines of a stage, by direction: what a substitution may bring in. */
export function unusedReserve(
  state: Parameters<typeof getStage>[0],
  stageId: string,
): { entryId: string; direction: string; category: string }[] {
  const s = getStage(state, stageId);
  const used = new Set(s.substitutions.map((x) => x.by));
  return (lockedManifest(s)?.entries ?? [])
    .filter((e) => e.reserve && !used.has(e.id))
    .map((e) => ({ entryId: e.id, direction: e.direction, category: e.category }));
}
