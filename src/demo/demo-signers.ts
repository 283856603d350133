/**
 * Simulated signers for the single demo node (`npm start`, `homeward demo`), so that the public
 * bulletin it publishes passes `homeward bulletin verify` as a newcomer's first try.
 *
 * A real node holds the agreement and stage-confirmation packages of the other party and of the
 * mediator, signed on their nodes with their keys, and checkpoints cosigned by independent witnesses
 * (src/demo/nodes.ts runs that with three nodes). The demo node is alone, so here:
 *
 * - every other party and mediator of the agreement (Party B, the Mediator) gets a fresh Ed25519 key
 *   named `demo-<agreement id>` (`demo-party-b`, `demo-mediator-m`), generated when the demo is seeded
 *   and pinned for the agreement (pinAgreementKey, which trusts it for packages too; label "demo
 *   signer …"), as the node's own key is for Party A. Each signs the agreement's hash and each
 *   confirmed stage's reconciliation hash with a real Ed25519 value (signWith) in `agreement.signature`
 *   and `exchange.confirmation` packages the node accepts through acceptPackages, so they are logged
 *   like any accepted package; the node signs its own (Party A) ones and sends them (sendPackage);
 * - a witness `demo-witness` (a fresh cosignature/v1 key, configured without a URL) cosigns the
 *   checkpoint that covers the bulletin, and the node's witness quorum is set to 1 if it was 0, so the
 *   bulletin's proof ends in that cosigned checkpoint.
 *
 * The private keys live only in memory while seeding and are then dropped: nothing can sign as a demo
 * signer afterwards, and nothing in the database could pass for a counterpart's key. Every key name
 * starts with `demo-`, and this runs only on a node marked demo (node_identity.demo), never on a real
 * one. What `bulletin verify` then proves is that the file is consistent with keys this node made up,
 * not that anybody else signed.
 */
import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { agreementKeys, pinAgreementKey } from '../app/exchange/agreement-keys.ts';
import { keyRefOf, signWith } from '../app/exchange/signatures.ts';
import { witnessQuorum } from '../app/ledger/log-cosign.ts';
import { signatureLine } from '../app/ledger/witness.ts';
import { AGREEMENT_SIGNATURE_PACKAGE_TYPE, CONFIRMATION_PACKAGE_TYPE } from '../app/peers/package-types.ts';
import { acceptPackages, pinKey, sendPackage } from '../app/peers/packages.ts';
import { loadLogKeys } from '../db/ledger.ts';
import { commitRecords } from '../db/records.ts';
import type { DB } from '../db/schema.ts';
import type { RequestContext } from '../domain/access.ts';
import { DomainError, ErrorCodes } from '../domain/errors.ts';
import { type Agreement, agreementHash, requiredAgreementSigners } from '../domain/exchange/agreement.ts';
import type { SignerRole } from '../domain/exchange/common.ts';
import type { ExchangeState } from '../domain/exchange/operation.ts';
import { reconciliationHash } from '../domain/exchange/reconcile.ts';
import { A } from '../domain/exchange/synthetic.ts';
import { cosignatureSigner } from '../ledger/cosignature.ts';
import type { JsonValue } from '../ledger/jcs.ts';
import { formatVerifierKey } from '../ledger/keys.ts';
import { ed25519NoteSigner, type NoteSigner, parseNote } from '../ledger/note.ts';
import { createPackage } from '../ledger/package.ts';

type Tx = Transaction<DB>;

/** Every demo key's name starts with this, so it can never be taken for a counterpart's key. */
export const DEMO_KEY_PREFIX = 'demo-';
/** The pinned_keys label of a demo signer's key (what marks the node as already simulated). */
export const DEMO_SIGNER_LABEL = 'demo signer, simulated on this demo node';
export const DEMO_WITNESS_NAME = 'demo-witness';

export const demoKeyName = (signer: string) => `${DEMO_KEY_PREFIX}${signer}`;

/** One signer of the agreement: this node itself (Party A) or a simulated one with its key in memory. */
export interface DemoSigner {
  id: string;
  role: SignerRole;
  /** name+keyid of the key its packages and signatures are made with. */
  keyRef: string;
  vkey: string;
  /** For this node its own key (its packages go through sendPackage); else a demo key. */
  key: NoteSigner;
  /** What packages to it are addressed to: its key name (this node: its origin). */
  name: string;
}

export interface DemoSigners {
  self: DemoSigner;
  simulated: DemoSigner[];
  all: DemoSigner[];
}

async function assertDemoNode(tx: Tx): Promise<void> {
  const node = await tx.selectFrom('node_identity').select('demo').executeTakeFirstOrThrow();
  if (!node.demo)
    throw new DomainError(ErrorCodes.FORBIDDEN, 'demo signers and witnesses exist only on a demo node');
}

/** Whether this node already has its demo signers (their private keys are gone: they sign only once). */
export async function hasDemoSigners(tx: Tx): Promise<boolean> {
  const row = await tx
    .selectFrom('pinned_keys')
    .select('key_ref')
    .where('label', 'like', `${DEMO_SIGNER_LABEL}%`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Makes a key for every party and mediator of the agreement other than `self` (this node's party,
 * Party A by default) and pins it for the agreement, as it pins its own key for `self`. A signer that
 * has a key pinned for the agreement already keeps it; its demo key is then trusted for packages
 * only. The private keys are only in the returned object.
 */
export async function createDemoSigners(
  ctx: RequestContext,
  tx: Tx,
  agreement: Agreement,
  self: string = A,
): Promise<DemoSigners> {
  await assertDemoNode(tx);
  const keys = await loadLogKeys(tx);
  const required = requiredAgreementSigners(agreement);
  const own = required.find((s) => s.signer === self);
  if (!own) throw new DomainError(ErrorCodes.VALIDATION_FAILED, `${self} does not sign this agreement`);
  const selfSigner: DemoSigner = {
    id: own.signer,
    role: own.role,
    keyRef: keyRefOf(keys.signer),
    vkey: formatVerifierKey(keys.verifier),
    key: keys.signer,
    name: keys.origin,
  };
  const simulated = required
    .filter((r) => r.signer !== self)
    .map((s): DemoSigner => {
      const key = ed25519NoteSigner(demoKeyName(s.signer), new Uint8Array(randomBytes(32)));
      return {
        id: s.signer,
        role: s.role,
        keyRef: keyRefOf(key),
        vkey: formatVerifierKey(key),
        key,
        name: key.name,
      };
    });
  const pinned = new Set((await agreementKeys(tx, agreement.id)).map((k) => k.signer));
  const nameOf = (id: string) =>
    [...agreement.parties, ...agreement.mediators].find((p) => p.id === id)?.name ?? id;
  for (const s of [selfSigner, ...simulated]) {
    const label =
      s === selfSigner
        ? `${nameOf(s.id)} (this node)`
        : `${DEMO_SIGNER_LABEL}: ${nameOf(s.id)} (${s.id}), synthetic`;
    if (!pinned.has(s.id))
      await pinAgreementKey(ctx, tx, {
        agreementId: agreement.id,
        signer: s.id,
        role: s.role,
        vkey: s.vkey,
        label,
      });
    else if (s !== selfSigner) await pinKey(ctx, tx, s.vkey, label);
  }
  return { self: selfSigner, simulated, all: [selfSigner, ...simulated] };
}

export interface DemoSignatures {
  /** Packages this node signed (sendPackage). */
  sent: number;
  /** Packages of the simulated signers this node accepted (acceptPackages). */
  accepted: number;
  stages: string[];
}

/**
 * Each signer signs the agreement's hash (`agreement.signature`) and each confirmed stage's
 * reconciliation hash (`exchange.confirmation`), as the three demo nodes do over HTTP: this node
 * through sendPackage, the simulated ones as package files this node accepts in one batch.
 */
export async function signAsDemoSigners(
  ctx: RequestContext,
  tx: Tx,
  input: { exchangeId: string; state: ExchangeState; signers: DemoSigners; now: Date },
): Promise<DemoSignatures> {
  await assertDemoNode(tx);
  const { exchangeId, state, signers, now } = input;
  const h = agreementHash(state.agreement);
  const stages = state.stageOrder
    .map((id) => state.stages[id]!)
    .filter((s) => s.status === 'confirmed')
    .map((s) => ({ stageId: s.plan.stageId, hash: reconciliationHash(state.agreement, s) }));
  const payloadsOf = (s: DemoSigner): { type: string; payload: JsonValue }[] => {
    const signature = signWith(s.key, {
      signer: s.id,
      role: s.role,
      contentHash: h,
      signedAt: now.toISOString(),
    });
    return [
      {
        type: AGREEMENT_SIGNATURE_PACKAGE_TYPE,
        payload: { exchangeId, agreementHash: h, signature: signature as unknown as JsonValue },
      },
      ...stages.map((st) => ({
        type: CONFIRMATION_PACKAGE_TYPE,
        payload: { exchangeId, stageId: st.stageId, signer: s.id, role: s.role, reconciliationHash: st.hash },
      })),
    ];
  };
  const recipientsOf = (s: DemoSigner) => signers.all.filter((o) => o !== s).map((o) => o.name);

  let sent = 0;
  for (const p of payloadsOf(signers.self)) {
    await sendPackage(ctx, tx, { ...p, version: 1, recipients: recipientsOf(signers.self) }, now);
    sent += 1;
  }
  const files: Uint8Array[] = [];
  for (const s of signers.simulated) {
    let previous: Uint8Array | null = null;
    for (const [i, p] of payloadsOf(s).entries()) {
      const pkg = createPackage(
        { ...p, version: 1, recipients: recipientsOf(s), sequence: i + 1, previous, createdAt: now },
        s.key,
      );
      previous = pkg.hash;
      files.push(pkg.bytes);
    }
  }
  await acceptPackages(ctx, tx, files);
  return { sent, accepted: files.length, stages: stages.map((s) => s.stageId) };
}

/**
 * A demo witness cosigns the latest checkpoint (once per node: its key is dropped after), and the
 * quorum becomes 1 if it was 0, so the node's latest final checkpoint is this one until a real witness
 * is configured. Returns the cosigned size, or undefined if the demo witness exists already.
 */
export async function cosignAsDemoWitness(tx: Tx): Promise<{ size: number; vkey: string } | undefined> {
  await assertDemoNode(tx);
  const existing = await tx
    .selectFrom('log_witnesses')
    .select('name')
    .where('name', '=', DEMO_WITNESS_NAME)
    .executeTakeFirst();
  if (existing) return undefined;
  const latest = await tx
    .selectFrom('log_checkpoints')
    .select(['size', 'note'])
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return undefined;
  const key = cosignatureSigner(DEMO_WITNESS_NAME, new Uint8Array(randomBytes(32)));
  const vkey = formatVerifierKey(key);
  await tx.insertInto('log_witnesses').values({ name: DEMO_WITNESS_NAME, vkey, url: null }).execute();
  await commitRecords(tx, [{ table: 'log_witnesses', key: DEMO_WITNESS_NAME }]);
  // As a witness answers add-checkpoint: a cosignature over the checkpoint text, without the newline.
  const line = signatureLine(key, parseNote(latest.note).text).trimEnd();
  await tx
    .insertInto('log_cosignatures')
    .values({ size: latest.size, witness: DEMO_WITNESS_NAME, signature_line: line })
    .execute();
  if ((await witnessQuorum(tx)) === 0) {
    await tx.updateTable('log_head').set({ witness_quorum: 1 }).where('id', '=', 1).execute();
    await commitRecords(tx, [{ table: 'log_head', key: 1 }]);
  }
  return { size: Number(latest.size), vkey };
}
