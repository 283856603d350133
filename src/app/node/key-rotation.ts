/**
 * `homeward key rotate`: the node gets a new Ed25519 key. In one transaction, with the log head
 * locked (no checkpoint is signed meanwhile): a new key is made and sealed under the same key file or
 * passphrase, the rotation note (src/ledger/key-rotation.ts) is signed by the old key and the new
 * one and stored, the node's public key becomes the new one, and the note's hash is appended to the
 * log — the first checkpoint signed with the new key. Checkpoints up to the note's log size stay
 * verifiable with the old key; verifiers that pinned it follow the chain (GET /log/keys).
 */
import { createHash } from 'node:crypto';
import { writeAudit } from '../../db/audit.ts';
import {
  appendLogEntries,
  loadLogKeys,
  loadNodeKeyStore,
  nodeKeyRingOf,
  noteSignerOf,
} from '../../db/ledger.ts';
import type { Database } from '../../db/open.ts';
import { commitRecords } from '../../db/records.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { signRotation } from '../../ledger/key-rotation.ts';
import { EncryptedKeyStore, type KeySecret } from '../../ledger/key-store.ts';
import { formatVerifierKey } from '../../ledger/keys.ts';
import { keyRefOf } from '../exchange/signatures.ts';

export const KEY_ROTATION_LOG_KIND = 'node.key-rotation';

export interface RotationResult {
  seq: number;
  logSize: number;
  oldKey: string;
  newKey: string;
  note: string;
}

/** The node's operator rotates (a trust change, audited): only a role that may sign with the node's key. */
export async function rotateNodeKey(
  ctx: RequestContext,
  database: Database,
  secret: KeySecret,
  opts: { force?: boolean } = {},
): Promise<RotationResult> {
  requirePermission(ctx, 'node:sign');
  return database.transaction(async (tx) => {
    // Keys pinned under an agreement do not follow a rotation (yet): the counterparts would refuse
    // every package this node signs with the new key, in the middle of an exchange. Only an operator
    // who knows that (a compromised key) goes ahead.
    const current = formatVerifierKey((await loadLogKeys(tx)).verifier);
    const pinnedUnder = await tx
      .selectFrom('agreement_keys')
      .select('agreement_id')
      .distinct()
      .where('vkey', '=', current)
      .execute();
    if (pinnedUnder.length > 0 && !opts.force)
      throw new DomainError(
        ErrorCodes.CONFLICT,
        `this node's key is pinned under ${pinnedUnder.length} agreement(s): the other signers would refuse packages signed with a new key until they pin it under each agreement again; rotate with --force only if the key is compromised`,
      );
    const head = await tx
      .selectFrom('log_head')
      .select('size')
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const row = await tx
      .selectFrom('node_identity')
      .select(['name', 'public_key'])
      .forUpdate()
      .executeTakeFirstOrThrow();
    const oldSigner = noteSignerOf(await loadNodeKeyStore(tx));
    const { store, sealed } = EncryptedKeyStore.generate(row.name, secret);
    const newSigner = noteSignerOf(store);
    const last = await tx
      .selectFrom('node_key_rotations')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    const seq = (last?.seq ?? 0) + 1;
    const logSize = Number(head.size);
    const note = signRotation({ origin: row.name, seq, logSize }, oldSigner, newSigner);
    const newPublic = Buffer.from(store.publicKey).toString('base64');
    await tx
      .insertInto('node_key_rotations')
      .values({ seq, old_public_key: row.public_key, new_public_key: newPublic, note })
      .execute();
    await tx
      .updateTable('node_identity')
      .set({ public_key: newPublic, sealed_key: sealed, private_key: null })
      .where('id', '=', 1)
      .execute();
    nodeKeyRingOf(tx).register(store);
    await appendLogEntries(tx, [
      { kind: KEY_ROTATION_LOG_KIND, commitment: createHash('sha256').update(note).digest() },
    ]);
    await commitRecords(tx, [{ table: 'node_key_rotations', key: String(seq) }]);
    await writeAudit(tx, ctx, [
      {
        action: 'node_key.rotated',
        entityType: 'node',
        entityId: null,
        detail: {
          seq,
          logSize,
          oldKeyRef: keyRefOf(oldSigner),
          newKeyRef: keyRefOf(newSigner),
          noteSha256: createHash('sha256').update(note).digest('hex'),
        },
      },
    ]);
    return { seq, logSize, oldKey: formatVerifierKey(oldSigner), newKey: formatVerifierKey(newSigner), note };
  });
}
