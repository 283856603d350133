/**
 * `homeward key rotate`: the node gets a new Ed25519 key. In one transaction, with the log head
 * locked (no checkpoint is signed meanwhile): a new key is made and sealed under the same key file or
 * passphrase, the rotation note (src/ledger/key-rotation.ts) is signed by the old key and the new
 * one and stored, the node's public key becomes the new one, and the note's hash is appended to the
 * log — the first checkpoint signed with the new key. Checkpoints up to the note's log size stay
 * verifiable with the old key; verifiers that pinned it follow the chain (GET /log/keys).
 */
import { createHash } from 'node:crypto';
import { appendLogEntries, loadNodeKeyStore, noteSignerOf } from '../db/ledger.ts';
import type { Database } from '../db/open.ts';
import { signRotation } from '../ledger/key-rotation.ts';
import { EncryptedKeyStore, type KeySecret, registerNodeKeyStore } from '../ledger/key-store.ts';
import { formatVerifierKey } from '../ledger/keys.ts';

export const KEY_ROTATION_LOG_KIND = 'node.key-rotation';

export interface RotationResult {
  seq: number;
  logSize: number;
  oldKey: string;
  newKey: string;
  note: string;
}

export async function rotateNodeKey(database: Database, secret: KeySecret): Promise<RotationResult> {
  return database.transaction(async (tx) => {
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
    registerNodeKeyStore(store);
    await appendLogEntries(tx, [
      { kind: KEY_ROTATION_LOG_KIND, commitment: createHash('sha256').update(note).digest() },
    ]);
    return { seq, logSize, oldKey: formatVerifierKey(oldSigner), newKey: formatVerifierKey(newSigner), note };
  });
}
