import type { Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { appendLogEntries } from '../../db/ledger.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import type { Signature } from '../../domain/exchange/common.ts';
import { violation } from '../../domain/exchange/errors.ts';
import { listHash } from '../../domain/exchange/list.ts';
import { signAsNode } from '../exchange/signatures.ts';
import {
  exchangeInfo,
  LIST_SIGNED_LOG_KIND,
  type ListVersionSummary,
  loadDomainList,
  summaryOf,
  VERSION_COLUMNS,
  type VersionRow,
  versionRow,
} from './list-rows.ts';

/**
 * Sign (freeze) a version: its hash goes into the transparency log as `list.signed` and the row is
 * immutable from then on. Our lists carry our party's signature over the hash; for the counterpart's
 * lists the record says this node received and froze that exact version.
 */
export async function signListVersion(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  versionId: string,
): Promise<ListVersionSummary> {
  requirePermission(ctx, 'list:write', 'node:sign');
  const ex = await exchangeInfo(tx, ctx, exchangeId);
  // Same lock order as every log append: the log head first.
  await tx.selectFrom('log_head').select('size').where('id', '=', 1).forUpdate().execute();
  const row = await versionRow(tx, exchangeId, versionId, true);
  if (row.signed_at !== null)
    throw violation('SIGNED_IMMUTABLE', `list version ${row.version} of ${row.kind} is already signed`);
  const list = await loadDomainList(tx, ex, row);
  const hash = listHash(list);
  const log = await appendLogEntries(tx, [
    { kind: LIST_SIGNED_LOG_KIND, commitment: Buffer.from(hash, 'hex') },
  ]);
  const signedAt = new Date();
  // An Ed25519 signature by this node's key (src/app/exchange/signatures.ts); the log entry dates it.
  const signature: Signature = await signAsNode(
    tx,
    ctx,
    { kind: 'list_version', entityId: ex.id },
    {
      signer: ex.us,
      role: 'party',
      contentHash: hash,
      signedAt: signedAt.toISOString(),
    },
  );
  const updated = await tx
    .updateTable('exchange_list_versions')
    .set({ signed_at: signedAt, signature: JSON.stringify(signature), log_index: log.first })
    .where('id', '=', row.id)
    .returning(VERSION_COLUMNS)
    .executeTakeFirstOrThrow();
  await commitRecords(tx, [{ table: 'exchange_list_versions', key: row.id }]);
  await writeAudit(tx, ctx, [
    {
      action: 'list.signed',
      entityType: 'exchange',
      entityId: ex.id,
      detail: { kind: row.kind, version: row.version, versionHash: hash, logIndex: log.first },
    },
  ]);
  return summaryOf(updated as VersionRow, ctx);
}
