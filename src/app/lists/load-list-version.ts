import { type RequestContext, requirePermission } from '../../domain/access.ts';
import {
  countFlags,
  type FlaggedEntry,
  type ImportFlag,
  type MatchOutcome,
} from '../../domain/exchange/counterpart.ts';
import {
  type ListVersion,
  type Nomination,
  type ResponseCode,
  subjectKey,
} from '../../domain/exchange/list.ts';
import {
  entryRows,
  exchangeInfo,
  type Handle,
  type ListEntryView,
  type ListVersionDetail,
  loadDomainList,
  summaryOf,
  versionRow,
} from './list-rows.ts';

/** One version with its entries, flags, match, eligibility and the latest response per entry. */
export async function loadListVersion(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
  versionId: string,
): Promise<ListVersionDetail> {
  requirePermission(ctx, 'exchange:read');
  await exchangeInfo(db, ctx, exchangeId);
  const row = await versionRow(db, exchangeId, versionId);
  const entries = await entryRows(db, row.id);
  const responses = await db
    .selectFrom('exchange_list_responses')
    .select(['nomination_id', 'response'])
    .where('version_id', '=', row.id)
    .orderBy('id')
    .execute();
  const answered = new Map(responses.map((r) => [r.nomination_id, r.response as ResponseCode]));
  const personOf = (e: (typeof entries)[number]) =>
    e.person_id ??
    ((e.match as MatchOutcome | null)?.kind === 'matched'
      ? (e.match as { personId: string }).personId
      : null);
  const ids = [...new Set(entries.flatMap((e) => personOf(e) ?? []))];
  const names = new Map<string, string>();
  for (let at = 0; at < ids.length; at += 1000) {
    const chunk = ids.slice(at, at + 1000);
    const rows = await db
      .selectFrom('persons')
      .select(['id', 'display_name'])
      .where('org_id', '=', ctx.orgId)
      .where('id', 'in', chunk)
      .execute();
    for (const r of rows) names.set(r.id, r.display_name);
  }
  const views: ListEntryView[] = entries.map((e) => {
    const n = e.nomination as Nomination;
    return {
      ord: e.ord,
      nomination: n,
      key: subjectKey(n.subject),
      personId: e.person_id,
      recordHash: e.record_hash,
      claimedCategory: e.claimed_category,
      flags: e.flags as ImportFlag[],
      match: (e.match as MatchOutcome | null) ?? null,
      eligibility: (e.eligibility as ListEntryView['eligibility']) ?? null,
      duplicateOf: e.duplicate_of,
      response: answered.get(e.nomination_id) ?? null,
      registryName: names.get(personOf(e) ?? '') ?? null,
    };
  });
  const flagCounts = countFlags(views.map((v) => ({ flags: v.flags }) as FlaggedEntry));
  return { ...summaryOf(row, ctx), entries: views, flagCounts };
}

/** The domain list version (entries and all), checked against its stored hash. */
export async function loadDomainListVersion(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
  versionId: string,
): Promise<ListVersion> {
  requirePermission(ctx, 'exchange:read');
  const ex = await exchangeInfo(db, ctx, exchangeId);
  return loadDomainList(db, ex, await versionRow(db, exchangeId, versionId));
}
