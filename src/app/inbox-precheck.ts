/**
 * The peer inbox's cheap checks, run on every delivery before anything costly: no Ed25519
 * verification, no canonicalisation or hashing of the payload. A body is refused here when it is not
 * a package (not JSON, or no well-formed header), is not addressed to this node, is signed in the
 * name of a key this node has not pinned, or reuses a sequence number of its sender's that this node
 * already accepted. Each refusal has the code the full verification would give and
 * `details.stage: 'envelope'`, which says that it was refused here.
 *
 * What they may learn: whether a key is pinned here and whether a sequence number was used. Key
 * references are public, and a sequence number says only how many packages one sender sent.
 * Gaps and chain breaks are still told only to a package whose signatures verify.
 *
 * A package whose exact bytes were accepted before (a retried delivery) is recognised here by its
 * header hash and byte-for-byte equality with the stored package, which was verified when accepted.
 */
import type { Kysely } from 'kysely';
import { loadLogKeys } from '../db/ledger.ts';
import type { DB } from '../db/schema.ts';
import { LedgerError, type LedgerErrorCode } from '../ledger/errors.ts';
import { formatKeyId } from '../ledger/note.ts';
import { PackageHeaderSchema, packageHash } from '../ledger/package.ts';

export type Precheck =
  | { kind: 'new' }
  | { kind: 'accepted-before'; hash: Uint8Array; logIndex: number; sequence: number };

const refuse = (code: LedgerErrorCode, message: string, details: Record<string, unknown> = {}) =>
  new LedgerError(code, message, { ...details, stage: 'envelope' });

export async function precheckPackage(db: Kysely<DB>, bytes: Uint8Array): Promise<Precheck> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw refuse('PACKAGE_MALFORMED', 'malformed package: not JSON');
  }
  const raw = json && typeof json === 'object' && !Array.isArray(json) ? (json as { header?: unknown }) : {};
  const parsed = PackageHeaderSchema.safeParse(raw.header);
  if (!parsed.success) throw refuse('PACKAGE_MALFORMED', 'malformed package: no well-formed header');
  const header = parsed.data;

  const keys = await loadLogKeys(db);
  if (!header.recipients.includes(keys.origin))
    throw refuse('PACKAGE_WRONG_RECIPIENT', `package is not addressed to ${keys.origin}`);
  const own = `${keys.signer.name}+${formatKeyId(keys.signer.keyId)}`;
  if (header.sender !== own) {
    const pinned = await db
      .selectFrom('pinned_keys')
      .select('key_ref')
      .where('key_ref', '=', header.sender)
      .executeTakeFirst();
    if (!pinned)
      throw refuse('PACKAGE_UNKNOWN_KEY', `key ${header.sender} is not pinned for this counterpart`, {
        key: header.sender,
      });
  }

  const last = await db
    .selectFrom('packages')
    .select('sequence')
    .where('direction', '=', 'accepted')
    .where('sender', '=', header.sender)
    .orderBy('sequence', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (last && header.sequence <= Number(last.sequence)) {
    const hash = packageHash(header);
    const held = await db
      .selectFrom('packages')
      .select(['bytes', 'log_index'])
      .where('hash', '=', Buffer.from(hash))
      .where('direction', '=', 'accepted')
      .executeTakeFirst();
    if (held && Buffer.from(held.bytes).equals(Buffer.from(bytes)))
      return { kind: 'accepted-before', hash, logIndex: Number(held.log_index), sequence: header.sequence };
    throw refuse('PACKAGE_REPLAYED', `sequence ${header.sequence} was already accepted`, {
      sender: header.sender,
      sequence: header.sequence,
    });
  }
  return { kind: 'new' };
}
