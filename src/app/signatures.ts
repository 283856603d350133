/**
 * Ed25519 signatures inside domain documents (agreement versions, manifests, stage confirmations, list
 * versions). The domain checks who signed which content hash (`Signature` in
 * src/domain/exchange/common.ts); here the `value` is made with this node's key and checked against a
 * key pinned for the agreement (src/app/agreement-keys.ts).
 *
 * The signed message binds the signer, the role, the hash and the time, with a domain separator, so
 * a signature made for one document, role or signer cannot be replayed as another:
 *
 *     homeward/signature/v1\n<signer>\n<role>\n<contentHash>\n<signedAt>\n
 */
import type { Kysely, Transaction } from 'kysely';
import { loadLogKeys } from '../db/ledger.ts';
import type { DB } from '../db/schema.ts';
import type { Signature, SignerRole } from '../domain/exchange/common.ts';
import { fromBase64, toBase64 } from '../ledger/bytes.ts';
import { formatKeyId, type NoteSigner, type NoteVerifier } from '../ledger/note.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export const SIGNATURE_CONTEXT = 'homeward/signature/v1';

/** `name+keyid` (8 hex digits) of a note key: how packages and signatures name the key they used. */
export function keyRefOf(k: { name: string; keyId: number }): string {
  return `${k.name}+${formatKeyId(k.keyId)}`;
}

export function signatureMessage(
  s: Pick<Signature, 'signer' | 'role' | 'contentHash' | 'signedAt'>,
): Uint8Array {
  return new TextEncoder().encode(
    `${SIGNATURE_CONTEXT}\n${s.signer}\n${s.role}\n${s.contentHash}\n${s.signedAt}\n`,
  );
}

/** A signature by `key` as `signer` in `role` over `contentHash`. */
export function signWith(
  key: NoteSigner,
  input: { signer: string; role: SignerRole; contentHash: string; signedAt: string },
): Signature {
  const s = { ...input, keyId: keyRefOf(key) };
  return { ...s, value: toBase64(key.sign(signatureMessage(s))) };
}

/** A signature by this node's own key (the key its packages and checkpoints are signed with). */
export async function signAsNode(
  db: Handle,
  input: { signer: string; role: SignerRole; contentHash: string; signedAt?: string },
): Promise<Signature> {
  const { signer } = await loadLogKeys(db);
  return signWith(signer, { ...input, signedAt: input.signedAt ?? new Date().toISOString() });
}

/** Why a signature does not check out against `key` (undefined: it does). Never throws. */
export function signatureProblem(s: Signature, key: NoteVerifier): string | undefined {
  if (s.keyId !== keyRefOf(key)) return `signed with key ${s.keyId}, expected ${keyRefOf(key)}`;
  if (!s.value) return 'the signature has no Ed25519 value';
  const bytes = fromBase64(s.value);
  if (!bytes) return 'the signature value is not base64';
  if (bytes.length !== 64) return 'the signature value is not 64 bytes';
  return key.verify(signatureMessage(s), bytes) ? undefined : 'the Ed25519 signature does not verify';
}
