/**
 * Publishing an exchange's public bulletin: built from the stored stream (buildBulletin over the
 * confirmed stages), its hash recorded in the node's log (`exchange.bulletin`) in the same
 * transaction as the bulletin row, then packaged with what a verifier needs (bulletin-verify.ts):
 * the disclosures, the node's key, an inclusion proof ending in the latest final (cosigned)
 * checkpoint, the witnesses and quorum, and the signed packages of the agreement and of each stage
 * confirmation that this node sent or accepted.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../../db/audit.ts';
import { loadKeyChain } from '../../db/key-chain.ts';
import {
  appendLogEntries,
  latestCheckpoint,
  loadLogKeys,
  loadNodeKeyStore,
  proveInclusion,
} from '../../db/ledger.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import {
  type Bulletin,
  BulletinSchema,
  buildBulletin,
  bulletinHash,
  type Disclosure,
  DisclosureSchema,
} from '../../domain/exchange/bulletin.ts';
import { formatVerifierKey } from '../../ledger/keys.ts';
import { formatKeyId } from '../../ledger/note.ts';
import { formatTlogProof } from '../../ledger/proof-bundle.ts';
import { loadExchange } from '../exchange/exchange.ts';
import { latestFinalCheckpoint, listLogWitnesses, witnessQuorum } from '../ledger/log-cosign.ts';
import {
  AGREEMENT_SIGNATURE_PACKAGE_TYPE,
  CONFIRMATION_PACKAGE_TYPE,
  ConfirmationPayloadSchema,
} from '../peers/package-types.ts';
import {
  AgreementSignaturePayloadSchema,
  BULLETIN_LOG_KIND,
  type PublishedVerifiableBulletin,
  VERIFIABLE_BULLETIN_FORMAT,
  type VerifiableBulletin,
} from './bulletin-verify.ts';

type Handle = Kysely<DB> | Transaction<DB>;

/**
 * Per-record salts: HMAC-SHA-256 under a key only the node's signing key can make — the hash of its
 * (deterministic) Ed25519 signature over a fixed label, so any key store can derive it.
 */
async function saltFunction(db: Handle): Promise<(stageId: string, recordId: string) => string> {
  const store = await loadNodeKeyStore(db);
  const label = 'homeward/bulletin-salt/v2\n';
  const key = createHash('sha256')
    .update(label)
    .update(store.sign(Buffer.from(label, 'utf8')))
    .digest();
  return (stageId, recordId) => createHmac('sha256', key).update(`${stageId}\n${recordId}`).digest('hex');
}

export interface PublishedBulletin {
  bulletin: Bulletin;
  disclosures: Disclosure[];
  hash: string;
  logIndex: number;
}

/** Builds the bulletin over the confirmed stages and records its hash in the log. */
export async function publishBulletin(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
): Promise<PublishedBulletin> {
  requirePermission(ctx, 'exchange:write');
  const { state, seq } = await loadExchange(tx, ctx, exchangeId);
  const { bulletin, disclosures } = buildBulletin({ state, saltOf: await saltFunction(tx) });
  if (bulletin.stages.length === 0)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'no confirmed stage to publish yet');
  const hash = bulletinHash(bulletin);
  const { first } = await appendLogEntries(tx, [
    { kind: BULLETIN_LOG_KIND, commitment: Buffer.from(hash, 'hex') },
  ]);
  const stored = await tx
    .insertInto('exchange_bulletins')
    .values({
      exchange_id: exchangeId,
      seq,
      bulletin: JSON.stringify(bulletin),
      disclosures: JSON.stringify(disclosures),
      bulletin_hash: hash,
      log_index: first,
      created_by: ctx.actorName,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await commitRecords(tx, [{ table: 'exchange_bulletins', key: stored.id }]);
  await writeAudit(tx, ctx, [
    {
      action: 'exchange.bulletin_published',
      entityType: 'exchange',
      entityId: exchangeId,
      detail: { hash, logIndex: first, stages: bulletin.stages.length, seq },
    },
  ]);
  return { bulletin, disclosures, hash, logIndex: first };
}

/**
 * The latest published bulletin of an exchange with everything needed to verify it offline. The
 * proof ends in the latest final checkpoint (cosigned by the quorum) if it covers the entry, else in
 * the latest checkpoint: cosign first (`cosignLatest`) for a bulletin that verifies with a quorum.
 */
export async function verifiableBulletin(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
): Promise<PublishedVerifiableBulletin> {
  const row = await db
    .selectFrom('exchange_bulletins as b')
    .innerJoin('exchanges as e', 'e.id', 'b.exchange_id')
    .select(['b.bulletin', 'b.disclosures', 'b.log_index'])
    .where('b.exchange_id', '=', exchangeId)
    .where('e.org_id', '=', ctx.orgId)
    .orderBy('b.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) throw new DomainError(ErrorCodes.NOT_FOUND, 'no bulletin published for this exchange');
  const index = Number(row.log_index);
  const final = await latestFinalCheckpoint(db);
  const checkpoint = final && final.size > index ? final : await latestCheckpoint(db);
  if (!checkpoint) throw new Error('the log has no checkpoint');
  const inclusion = await proveInclusion(db, index, checkpoint.size);
  const keys = await loadLogKeys(db);
  const witnesses = await listLogWitnesses(db);

  // Confirmation packages this node sent or accepted for the exchange, and the keys that signed them.
  const pinned = await db.selectFrom('pinned_keys').select(['vkey', 'key_ref']).execute();
  const ownRef = `${keys.signer.name}+${formatKeyId(keys.signer.keyId)}`;
  const vkeyOf = new Map(pinned.map((p) => [p.key_ref, p.vkey]));
  vkeyOf.set(ownRef, formatVerifierKey(keys.verifier));
  // Packages this node signed before a key rotation name its earlier keys.
  const chain = await loadKeyChain(db);
  for (const k of chain.keys) vkeyOf.set(`${k.name}+${formatKeyId(k.keyId)}`, formatVerifierKey(k));
  const rotations = chain.rotations.map((r) => r.note);
  const bulletin = BulletinSchema.parse(row.bulletin);
  const pkgs = await db
    .selectFrom('packages')
    .select(['bytes', 'sender', 'type'])
    .where('type', 'in', [CONFIRMATION_PACKAGE_TYPE, AGREEMENT_SIGNATURE_PACKAGE_TYPE])
    .orderBy('log_index')
    .execute();
  const confirmations = new Map<string, string[]>();
  const agreementSignatures: string[] = [];
  const seen = new Set<string>();
  const signers = new Map<string, VerifiableBulletin['signers'][number]>();
  for (const p of pkgs) {
    const text = Buffer.from(p.bytes).toString('utf8');
    const vkey = vkeyOf.get(p.sender);
    if (!vkey) continue;
    const body = (JSON.parse(text) as { payload: unknown }).payload;
    if (p.type === AGREEMENT_SIGNATURE_PACKAGE_TYPE) {
      const a = AgreementSignaturePayloadSchema.safeParse(body);
      if (!a.success || a.data.agreementHash !== bulletin.agreement.hash) continue;
      const { signer, role } = a.data.signature;
      // One package per signer: a node sends one copy to each recipient (src/app/peers/packages.ts).
      if (seen.has(`agreement ${signer}`)) continue;
      seen.add(`agreement ${signer}`);
      signers.set(signer, { id: signer, role, key: vkey });
      agreementSignatures.push(text);
      continue;
    }
    const payload = ConfirmationPayloadSchema.safeParse(body);
    if (!payload.success || payload.data.exchangeId !== exchangeId) continue;
    const once = `confirmation ${payload.data.stageId} ${payload.data.signer} ${payload.data.reconciliationHash}`;
    if (seen.has(once)) continue;
    seen.add(once);
    signers.set(payload.data.signer, { id: payload.data.signer, role: payload.data.role, key: vkey });
    const list = confirmations.get(payload.data.stageId) ?? [];
    list.push(text);
    confirmations.set(payload.data.stageId, list);
  }
  return {
    format: VERIFIABLE_BULLETIN_FORMAT,
    // Parsed again so that keys come out in the schema's order (jsonb stores them in its own).
    bulletin,
    disclosures: z.array(DisclosureSchema).parse(row.disclosures),
    log: {
      key: formatVerifierKey(keys.verifier),
      proof: formatTlogProof({ index, proof: inclusion.proof, checkpoint: checkpoint.note }),
      witnesses: witnesses.map((w) => ({ name: w.name, key: w.vkey })),
      quorum: await witnessQuorum(db),
      ...(rotations.length > 0 ? { rotations } : {}),
    },
    signers: [...signers.values()],
    agreementSignatures,
    confirmations: [...confirmations.entries()].map(([stageId, packages]) => ({ stageId, packages })),
  };
}
