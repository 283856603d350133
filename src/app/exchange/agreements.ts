/**
 * Agreeing between nodes: a version of an agreement is proposed by one signer, signed by every party
 * and mediator from their own nodes, and each node starts the exchange once it holds the draft and
 * every signature (migration 010). Everything travels as signed packages to the other signers pinned
 * under the agreement (src/app/exchange/agreement-keys.ts) and is delivered by the outbox (src/app/peers/outbox.ts).
 *
 * 1. Every node pins the keys of all signers for the agreement's id (`homeward package pin VKEY
 *    --agreement ID --signer S --role party|mediator`), its own included.
 * 2. `proposeAgreement`: the proposer's node checks the version (domain `draftAgreement`), stores it
 *    and sends it as `agreement.draft`.
 * 3. `signAgreementVersion`: each node signs the version's hash with its key (an Ed25519 value, see
 *    src/app/exchange/signatures.ts) and sends `{agreementId, agreementHash, signature}` as `agreement.signature`.
 *    The bulletin carries these packages.
 * 4. Received drafts and signatures are checked (sender pinned for a signer of that agreement; a
 *    signature by that signer, for that hash, verifying under its key) and stored; whichever arrives
 *    last completes the set, and the exchange starts under the signed version (`createExchange`).
 */
import type { Kysely, Transaction } from 'kysely';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import {
  type Agreement,
  agreementHash,
  draftAgreement,
  requiredAgreementSigners,
  signAgreement,
} from '../../domain/exchange/agreement.ts';
import { IdSchema, type Signature, SignatureSchema, toJson } from '../../domain/exchange/common.ts';
import { toJsonValue } from '../../ledger/jcs.ts';
import { AGREEMENT_DRAFT_PACKAGE_TYPE, AGREEMENT_SIGNATURE_PACKAGE_TYPE } from '../peers/package-types.ts';
import { sendPackage } from '../peers/packages.ts';
import {
  agreementKeys,
  ownSigner,
  pinnedSignatureProblem,
  requireOtherSignerNodes,
  signerOfSender,
} from './agreement-keys.ts';
import { createExchange } from './exchange.ts';
import { signAsNode } from './signatures.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export interface AgreementStatus {
  exchangeId: string;
  title: string;
  agreementId: string;
  version: number;
  agreementHash: string;
  proposedBy: string;
  signed: { signer: string; role: string; signedAt: string }[];
  awaiting: string[];
  /** The exchange runs under this version (every signature held). */
  started: boolean;
}

/** Proposes a version of an agreement for an exchange and sends it to the other signers. */
export async function proposeAgreement(
  ctx: RequestContext,
  tx: Transaction<DB>,
  input: { exchangeId: string; agreement: unknown },
): Promise<AgreementStatus> {
  requirePermission(ctx, 'exchange:write', 'ledger:write', 'node:sign');
  if (!IdSchema.safeParse(input.exchangeId).success)
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      'the exchange id must be an id (letters, digits, . _ : -)',
    );
  const raw = input.agreement as { signatures?: unknown } | null;
  if (raw && typeof raw === 'object' && Array.isArray(raw.signatures) && raw.signatures.length)
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      'propose an unsigned version: signatures are added by signing',
    );
  const { signatures: _, ...body } = (raw ?? {}) as Record<string, unknown>;
  const draft = toJson(draftAgreement(body));
  const keys = new Set((await agreementKeys(tx, draft.id)).map((k) => k.signer));
  const missing = requiredAgreementSigners(draft)
    .map((r) => r.signer)
    .filter((s) => !keys.has(s));
  if (missing.length)
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      `no key pinned under agreement ${draft.id} for ${missing.join(', ')}: pin them first`,
      { missing },
    );
  const { own, nodes: to } = await requireOtherSignerNodes(tx, draft.id);
  const existing = await tx
    .selectFrom('exchanges')
    .select('id')
    .where('id', '=', input.exchangeId)
    .executeTakeFirst();
  if (existing) throw new DomainError(ErrorCodes.CONFLICT, 'this exchange already runs');
  const hash = agreementHash(draft);
  await storeDraft(ctx, tx, input.exchangeId, draft, own.signer);
  await sendPackage(ctx, tx, {
    type: AGREEMENT_DRAFT_PACKAGE_TYPE,
    version: 1,
    recipients: to,
    payload: toJsonValue({ exchangeId: input.exchangeId, agreement: draft }),
  });
  return statusOf(ctx, tx, input.exchangeId, hash);
}

async function storeDraft(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  draft: Agreement,
  proposedBy: string,
) {
  const done = await tx
    .insertInto('agreement_drafts')
    .values({
      agreement_hash: agreementHash(draft),
      org_id: ctx.orgId,
      exchange_id: exchangeId,
      agreement_id: draft.id,
      version: draft.version,
      body: JSON.stringify(draft),
      proposed_by: proposedBy,
    })
    .onConflict((oc) => oc.column('agreement_hash').doNothing())
    .executeTakeFirst();
  if (done?.numInsertedOrUpdatedRows)
    await commitRecords(tx, [{ table: 'agreement_drafts', key: agreementHash(draft) }]);
}

async function storeSignature(tx: Transaction<DB>, hash: string, sig: Signature) {
  const done = await tx
    .insertInto('agreement_signatures')
    .values({ agreement_hash: hash, signer: sig.signer, signature: JSON.stringify(sig) })
    .onConflict((oc) => oc.columns(['agreement_hash', 'signer']).doNothing())
    .executeTakeFirst();
  if (done?.numInsertedOrUpdatedRows)
    await commitRecords(tx, [{ table: 'agreement_signatures', key: [hash, sig.signer] }]);
}

/** The draft of an exchange to sign: by hash, or the latest proposed. */
async function draftOf(ctx: RequestContext, db: Handle, exchangeId: string, hash?: string) {
  let q = db
    .selectFrom('agreement_drafts')
    .selectAll()
    .where('org_id', '=', ctx.orgId)
    .where('exchange_id', '=', exchangeId);
  if (hash) q = q.where('agreement_hash', '=', hash);
  const row = await q.orderBy('version', 'desc').orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  if (!row) throw new DomainError(ErrorCodes.NOT_FOUND, 'no agreement proposed for this exchange');
  return row;
}

/** Signs a proposed version as this node's signer, sends the signature, and starts if complete. */
export async function signAgreementVersion(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  hash?: string,
  now: Date = new Date(),
): Promise<AgreementStatus> {
  requirePermission(ctx, 'exchange:write', 'ledger:write', 'node:sign');
  const row = await draftOf(ctx, tx, exchangeId, hash);
  const own = await ownSigner(tx, row.agreement_id);
  if (!own)
    throw new DomainError(
      ErrorCodes.KEY_NOT_PINNED_FOR_AGREEMENT,
      "this node's key is not pinned for the agreement",
    );
  const signature = await signAsNode(
    tx,
    ctx,
    { kind: 'agreement', entityId: exchangeId },
    {
      signer: own.signer,
      role: own.role,
      contentHash: row.agreement_hash,
      signedAt: now.toISOString(),
    },
  );
  // The domain decides whether this signer may sign this version (a required signer, not twice).
  signAgreement(row.body as Agreement, signature);
  const have = await tx
    .selectFrom('agreement_signatures')
    .select('signer')
    .where('agreement_hash', '=', row.agreement_hash)
    .where('signer', '=', own.signer)
    .executeTakeFirst();
  if (have) throw new DomainError(ErrorCodes.CONFLICT, `${own.signer} has already signed this version`);
  await storeSignature(tx, row.agreement_hash, signature);
  const { nodes: to } = await requireOtherSignerNodes(tx, row.agreement_id);
  await sendPackage(ctx, tx, {
    type: AGREEMENT_SIGNATURE_PACKAGE_TYPE,
    version: 1,
    recipients: to,
    payload: toJsonValue({
      exchangeId,
      agreementId: row.agreement_id,
      agreementHash: row.agreement_hash,
      signature,
    }),
  });
  await startIfComplete(ctx, tx, row.agreement_hash);
  return statusOf(ctx, tx, exchangeId, row.agreement_hash);
}

/** Starts the exchange once the draft and every required signature are held. Returns whether it runs. */
async function startIfComplete(ctx: RequestContext, tx: Transaction<DB>, hash: string): Promise<boolean> {
  const row = await tx
    .selectFrom('agreement_drafts')
    .selectAll()
    .where('org_id', '=', ctx.orgId)
    .where('agreement_hash', '=', hash)
    .executeTakeFirst();
  if (!row) return false;
  const sigs = await tx
    .selectFrom('agreement_signatures')
    .select(['signer', 'signature'])
    .where('agreement_hash', '=', hash)
    .execute();
  const bySigner = new Map(sigs.map((s) => [s.signer, s.signature as Signature]));
  let agreement = row.body as Agreement;
  for (const r of requiredAgreementSigners(agreement)) {
    const s = bySigner.get(r.signer);
    if (!s) return false;
    agreement = signAgreement(agreement, s);
  }
  await createExchange(ctx, tx, { id: row.exchange_id, agreement: toJson(agreement) });
  return true;
}

/** Inbox handler for `agreement.draft`. */
export async function applyAgreementDraft(
  ctx: RequestContext,
  tx: Transaction<DB>,
  p: { sender: string; payload: unknown },
): Promise<'applied'> {
  const raw = p.payload as { exchangeId?: unknown; agreement?: unknown };
  if (typeof raw?.exchangeId !== 'string' || !IdSchema.safeParse(raw.exchangeId).success)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'an agreement.draft payload names its exchange');
  const draft = toJson(draftAgreement(raw.agreement));
  const key = await signerOfSender(tx, draft.id, p.sender);
  await storeDraft(ctx, tx, raw.exchangeId, draft, key.signer);
  await startIfComplete(ctx, tx, agreementHash(draft));
  return 'applied';
}

/** Inbox handler for `agreement.signature`. */
export async function applyAgreementSignature(
  ctx: RequestContext,
  tx: Transaction<DB>,
  p: { sender: string; payload: unknown },
): Promise<'applied' | 'kept'> {
  const raw = p.payload as { agreementId?: unknown; agreementHash?: unknown; signature?: unknown };
  if (typeof raw?.agreementHash !== 'string')
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      'an agreement.signature payload names the hash it signs',
    );
  // Without the agreement's id, the draft it signs tells it; a signature of an agreement this node was
  // never asked to agree to is only kept (e.g. one a bulletin carries).
  const agreementId =
    typeof raw.agreementId === 'string'
      ? raw.agreementId
      : (
          await tx
            .selectFrom('agreement_drafts')
            .select('agreement_id')
            .where('org_id', '=', ctx.orgId)
            .where('agreement_hash', '=', raw.agreementHash)
            .executeTakeFirst()
        )?.agreement_id;
  if (!agreementId) return 'kept';
  const parsed = SignatureSchema.safeParse(raw.signature);
  if (!parsed.success) throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the signature is malformed');
  const sig = parsed.data;
  const key = await signerOfSender(tx, agreementId, p.sender);
  const problem = pinnedSignatureProblem(sig, key, raw.agreementHash);
  if (problem)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `agreement signature: ${problem}`, {
      violation: 'BAD_SIGNATURE',
    });
  await storeSignature(tx, raw.agreementHash, toJson(sig));
  await startIfComplete(ctx, tx, raw.agreementHash);
  return 'applied';
}

/**
 * Where an exchange's agreement stands: the latest proposed version (or `hash`), who signed, who is
 * awaited. Another organisation's exchange answers not found.
 */
export async function agreementStatus(
  ctx: RequestContext,
  db: Handle,
  exchangeId: string,
  hash?: string,
): Promise<AgreementStatus> {
  requirePermission(ctx, 'exchange:read');
  return statusOf(ctx, db, exchangeId, hash);
}

/** agreementStatus for use cases that have checked their own permission. */
async function statusOf(
  ctx: RequestContext,
  db: Handle,
  exchangeId: string,
  hash?: string,
): Promise<AgreementStatus> {
  const row = await draftOf(ctx, db, exchangeId, hash);
  const sigs = await db
    .selectFrom('agreement_signatures')
    .select(['signer', 'signature'])
    .where('agreement_hash', '=', row.agreement_hash)
    .execute();
  const signed = sigs.map((s) => s.signature as Signature);
  const required = requiredAgreementSigners(row.body as Agreement);
  const started = await db
    .selectFrom('exchanges')
    .select('agreement_hash')
    .where('org_id', '=', ctx.orgId)
    .where('id', '=', exchangeId)
    .executeTakeFirst();
  return {
    exchangeId,
    title: (row.body as Agreement).title,
    agreementId: row.agreement_id,
    version: row.version,
    agreementHash: row.agreement_hash,
    proposedBy: row.proposed_by,
    signed: signed.map((s) => ({ signer: s.signer, role: s.role, signedAt: s.signedAt })),
    awaiting: required.map((r) => r.signer).filter((s) => !signed.some((x) => x.signer === s)),
    started: started?.agreement_hash === row.agreement_hash,
  };
}

/** Proposed versions whose exchange has not started under them, newest first, with what this node may do. */
export async function pendingAgreements(
  ctx: RequestContext,
  db: Handle,
): Promise<(AgreementStatus & { ownSigner: string | null; canSign: boolean })[]> {
  requirePermission(ctx, 'exchange:read');
  const rows = await db
    .selectFrom('agreement_drafts as d')
    .leftJoin('exchanges as e', (j) => j.onRef('e.id', '=', 'd.exchange_id').on('e.org_id', '=', ctx.orgId))
    .select(['d.exchange_id', 'd.agreement_hash', 'd.agreement_id'])
    .where('d.org_id', '=', ctx.orgId)
    .where((eb) => eb.or([eb('e.id', 'is', null), eb('e.agreement_hash', '!=', eb.ref('d.agreement_hash'))]))
    .orderBy('d.created_at', 'desc')
    .limit(100)
    .execute();
  const out = [];
  for (const r of rows) {
    const status = await statusOf(ctx, db, r.exchange_id, r.agreement_hash);
    const own = await ownSigner(db, r.agreement_id);
    out.push({
      ...status,
      ownSigner: own?.signer ?? null,
      canSign: !!own && status.awaiting.includes(own.signer),
    });
  }
  return out;
}
