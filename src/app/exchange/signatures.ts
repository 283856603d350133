/**
 * Ed25519 signatures inside domain documents (agreement versions, manifests, stage confirmations, list
 * versions). The domain checks who signed which content hash (`Signature` in
 * src/domain/exchange/common.ts); here the `value` is made with this node's key and checked against a
 * key pinned for the agreement (src/app/exchange/agreement-keys.ts).
 *
 * The signed message binds the signer, the role, the hash and the time, with a domain separator, so
 * a signature made for one document, role or signer cannot be replayed as another:
 *
 *     homeward/signature/v1\n<signer>\n<role>\n<contentHash>\n<signedAt>\n
 */
import type { Transaction } from 'kysely';
import { loadLogKeys } from '../../db/ledger.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import type { NodeSignedKind } from '../../domain/audit-events.ts';
import type { Signature, SignerRole } from '../../domain/exchange/common.ts';
import { fromBase64, toBase64 } from '../../ledger/bytes.ts';
import { formatKeyId, type NoteSigner, type NoteVerifier } from '../../ledger/note.ts';
import { auditNodeSignatures } from './signature-audit.ts';

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

/**
 * A signature by this node's own key (the key its packages and checkpoints are signed with), over a
 * document of `about.kind`: only with `node:sign`, and audited as `node_key.signed` in the same
 * transaction, so no signature with the node's key goes unrecorded.
 */
export async function signAsNode(
  tx: Transaction<DB>,
  ctx: RequestContext,
  about: { kind: NodeSignedKind; entityId: string | null },
  input: { signer: string; role: SignerRole; contentHash: string; signedAt?: string },
): Promise<Signature> {
  requirePermission(ctx, 'node:sign');
  const { signer } = await loadLogKeys(tx);
  const signature = signWith(signer, { ...input, signedAt: input.signedAt ?? new Date().toISOString() });
  await auditNodeSignatures(tx, ctx, [
    {
      kind: about.kind,
      entityId: about.entityId,
      sha256: signature.contentHash,
      keyRef: signature.keyId,
      signer: signature.signer,
    },
  ]);
  return signature;
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
