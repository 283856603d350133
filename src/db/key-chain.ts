/**
 * The node's own key chain (migration 015, src/ledger/key-rotation.ts): its first key, then each key
 * announced by a rotation note signed by the key before it and by itself. The chain must end at the
 * key the node holds now — the one its key file or passphrase opened — so rotation rows written into
 * the database by anyone else cannot lead to a key of theirs.
 */
import type { Kysely, Transaction } from 'kysely';
import { fromBase64 } from '../ledger/bytes.ts';
import { followKeyChain, type KeyChain } from '../ledger/key-rotation.ts';
import { ed25519NoteVerifier } from '../ledger/note.ts';
import type { DB } from './schema.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export async function rotationNotes(db: Handle): Promise<string[]> {
  const rows = await db.selectFrom('node_key_rotations').select(['seq', 'note']).orderBy('seq').execute();
  return rows.map((r) => r.note);
}

/** The verified chain from the node's first key to its current one; throws when it does not verify. */
export async function loadKeyChain(db: Handle): Promise<KeyChain> {
  const identity = await db.selectFrom('node_identity').select(['name', 'public_key']).executeTakeFirst();
  if (!identity) throw new Error('this node has no identity yet: run `homeward init` first');
  const first = await db
    .selectFrom('node_key_rotations')
    .select('old_public_key')
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  const genesis = ed25519NoteVerifier(
    identity.name,
    fromBase64(first?.old_public_key ?? identity.public_key)!,
  );
  const chain = followKeyChain(genesis, await rotationNotes(db));
  const current = chain.keys[chain.keys.length - 1]!;
  if (Buffer.from(current.publicKey).toString('base64') !== identity.public_key)
    throw new Error("the node's key rotation notes do not lead to its current key");
  return chain;
}
