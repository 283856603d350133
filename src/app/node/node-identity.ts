import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { nodeKeyRingOf } from '../../db/ledger.ts';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { EncryptedKeyStore, type KeySecret } from '../../ledger/key-store.ts';

export interface NodeIdentity {
  name: string;
  orgId: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  /** C2SP signed-note key id: first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ key), hex. */
  keyId: string;
  /** C2SP verifier key line: `name+hexid+base64(0x01 ‖ key)`. */
  verifierKey: string;
  demo: boolean;
  /**
   * The party (or mediator) id this node acts as in every agreement: one stored setting
   * (node_identity.party, migration 017), set by `homeward init --party ID` or the demo setup.
   * Null on a node that predates it; src/app/node/node-party.ts resolves it in an agreement.
   */
  party: string | null;
}

/** Key names in signed notes may not contain spaces or plus signs. */
export const NODE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{1,99}$/;

function identityOf(
  name: string,
  orgId: string,
  publicKey: string,
  demo: boolean,
  party: string | null,
): NodeIdentity {
  const raw = Buffer.from(publicKey, 'base64');
  const keyMaterial = Buffer.concat([Buffer.from([0x01]), raw]);
  const keyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), keyMaterial]))
    .digest()
    .subarray(0, 4)
    .toString('hex');
  return {
    name,
    orgId,
    publicKey,
    keyId,
    verifierKey: `${name}+${keyId}+${keyMaterial.toString('base64')}`,
    demo,
    party,
  };
}

let testKeySecret: KeySecret | undefined;

/**
 * Test helpers that open a node in-process without a key file of their own seal its key under one
 * random key per process, held in memory (src/app/test-setup.ts). Production callers always pass
 * the key file or passphrase.
 */
export function enableInMemoryKeyFileForTests(): void {
  testKeySecret ??= { kind: 'file', key: new Uint8Array(randomBytes(32)) };
}

export interface IdentityOptions {
  name?: string | undefined;
  demo?: boolean;
  party?: string | undefined;
  /** The secret held outside the database that seals the node's signing key. */
  key?: KeySecret | undefined;
}

/**
 * `demo` applies only when the node is created here; an existing node changes mode only through
 * seedDemo, which refuses a node holding real data.
 *
 * Creates the node's Ed25519 key pair on first start, or opens it. The database holds the private
 * key only sealed under `key` (src/ledger/key-store.ts): every process given the key file or
 * passphrase signs with the same key, and a copy of the database alone cannot sign. A key still in
 * plaintext (a node from before migration 015) is sealed here and the plaintext removed. The opened
 * key is registered for this database in this process (loadLogKeys finds it); it is never logged or returned.
 */
export async function ensureNodeIdentity(db: Kysely<DB>, opts: IdentityOptions = {}): Promise<NodeIdentity> {
  const secret = opts.key ?? testKeySecret;
  if (!secret)
    throw new Error(
      "no key to open the node's signing key: give --key-file PATH (or HOMEWARD_KEY_FILE) or HOMEWARD_KEY_PASSPHRASE",
    );
  const ring = nodeKeyRingOf(db);
  const existing = await db
    .selectFrom('node_identity')
    .select(['name', 'org_id', 'public_key', 'private_key', 'sealed_key', 'demo', 'party'])
    .executeTakeFirst();
  if (existing) ring.rememberSecret(existing.name, secret);
  if (existing) {
    const publicKey = Buffer.from(existing.public_key, 'base64');
    if (existing.sealed_key !== null) {
      ring.register(EncryptedKeyStore.unlock(existing.name, publicKey, existing.sealed_key, secret));
    } else if (existing.private_key !== null) {
      // Migration 015: seal the plaintext key, then forget it.
      const { store, sealed } = EncryptedKeyStore.fromPlaintext(existing.name, existing.private_key, secret);
      if (!Buffer.from(store.publicKey).equals(publicKey))
        throw new Error("the stored private key does not match the node's public key");
      const done = await db
        .updateTable('node_identity')
        .set({ sealed_key: sealed, private_key: null })
        .where('id', '=', 1)
        .where('private_key', 'is not', null)
        .executeTakeFirst();
      if (done.numUpdatedRows === 0n) return ensureNodeIdentity(db, opts); // sealed by another process
      ring.register(store);
    }
    return identityOf(existing.name, existing.org_id, existing.public_key, existing.demo, existing.party);
  }
  if (opts.party !== undefined && !PARTY_ID_RE.test(opts.party))
    throw new Error('a party id uses letters, digits and . _ : - only (1–128 characters)');
  const name = opts.name ?? `homeward-${randomBytes(3).toString('hex')}`;
  if (!NODE_NAME_RE.test(name))
    throw new Error('node name may use letters, digits and . _ / - only (2–100 characters)');
  const { store, sealed } = EncryptedKeyStore.generate(name, secret);
  const rawPublic = Buffer.from(store.publicKey).toString('base64');
  const inserted = await db
    .insertInto('node_identity')
    .values({
      id: 1,
      name,
      org_id: name,
      public_key: rawPublic,
      sealed_key: sealed,
      demo: !!opts.demo,
      party: opts.party ?? null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  // Another process created the identity first: open that one.
  if (inserted.numInsertedOrUpdatedRows === 0n) return ensureNodeIdentity(db, opts);
  ring.register(store);
  ring.rememberSecret(name, secret);
  return identityOf(name, name, rawPublic, !!opts.demo, opts.party ?? null);
}

/** A party or mediator id, as agreements name them (IdSchema in src/domain/exchange/common.ts). */
export const PARTY_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * Sets the party this node acts as, once: from the node's shell (`homeward init --party ID`), audited.
 * The same party again is a no-op; another party is refused, since what the node signed was signed as
 * the first one (a node that must act as another party is a new node).
 */
export async function setNodeParty(
  ctx: RequestContext,
  tx: Transaction<DB>,
  party: string,
): Promise<{ party: string; changed: boolean }> {
  if (ctx.actor.kind !== 'operator')
    throw new DomainError(ErrorCodes.FORBIDDEN, "the node's party is set from the node's shell only");
  if (!PARTY_ID_RE.test(party))
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      'a party id uses letters, digits and . _ : - only (1–128 characters)',
    );
  const row = await tx.selectFrom('node_identity').select('party').forUpdate().executeTakeFirstOrThrow();
  if (row.party === party) return { party, changed: false };
  if (row.party !== null)
    throw new DomainError(
      ErrorCodes.CONFLICT,
      `this node already acts as ${row.party}; its party does not change`,
    );
  await tx.updateTable('node_identity').set({ party }).where('id', '=', 1).execute();
  await writeAudit(tx, ctx, [
    { action: 'node.party_set', entityType: 'node', entityId: null, detail: { party } },
  ]);
  return { party, changed: true };
}
