import { type RequestContext, requirePermission } from '../../domain/access.ts';
import {
  exchangeInfo,
  type Handle,
  type ListVersionSummary,
  summaryOf,
  VERSION_COLUMNS,
} from './list-rows.ts';

/** Every version of an exchange's lists, by kind then version. */
export async function listListVersions(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
): Promise<ListVersionSummary[]> {
  requirePermission(ctx, 'exchange:read');
  await exchangeInfo(db, ctx, exchangeId);
  const rows = await db
    .selectFrom('exchange_list_versions')
    .select(VERSION_COLUMNS)
    .where('exchange_id', '=', exchangeId)
    .orderBy('kind')
    .orderBy('version')
    .execute();
  return rows.map((r) => summaryOf(r, ctx));
}
