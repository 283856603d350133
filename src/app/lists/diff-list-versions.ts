import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { diffLists, type ListDiff } from '../../domain/exchange/list.ts';
import {
  exchangeInfo,
  type Handle,
  type ListVersionSummary,
  loadDomainList,
  summaryOf,
  versionRow,
} from './list-rows.ts';

/** What changed from one version to another, person by person (`diffLists`). */
export async function diffListVersions(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
  fromId: string,
  toId: string,
): Promise<{ from: ListVersionSummary; to: ListVersionSummary; diff: ListDiff }> {
  requirePermission(ctx, 'exchange:read');
  const ex = await exchangeInfo(db, ctx, exchangeId);
  const a = await versionRow(db, exchangeId, fromId);
  const b = await versionRow(db, exchangeId, toId);
  const diff = diffLists(await loadDomainList(db, ex, a), await loadDomainList(db, ex, b));
  return { from: summaryOf(a, ctx), to: summaryOf(b, ctx), diff };
}
