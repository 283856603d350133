import type { Kysely } from 'kysely';
import { loadNodeKeyStore } from '../../db/ledger.ts';
import type { DB } from '../../db/schema.ts';
import { cosignatureSignerOf } from '../../ledger/cosignature.ts';
import { formatVerifierKey } from '../../ledger/keys.ts';
import type { NoteSigner } from '../../ledger/note.ts';

/** The node's witness key: its Ed25519 identity key as a cosignature/v1 key under the node's name. */
export async function loadWitnessSigner(
  db: Kysely<DB>,
  now: () => number = () => Math.floor(Date.now() / 1000),
): Promise<NoteSigner> {
  const store = await loadNodeKeyStore(db);
  return cosignatureSignerOf(store.name, store.publicKey, (message) => store.sign(message), now);
}

/** This node's witness verifier key line (type 0x04), for logs that want its cosignatures. */
export async function witnessVerifierKey(db: Kysely<DB>): Promise<string> {
  const signer = await loadWitnessSigner(db);
  return formatVerifierKey(signer);
}
