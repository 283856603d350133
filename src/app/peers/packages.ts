/**
 * Signed packages between nodes (envelope in src/ledger/package.ts): pinning counterparts' keys,
 * signing what this node sends, verifying and accepting what it receives. Each package sent or
 * accepted is recorded with its log entry (its hash, never its payload) in the same transaction,
 * and a sender's packages are accepted strictly in sequence: replays, gaps and a broken chain are
 * refused with their own codes.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { type AuditEntry, writeAudit } from '../../db/audit.ts';
import { appendLogEntries, loadLogKeys } from '../../db/ledger.ts';
import { requireNodeOrg } from '../../db/node-scope.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { peerContext, type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { fromBase64, toBase64 } from '../../ledger/bytes.ts';
import { isLedgerError, LedgerError } from '../../ledger/errors.ts';
import type { JsonValue } from '../../ledger/jcs.ts';
import { parseVerifierKey } from '../../ledger/keys.ts';
import { formatKeyId, type NoteVerifier, SignatureType } from '../../ledger/note.ts';
import {
  createPackage,
  type EncodedPackage,
  PackageHeaderSchema,
  packageHash,
  type VerifiedPackage,
  verifyPackage,
} from '../../ledger/package.ts';
import { auditNodeSignatures } from '../exchange/signature-audit.ts';
import { checkOutbound, recipientRole } from './outbound.ts';

type Handle = Kysely<DB> | Transaction<DB>;

const keyRef = (k: { name: string; keyId: number }) => `${k.name}+${formatKeyId(k.keyId)}`;

/** Trust a counterpart's (or mediator's) Ed25519 key for packages. Idempotent for the same key. */
export async function pinKey(
  ctx: RequestContext,
  tx: Transaction<DB>,
  vkey: string,
  label = '',
): Promise<{ keyRef: string }> {
  requirePermission(ctx, 'ledger:write');
  const verifier = parseVerifierKey(vkey);
  if (verifier.type !== SignatureType.ed25519)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'packages are signed with Ed25519 keys (type 0x01)');
  const ref = keyRef(verifier);
  const pinned = await tx
    .insertInto('pinned_keys')
    .values({ vkey, key_ref: ref, label })
    .onConflict((oc) => oc.column('vkey').doNothing())
    .executeTakeFirst();
  // A trust change: committed and audited when the key is new (pinning it again changes nothing).
  if (pinned?.numInsertedOrUpdatedRows) {
    await commitRecords(tx, [{ table: 'pinned_keys', key: vkey }]);
    await writeAudit(tx, ctx, [
      {
        action: 'trust.key_pinned',
        entityType: 'key',
        entityId: ref,
        detail: { keyRef: ref, vkeySha256: createHash('sha256').update(vkey).digest('hex') },
      },
    ]);
  }
  return { keyRef: ref };
}

/** The keys packages may be signed with: every pinned key and this node's own. */
export async function trustedPackageKeys(db: Handle): Promise<NoteVerifier[]> {
  const rows = await db.selectFrom('pinned_keys').select('vkey').execute();
  const own = await loadLogKeys(db);
  return [own.verifier, ...rows.map((r) => parseVerifierKey(r.vkey))];
}

/**
 * The last package in a chain: a sender's packages accepted here, or this node's packages sent to
 * `peer` (counting those sent to several recipients at once before migration 011, peer '*').
 */
async function lastOf(db: Handle, direction: 'sent' | 'accepted', sender: string, peer?: string) {
  let q = db
    .selectFrom('packages')
    .select(['sequence', 'hash'])
    .where('direction', '=', direction)
    .where('sender', '=', sender);
  if (direction === 'sent' && peer !== undefined) q = q.where('peer', 'in', [peer, '*']);
  const row = await q.orderBy('sequence', 'desc').limit(1).executeTakeFirst();
  return row && { sequence: Number(row.sequence), hash: new Uint8Array(row.hash) };
}

export interface PackageToSend {
  type: string;
  version: number;
  recipients: string[];
  payload: JsonValue;
}

export interface SentPackage extends EncodedPackage {
  logIndex: number;
  /** The one recipient this package is addressed to. */
  recipient: string;
}

/**
 * Signs the payload for each recipient as the next package in this node's chain to that recipient
 * (one package per recipient, so that no receiver ever sees a gap for packages not meant for it), and
 * records each in the log. Returns the first package, and `all` of them in the order of `recipients`.
 */
export async function sendPackage(
  ctx: RequestContext,
  tx: Transaction<DB>,
  input: PackageToSend,
  now: Date = new Date(),
): Promise<SentPackage & { all: SentPackage[] }> {
  requirePermission(ctx, 'ledger:write', 'node:sign');
  const recipients = [...new Set(input.recipients)];
  if (!recipients.length) throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'a package needs a recipient');
  // Invariant 8: only whitelisted fields leave, checked before anything is signed or logged.
  checkOutbound(input.type, input.payload, await recipientRole(tx, recipients));
  const keys = await loadLogKeys(tx);
  const sender = keyRef(keys.signer);
  // The log head lock serialises appends; take it first so two senders cannot share a sequence number.
  await tx.selectFrom('log_head').select('size').where('id', '=', 1).forUpdate().execute();
  const encoded: EncodedPackage[] = [];
  for (const recipient of recipients) {
    const last = await lastOf(tx, 'sent', sender, recipient);
    encoded.push(
      createPackage(
        {
          ...input,
          recipients: [recipient],
          sequence: (last?.sequence ?? 0) + 1,
          previous: last?.hash ?? null,
          createdAt: now,
        },
        keys.signer,
      ),
    );
  }
  const { first } = await appendLogEntries(
    tx,
    encoded.map((e) => ({ kind: 'package.sent', commitment: e.hash })),
  );
  await tx
    .insertInto('packages')
    .values(
      encoded.map((e, i) => ({
        hash: Buffer.from(e.hash),
        direction: 'sent' as const,
        sender,
        peer: recipients[i]!,
        sequence: e.package.header.sequence,
        type: input.type,
        log_index: first + i,
        bytes: Buffer.from(e.bytes),
      })),
    )
    .execute();
  await commitRecords(
    tx,
    encoded.map((e) => ({ table: 'packages', key: e.hash })),
  );
  await writeAudit(tx, ctx, [
    {
      action: 'package.sent',
      entityType: 'package',
      entityId: encoded.length === 1 ? toBase64(encoded[0]!.hash) : null,
      detail: {
        type: input.type,
        recipients: recipients.length,
        sequences: encoded.map((e) => e.package.header.sequence),
        logIndexes: [first, first + encoded.length - 1],
      },
    },
  ]);
  // Each package is a signature by the node's key over its hash.
  await auditNodeSignatures(
    tx,
    ctx,
    encoded.map((e) => ({
      kind: 'package' as const,
      entityId: toBase64(e.hash),
      sha256: Buffer.from(e.hash).toString('hex'),
      keyRef: sender,
    })),
  );
  const all = encoded.map((e, i) => ({ ...e, logIndex: first + i, recipient: recipients[i]! }));
  return { ...all[0]!, all };
}

export interface AcceptedPackage extends VerifiedPackage {
  logIndex: number;
}

/**
 * Verifies received package files in order and accepts them all, or none: the first refusal throws
 * its LedgerError (with `details.file`, the 0-based position) and the transaction records nothing.
 * One log append and one checkpoint for the batch.
 */
export async function acceptPackages(
  ctx: RequestContext,
  tx: Transaction<DB>,
  files: readonly Uint8Array[],
): Promise<AcceptedPackage[]> {
  requirePermission(ctx, 'ledger:write');
  if (files.length === 0) return [];
  const keys = await loadLogKeys(tx);
  const pinnedKeys = await trustedPackageKeys(tx);
  await tx.selectFrom('log_head').select('size').where('id', '=', 1).forUpdate().execute();
  const lastBySender = new Map<string, { sequence: number; hash: Uint8Array } | undefined>();
  const verified: VerifiedPackage[] = [];
  for (const [file, bytes] of files.entries()) {
    const sender = senderOf(bytes);
    if (sender !== undefined && !lastBySender.has(sender))
      lastBySender.set(sender, await lastOf(tx, 'accepted', sender));
    try {
      const v = verifyPackage(bytes, {
        self: keys.origin,
        pinnedKeys,
        lastAccepted: (s) => lastBySender.get(s),
      });
      lastBySender.set(v.header.sender, { sequence: v.header.sequence, hash: v.hash });
      verified.push(v);
    } catch (e) {
      if (isLedgerError(e))
        throw new LedgerError(e.code, `package file ${file + 1}: ${e.message}`, { ...e.details, file });
      throw e;
    }
  }
  const { first } = await appendLogEntries(
    tx,
    verified.map((v) => ({ kind: 'package.accepted', commitment: v.hash })),
  );
  await tx
    .insertInto('packages')
    .values(
      verified.map((v, i) => ({
        hash: Buffer.from(v.hash),
        direction: 'accepted' as const,
        sender: v.header.sender,
        sequence: v.header.sequence,
        type: v.header.type,
        log_index: first + i,
        bytes: Buffer.from(files[i]!),
      })),
    )
    .execute();
  await commitRecords(
    tx,
    verified.map((v) => ({ table: 'packages', key: v.hash })),
  );
  // One audit row per batch (the packages table holds each package with its log index). What arrives
  // at the peer inbox is audited as the peer whose pinned key signed it (one row per sender); what an
  // operator carried in as files, as that operator.
  const senders = [...new Set(verified.map((v) => v.header.sender))];
  const auditRow = (batch: readonly AcceptedPackage[]): AuditEntry => ({
    action: 'package.accepted',
    entityType: 'package',
    entityId: batch.length === 1 ? toBase64(batch[0]!.hash) : null,
    detail: {
      count: batch.length,
      senders: [...new Set(batch.map((v) => v.header.sender))],
      types: [...new Set(batch.map((v) => v.header.type))],
      logIndexes: [batch[0]!.logIndex, batch[batch.length - 1]!.logIndex],
    },
  });
  const accepted = verified.map((v, i) => ({ ...v, logIndex: first + i }));
  if (ctx.actor.kind === 'node' && ctx.actor.task === 'receive-package')
    for (const sender of senders)
      await writeAudit(tx, await peerOf(tx, ctx, sender), [
        auditRow(accepted.filter((v) => v.header.sender === sender)),
      ]);
  else await writeAudit(tx, ctx, [auditRow(accepted)]);
  return accepted;
}

/**
 * The peer that signed with the pinned key `sender`: with the agreement its key is pinned under
 * when there is exactly one (a key pinned only for packages, or under several agreements: none).
 */
async function peerOf(tx: Transaction<DB>, ctx: RequestContext, sender: string): Promise<RequestContext> {
  const rows = await tx
    .selectFrom('agreement_keys')
    .select('agreement_id')
    .distinct()
    .where('key_ref', '=', sender)
    .limit(2)
    .execute();
  return peerContext(ctx.orgId, sender, rows.length === 1 ? rows[0]!.agreement_id : null, ctx.requestId);
}

export interface PackageCheck extends VerifiedPackage {
  /** Where this node already recorded this exact package, if it did. */
  recorded?: { direction: 'sent' | 'accepted'; logIndex: number };
}

/**
 * Verifies a package file without accepting it: signatures by pinned keys (or this node's own), the
 * payload digest, the recipient, and its place in the sender's sequence. A package this node already
 * recorded (sent or accepted) verifies and says where it is in the log; another package reusing a
 * sequence number is a replay. `recipient` overrides whom it must be addressed to (default: this
 * node, or for a package this node sent, its first recipient).
 */
export async function checkPackage(
  ctx: RequestContext,
  db: Handle,
  bytes: Uint8Array,
  recipient?: string,
): Promise<PackageCheck> {
  // What this node holds belongs to its organisation: another one's context finds nothing here.
  await requireNodeOrg(ctx, db);
  const keys = await loadLogKeys(db);
  const pinnedKeys = await trustedPackageKeys(db);
  const header = headerOf(bytes);
  const sender = typeof header?.sender === 'string' ? header.sender : undefined;
  const own = sender === keyRef(keys.signer);
  const direction = own ? 'sent' : 'accepted';
  const firstRecipient = Array.isArray(header?.recipients) ? String(header.recipients[0]) : keys.origin;
  const self = recipient ?? (own ? firstRecipient : keys.origin);
  const last = sender === undefined ? undefined : await lastOf(db, direction, sender, own ? self : undefined);
  try {
    return verifyPackage(bytes, { self, pinnedKeys, lastAccepted: () => last });
  } catch (e) {
    if (!(isLedgerError(e) && e.code === 'PACKAGE_REPLAYED')) throw e;
    // Authentic but not new: fine if it is the very package on record, a replay otherwise.
    const hash = packageHash(PackageHeaderSchema.parse(header));
    const recorded = await db
      .selectFrom('packages')
      .select(['direction', 'log_index'])
      .where('hash', '=', Buffer.from(hash))
      .executeTakeFirst();
    if (!recorded) throw e;
    // REPLAYED comes after every other check passed; verify again as the successor of its own `previous`.
    const parsed = PackageHeaderSchema.parse(header);
    const previous = parsed.previous === null ? undefined : fromBase64(parsed.previous);
    const verified = verifyPackage(bytes, {
      self,
      pinnedKeys,
      lastAccepted: () => previous && { sequence: parsed.sequence - 1, hash: previous },
    });
    return { ...verified, recorded: { direction: recorded.direction, logIndex: Number(recorded.log_index) } };
  }
}

/** The sender named in a package's header, read without trusting it (to look up its sequence state). */
function senderOf(bytes: Uint8Array): string | undefined {
  const header = headerOf(bytes);
  return typeof header?.sender === 'string' ? header.sender : undefined;
}

function headerOf(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const json = JSON.parse(new TextDecoder().decode(bytes));
    return json && typeof json.header === 'object' ? json.header : undefined;
  } catch {
    return undefined;
  }
}
