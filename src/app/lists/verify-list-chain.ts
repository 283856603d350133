import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { violation } from '../../domain/exchange/errors.ts';
import { listHash } from '../../domain/exchange/list.ts';
import {
  exchangeInfo,
  type Handle,
  type ListKindName,
  loadDomainList,
  VERSION_COLUMNS,
  type VersionRow,
} from './list-rows.ts';

/**
 * Check the chain of one list: versions 1..n, each stored hash recomputed from its entries, each
 * version's parent hash the hash of the one before, every version but the last signed. Returns the
 * hashes, oldest first; throws HASH_MISMATCH naming the first broken version.
 */
export async function verifyStoredListChain(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
  kind: ListKindName,
): Promise<string[]> {
  requirePermission(ctx, 'exchange:read');
  const ex = await exchangeInfo(db, ctx, exchangeId);
  const rows = (await db
    .selectFrom('exchange_list_versions')
    .select(VERSION_COLUMNS)
    .where('exchange_id', '=', exchangeId)
    .where('kind', '=', kind)
    .orderBy('version')
    .execute()) as VersionRow[];
  const hashes: string[] = [];
  for (const [i, row] of rows.entries()) {
    if (row.version !== i + 1) throw violation('VERSION_GAP', `version ${i + 1} of ${kind} is missing`);
    const l = await loadDomainList(db, ex, row);
    if (l.parentHash !== (i === 0 ? null : hashes[i - 1]))
      throw violation('HASH_MISMATCH', `version ${row.version} is not chained to its parent`, {
        version: row.version,
      });
    if (i < rows.length - 1 && row.signed_at === null)
      throw violation('STAGE_TRANSITION', `version ${row.version} has a successor but was never signed`);
    hashes.push(listHash(l));
  }
  return hashes;
}
