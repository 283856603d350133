import { createHash, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

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
}

/** Key names in signed notes may not contain spaces or plus signs. */
export const NODE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{1,99}$/;

function identityOf(name: string, orgId: string, publicKey: string, demo: boolean): NodeIdentity {
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
  };
}

/**
 * `demo` applies only when the node is created here; an existing node changes mode only through
 * seedDemo, which refuses a node holding real data.
 *
 * Create the node's Ed25519 key pair on first start. The private key lives only in the database
 * (so every process behind a load balancer signs with the same key) and is never logged or returned.
 */
export async function ensureNodeIdentity(
  db: Kysely<DB>,
  opts: { name?: string | undefined; demo?: boolean } = {},
): Promise<NodeIdentity> {
  const existing = await db
    .selectFrom('node_identity')
    .select(['name', 'org_id', 'public_key', 'demo'])
    .executeTakeFirst();
  if (existing) {
    return identityOf(existing.name, existing.org_id, existing.public_key, existing.demo);
  }
  const name = opts.name ?? `homeward-${randomBytes(3).toString('hex')}`;
  if (!NODE_NAME_RE.test(name))
    throw new Error('node name may use letters, digits and . _ / - only (2–100 characters)');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const rawPublic = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  await db
    .insertInto('node_identity')
    .values({ id: 1, name, org_id: name, public_key: rawPublic, private_key: pem, demo: !!opts.demo })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const row = await db
    .selectFrom('node_identity')
    .select(['name', 'org_id', 'public_key', 'demo'])
    .executeTakeFirstOrThrow();
  return identityOf(row.name, row.org_id, row.public_key, row.demo);
}

/** The signing key, for the ledger; callers must never log it. */
export async function loadNodePrivateKey(db: Kysely<DB>) {
  const row = await db.selectFrom('node_identity').select('private_key').executeTakeFirstOrThrow();
  return createPrivateKey(row.private_key);
}
