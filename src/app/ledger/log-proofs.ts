/**
 * The node's log as the public /log routes serve it beside the tiles (log-tiles.ts): inclusion and
 * consistency proofs, and the chain of the log's keys with their rotation notes. The log holds only
 * commitments, so none of this needs a signed-in caller.
 */
import type { Kysely, Transaction } from 'kysely';
import { loadKeyChain } from '../../db/key-chain.ts';
import { type InclusionResult, proveConsistency, proveInclusion } from '../../db/ledger.ts';
import type { DB } from '../../db/schema.ts';
import type { KeyChain } from '../../ledger/key-rotation.ts';

type Handle = Kysely<DB> | Transaction<DB>;

/** The audit path of entry `index` in the tree of `size` entries (default: the latest checkpoint's). */
export function inclusionProof(db: Handle, index: number, size?: number): Promise<InclusionResult> {
  return proveInclusion(db, index, size);
}

/** The hashes proving the tree of `from` entries is a prefix of the tree of `to` entries. */
export function consistencyProof(db: Handle, from: number, to: number): Promise<Uint8Array[]> {
  return proveConsistency(db, from, to);
}

/** The log's keys, oldest first, and the notes that rotated each to the next. */
export function logKeyChain(db: Handle): Promise<KeyChain> {
  return loadKeyChain(db);
}
