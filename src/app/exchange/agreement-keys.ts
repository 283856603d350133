/**
 * Keys pinned per agreement (migration 008, DESIGN.md "Packages and the log"): for each party and
 * mediator of an agreement, the Ed25519 key its node signs packages and signatures with, and the
 * node's name (what packages are addressed to). Pinning also trusts the key for packages in general
 * (`pinKey`), but what a package may do inside an exchange is decided by this table: its sender must
 * be the key pinned for one of the agreement's signers, and the signatures it carries must be that
 * signer's.
 */
import type { Kysely, Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { loadLogKeys } from '../../db/ledger.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { IdSchema, type Signature, type SignerRole } from '../../domain/exchange/common.ts';
import { formatVerifierKey, parseVerifierKey } from '../../ledger/keys.ts';
import { type NoteVerifier, SignatureType } from '../../ledger/note.ts';
import { storedNodeParty } from '../node/node-party.ts';
import { pinKey } from '../peers/packages.ts';
import { keyRefOf, signatureProblem } from './signatures.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export interface AgreementKey {
  agreementId: string;
  signer: string;
  role: SignerRole;
  vkey: string;
  keyRef: string;
  /** The node's name: its log origin, what packages to it name as recipient. */
  nodeName: string;
}

/** Pins `vkey` as the key of `signer` under agreement `agreementId`. Idempotent for the same key. */
export async function pinAgreementKey(
  ctx: RequestContext,
  tx: Transaction<DB>,
  input: { agreementId: string; signer: string; role: SignerRole; vkey: string; label?: string },
): Promise<AgreementKey> {
  requirePermission(ctx, 'ledger:write');
  for (const [what, v] of [
    ['agreement id', input.agreementId],
    ['signer', input.signer],
  ] as const)
    if (!IdSchema.safeParse(v).success)
      throw new DomainError(
        ErrorCodes.VALIDATION_FAILED,
        `the ${what} must be an id (letters, digits, . _ : -)`,
      );
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(input.vkey);
  } catch {
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the key is not a verifier key (name+hash+base64)');
  }
  if (verifier.type !== SignatureType.ed25519)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'agreement keys are Ed25519 keys (type 0x01)');
  // This node's own key is trusted already; pinning it again would make two trusted keys of one name.
  const own = formatVerifierKey((await loadLogKeys(tx)).verifier) === input.vkey;
  // The node signs as its one party setting (src/app/node/node-party.ts): its own key is pinned for that
  // signer only, so that the signer its peers check and the party it acts as never disagree.
  if (own) {
    const { party } = await storedNodeParty(tx);
    if (party !== null && party !== input.signer)
      throw new DomainError(
        ErrorCodes.VALIDATION_FAILED,
        `this node acts as ${party}: its own key is pinned for ${party} only`,
      );
  }
  const keyRef = own
    ? keyRefOf(verifier)
    : (await pinKey(ctx, tx, input.vkey, input.label ?? `${input.signer} (${input.agreementId})`)).keyRef;
  const key: AgreementKey = {
    agreementId: input.agreementId,
    signer: input.signer,
    role: input.role,
    vkey: input.vkey,
    keyRef,
    nodeName: verifier.name,
  };
  const existing = await tx
    .selectFrom('agreement_keys')
    .selectAll()
    .where('agreement_id', '=', input.agreementId)
    .where((eb) => eb.or([eb('signer', '=', input.signer), eb('key_ref', '=', keyRef)]))
    .execute();
  for (const row of existing) {
    if (row.signer === input.signer && row.vkey === input.vkey && row.role === input.role) return key;
    throw new DomainError(
      ErrorCodes.CONFLICT,
      row.signer === input.signer
        ? `${input.signer} already has another key under agreement ${input.agreementId}`
        : `key ${keyRef} is already pinned for ${row.signer} under agreement ${input.agreementId}`,
    );
  }
  await tx
    .insertInto('agreement_keys')
    .values({
      agreement_id: key.agreementId,
      signer: key.signer,
      role: key.role,
      vkey: key.vkey,
      key_ref: key.keyRef,
      node_name: key.nodeName,
      pinned_by: ctx.actorName,
    })
    .execute();
  await commitRecords(tx, [{ table: 'agreement_keys', key: [key.agreementId, key.signer] }]);
  await writeAudit(tx, ctx, [
    {
      action: 'trust.agreement_key_pinned',
      entityType: 'key',
      entityId: key.keyRef,
      detail: { agreementId: key.agreementId, signer: key.signer, role: key.role, keyRef: key.keyRef, own },
    },
  ]);
  return key;
}

/** The keys pinned for an agreement, by signer. */
export async function agreementKeys(db: Handle, agreementId: string): Promise<AgreementKey[]> {
  const rows = await db
    .selectFrom('agreement_keys')
    .selectAll()
    .where('agreement_id', '=', agreementId)
    .orderBy('signer')
    .execute();
  return rows.map((r) => ({
    agreementId: r.agreement_id,
    signer: r.signer,
    role: r.role,
    vkey: r.vkey,
    keyRef: r.key_ref,
    nodeName: r.node_name,
  }));
}

/** The signer a package sender's key is pinned for under an agreement, or a refusal. */
export async function signerOfSender(db: Handle, agreementId: string, sender: string): Promise<AgreementKey> {
  const key = (await agreementKeys(db, agreementId)).find((k) => k.keyRef === sender);
  if (!key)
    throw new DomainError(
      ErrorCodes.KEY_NOT_PINNED_FOR_AGREEMENT,
      `key ${sender} is not pinned for any party or mediator of agreement ${agreementId}`,
    );
  return key;
}

/**
 * Why `sig` is not a signature by the signer `key` is pinned for (in its role, over `hash` when given,
 * with an Ed25519 value verifying under the key); undefined when it is. Names signers, nothing else.
 */
export function pinnedSignatureProblem(sig: Signature, key: AgreementKey, hash?: string): string | undefined {
  if (sig.signer !== key.signer) return `a signature of ${sig.signer} sent with the key of ${key.signer}`;
  if (sig.role !== key.role) return `signed as ${sig.role}, pinned as ${key.role}`;
  if (hash !== undefined && sig.contentHash !== hash) return 'the signature covers another hash';
  return signatureProblem(sig, parseVerifierKey(key.vkey));
}

/**
 * Checks every signature of an agreement version against the keys pinned for it: each signer must
 * have a pinned key, in the role it signs in, and its Ed25519 value must verify. Returns the problems
 * (empty: all check out), naming signers and never anything else.
 */
export async function agreementSignatureProblems(
  db: Handle,
  agreement: { id: string; signatures: readonly Signature[] },
): Promise<string[]> {
  const keys = new Map((await agreementKeys(db, agreement.id)).map((k) => [k.signer, k]));
  const out: string[] = [];
  for (const s of agreement.signatures) {
    const key = keys.get(s.signer);
    const problem = key
      ? pinnedSignatureProblem(s, key)
      : `has no key pinned under agreement ${agreement.id}`;
    if (problem) out.push(`${s.signer}: ${problem}`);
  }
  return out;
}

/** The signer this node itself is pinned as under an agreement (its own key), if it is one. */
export async function ownSigner(db: Handle, agreementId: string): Promise<AgreementKey | undefined> {
  const row = await db
    .selectFrom('agreement_keys')
    .selectAll()
    .where('agreement_id', '=', agreementId)
    .where('node_name', '=', (eb) => eb.selectFrom('node_identity').select('name').where('id', '=', 1))
    .executeTakeFirst();
  return (
    row && {
      agreementId: row.agreement_id,
      signer: row.signer,
      role: row.role,
      vkey: row.vkey,
      keyRef: row.key_ref,
      nodeName: row.node_name,
    }
  );
}

/**
 * Who this node sends an agreement's packages to: the nodes of every other signer pinned under it,
 * with this node's own signer; undefined when this node's key is pinned for none of its signers.
 */
export async function otherSignerNodes(
  db: Handle,
  agreementId: string,
): Promise<{ own: AgreementKey; nodes: string[] } | undefined> {
  const own = await ownSigner(db, agreementId);
  if (!own) return undefined;
  const nodes = [...new Set((await agreementKeys(db, agreementId)).map((k) => k.nodeName))].filter(
    (n) => n !== own.nodeName,
  );
  return { own, nodes };
}

/** As otherSignerNodes, or refuses: this node must be pinned as one of the agreement's signers. */
export async function requireOtherSignerNodes(db: Handle, agreementId: string) {
  const found = await otherSignerNodes(db, agreementId);
  if (!found)
    throw new DomainError(
      ErrorCodes.KEY_NOT_PINNED_FOR_AGREEMENT,
      `this node's own key is not pinned for agreement ${agreementId}: pin every signer's key first (homeward package pin VKEY --agreement ${agreementId} --signer S --role R)`,
    );
  return found;
}
