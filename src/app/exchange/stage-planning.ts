/**
 * Planning a stage from a node's screens or API: the plan (date, crossing point, counts by direction ×
 * category), manifest versions, this node's party's signature on a manifest (an Ed25519 value over the
 * domain's `manifestHash`), and the start of the stage. Each is one event admitted by the exchange
 * domain (which refuses what the stage does not allow) and shared with the other signers' nodes
 * (src/app/peers/outbox.ts); a manifest locks when both parties have signed the same version, each from its
 * own node.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { violation } from '../../domain/exchange/errors.ts';
import {
  type ManifestEntryInput,
  ManifestSchema,
  manifestHash,
  type StagePlan,
} from '../../domain/exchange/handover.ts';
import { getStage } from '../../domain/exchange/operation.ts';
import { shownIssue } from '../../domain/field-names.ts';
import { ownSigner } from './agreement-keys.ts';
import { loadExchange } from './exchange.ts';
import { recordStageEvent, type StageActionResult } from './exchange-actions.ts';
import { signAsNode } from './signatures.ts';

/** `stage.planned` under the exchange's agreement. */
export async function planStage(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  input: Omit<StagePlan, 'agreementId' | 'date'> & { date: string },
): Promise<StageActionResult> {
  requirePermission(ctx, 'list:write');
  const { state } = await loadExchange(tx, ctx, exchangeId);
  return recordStageEvent(ctx, tx, exchangeId, input.stageId, {
    kind: 'stage.planned',
    plan: { ...input, agreementId: state.agreement.id },
  });
}

/**
 * `manifest.proposed`: version 1, or the next version of a manifest (naming its parent's hash and the
 * reasons, which a locked manifest requires). Returns the version and the hash the parties sign.
 */
export async function proposeManifest(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  stageId: string,
  input: { entries: ManifestEntryInput[]; reasons?: string | null | undefined },
): Promise<StageActionResult & { version: number; manifestHash: string }> {
  requirePermission(ctx, 'list:write');
  const { state } = await loadExchange(tx, ctx, exchangeId);
  const stage = getStage(state, stageId);
  const parent = stage.manifests.at(-1);
  const parsed = ManifestSchema.safeParse({
    stageId,
    version: (parent?.version ?? 0) + 1,
    parentHash: parent ? manifestHash(parent) : null,
    reasons: input.reasons ?? null,
    entries: input.entries,
  });
  if (!parsed.success)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the manifest is malformed', {
      issues: parsed.error.issues.slice(0, 20).map((i) => shownIssue(ManifestSchema, i)),
    });
  const r = await recordStageEvent(ctx, tx, exchangeId, stageId, {
    kind: 'manifest.proposed',
    manifest: parsed.data,
  });
  return { ...r, version: parsed.data.version, manifestHash: manifestHash(parsed.data) };
}

/**
 * `manifest.signed` by this node's party over the hash of a manifest version. `expectedHash` (the
 * hash the user was shown) must match, so nobody signs a version they did not see.
 */
export async function signManifest(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  stageId: string,
  version: number,
  opts: { expectedHash?: string | undefined; now?: Date } = {},
): Promise<StageActionResult & { manifestHash: string }> {
  requirePermission(ctx, 'node:sign');
  const { state } = await loadExchange(tx, ctx, exchangeId);
  const manifest = getStage(state, stageId).manifests[version - 1];
  if (!manifest) throw violation('UNKNOWN_REFERENCE', `no manifest version ${version} in ${stageId}`);
  const h = manifestHash(manifest);
  if (opts.expectedHash && opts.expectedHash !== h)
    throw new DomainError(ErrorCodes.CONFLICT, 'the manifest is not the one you were shown');
  const own = await ownSigner(tx, state.agreement.id);
  if (own?.role !== 'party')
    throw violation('NOT_A_SIGNER', 'a manifest is signed by a party, from a node pinned as that party');
  const signature = await signAsNode(
    tx,
    ctx,
    { kind: 'manifest', entityId: exchangeId },
    {
      signer: own.signer,
      role: 'party',
      contentHash: h,
      signedAt: (opts.now ?? new Date()).toISOString(),
    },
  );
  const r = await recordStageEvent(ctx, tx, exchangeId, stageId, {
    kind: 'manifest.signed',
    stageId,
    version,
    signature,
  });
  return { ...r, manifestHash: h };
}

/** `stage.started`: only once the manifest is locked. */
export async function startStage(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  stageId: string,
  now: Date = new Date(),
): Promise<StageActionResult> {
  requirePermission(ctx, 'exchange:write');
  return recordStageEvent(ctx, tx, exchangeId, stageId, {
    kind: 'stage.started',
    stageId,
    at: now.toISOString(),
  });
}
