/**
 * What the node records in its transparency log, and when. Every entry is a commitment (a SHA-256),
 * appended in the transaction of the event it records:
 *
 * - `status-event`: each status event recorded one by one (captured, released, handed over, …),
 *   committing to its canonical JSON, which only the node holds;
 * - `registry.import`: each import, committing to the imported file's SHA-256;
 * - `notarized`: evidence files (a counterpart's scanned list, a video), committing to their SHA-256;
 * - `package.sent`, `package.accepted`: signed packages (src/app/peers/packages.ts), committing to the package hash.
 */
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { type AppendResult, appendLogEntries } from '../../db/ledger.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { canonicalBytes } from '../../ledger/jcs.ts';

/** Commits a status event (as stored) to the log; called by recordStatusEvent in its transaction. */
export async function logStatusEvent(tx: Transaction<DB>, event: object): Promise<AppendResult> {
  const commitment = createHash('sha256').update(canonicalBytes(event)).digest();
  return appendLogEntries(tx, [{ kind: 'status-event', commitment }]);
}

/** Commits an imported file (by its SHA-256, hex) to the log. */
export async function logImport(tx: Transaction<DB>, fileSha256: string): Promise<AppendResult> {
  return appendLogEntries(tx, [{ kind: 'registry.import', commitment: sha256FromHex(fileSha256) }]);
}

export interface Notarized {
  sha256: string;
  index: number;
}

/**
 * Records evidence files' SHA-256 commitments in the log, in the order given, under one checkpoint.
 * The files themselves never reach the log or the audit trail; only their hashes do.
 */
export async function notarize(
  ctx: RequestContext,
  tx: Transaction<DB>,
  sha256Hex: readonly string[],
): Promise<{ items: Notarized[]; checkpointSize: number }> {
  requirePermission(ctx, 'ledger:write');
  if (sha256Hex.length === 0) throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'nothing to notarize');
  const commitments = sha256Hex.map(sha256FromHex);
  const result = await appendLogEntries(
    tx,
    commitments.map((commitment) => ({ kind: 'notarized', commitment })),
  );
  const items = sha256Hex.map((sha256, i) => ({ sha256: sha256.toLowerCase(), index: result.first + i }));
  await writeAudit(
    tx,
    ctx,
    items.map((it) => ({
      action: 'evidence.notarized',
      entityType: 'log',
      entityId: String(it.index),
      detail: { sha256: it.sha256 },
    })),
  );
  return { items, checkpointSize: result.size };
}

function sha256FromHex(hex: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'a SHA-256 is 64 hexadecimal digits');
  return Buffer.from(hex, 'hex');
}
