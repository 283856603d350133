/**
 * The peer inbox's cheap checks, run on every delivery before anything costly: no Ed25519
 * verification, no canonicalisation or hashing of the payload. A body is refused here when it is not
 * a package (not JSON, or no well-formed header), is not addressed to this node, is signed in the
 * name of a key this node has not pinned, or reuses a sequence number of its sender's that this node
 * already accepted. Each refusal has the code the full verification would give and
 * `details.stage: 'envelope'`, which says that it was refused here, and no value from the body.
 *
 * What they may learn: whether a key is pinned here and whether a sequence number was used. Key
 * references are public, and a sequence number says only how many packages one sender sent.
 * Gaps and chain breaks are still told only to a package whose signatures verify.
 *
 * Only the header is read (the body must begin with it, as canonical JSON does); the payload is not
 * even decoded. A package whose exact bytes were accepted before (a retried delivery) is recognised here by its
 * header hash and byte-for-byte equality with the stored package, which was verified when accepted.
 */
import type { Kysely } from 'kysely';
import { loadLogKeys } from '../../db/ledger.ts';
import type { DB } from '../../db/schema.ts';
import { LedgerError, type LedgerErrorCode } from '../../ledger/errors.ts';
import { formatKeyId } from '../../ledger/note.ts';
import { PackageHeaderSchema, packageHash } from '../../ledger/package.ts';

export type Precheck =
  | { kind: 'new' }
  | { kind: 'accepted-before'; hash: Uint8Array; logIndex: number; sequence: number };

const refuse = (code: LedgerErrorCode, message: string, details: Record<string, unknown> = {}) =>
  new LedgerError(code, message, { ...details, stage: 'envelope' });

/** A package file is canonical JSON (RFC 8785): its members sorted, so it begins with its header. */
const PREFIX = Buffer.from('{"header":{');
/** Far more than any header needs (its recipients are key names). */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * The header object's JSON text, found without reading the rest of the body: from the prefix to the
 * first `}` outside a string (a header holds strings, numbers and arrays of strings, no objects).
 */
function headerText(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < PREFIX.length || !b.subarray(0, PREFIX.length).equals(PREFIX)) return undefined;
  const end = Math.min(b.length, PREFIX.length + MAX_HEADER_BYTES);
  let inString = false;
  let escaped = false;
  for (let i = PREFIX.length; i < end; i++) {
    const c = b[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) return undefined;
    else if (c === 0x7d) return b.subarray(PREFIX.length - 1, i + 1).toString('utf8');
  }
  return undefined;
}

export async function precheckPackage(db: Kysely<DB>, bytes: Uint8Array): Promise<Precheck> {
  const text = headerText(bytes);
  if (text === undefined)
    throw refuse(
      'PACKAGE_MALFORMED',
      'malformed package: a package is canonical JSON beginning with its header',
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw refuse('PACKAGE_MALFORMED', 'malformed package: its header is not JSON');
  }
  const parsed = PackageHeaderSchema.safeParse(json);
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
    if (!pinned) throw refuse('PACKAGE_UNKNOWN_KEY', "the package's sender key is not pinned on this node");
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
    throw refuse('PACKAGE_REPLAYED', "the package's sequence number was already accepted from its sender");
  }
  return { kind: 'new' };
}
