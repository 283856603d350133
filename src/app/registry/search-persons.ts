import type { Transaction } from 'kysely';
import { loadPersons, type PersonFilter, searchPersonIds } from '../../db/persons.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import type { MatchInfo } from '../../domain/match.ts';
import { type PersonView, projectPerson } from '../../domain/person-view.ts';
import { explain, type MatchCandidate, type MatchRecord } from '../../matching/engine.ts';
import { nameKey } from '../../matching/keys.ts';
import type { RegistryMatcher } from '../matching/registry-matcher.ts';

export type PersonSearchHit = PersonView & { match?: MatchInfo };

export interface PersonSearchResult {
  items: PersonSearchHit[];
  hasMore: boolean;
}

/** Query tokens as search keys; single letters are too unselective to drive an index scan. */
export function queryTokens(q: string): string[] {
  const keys = new Set<string>();
  for (const part of q.split(/[\s,;]+/)) {
    for (const k of nameKey(part).split(' ')) if (k.length >= 2) keys.add(k);
  }
  return [...keys].slice(0, 5);
}

/** Engine candidates considered per search, whatever the page (deeper pages list prefix hits). */
const ENGINE_CANDIDATES = 200;

/**
 * A search box's text as the engine's query. The words' roles are unknown: "Kovalenko Oleksandr
 * Mykolaiovych" (registry order) and "Oleksandr Mykolaiovych Kovalenko" (speech order) are both
 * tried; the engine itself also tries family and given name swapped.
 */
export function searchQueryRecord(q: string, birthYear?: number | undefined): MatchRecord {
  const words = q.split(/[\s,;]+/).filter((w) => w.length > 0);
  const names: MatchRecord['names'] =
    words.length === 1
      ? [{ family: words[0] }]
      : words.length === 2
        ? [{ family: words[0], given: words[1] }]
        : words.length === 3
          ? [
              { family: words[0], given: words[1], patronymic: words[2] },
              { family: words[2], given: words[0], patronymic: words[1] },
            ]
          : [{ family: words.join(' ') }];
  return { id: 'query', names, birthDate: birthYear === undefined ? null : String(birthYear) };
}

export function matchInfoOf(c: MatchCandidate): MatchInfo {
  return {
    score: c.score,
    band: c.band ?? 'possible',
    explanation: explain(c.fields),
    fields: c.fields.map((f) => ({ field: f.field, level: f.level, weight: f.weight })),
  };
}

/**
 * Search the registry by name (any script), birth year, category and fate status.
 *
 * With a `matcher` and a name, the matching engine ranks persons first (other scripts and
 * transliterations, Russian forms, typos), each with its score, band and explanation; persons whose
 * name keys merely start with the typed words follow, without a score. Without a matcher (or a
 * name) this is the prefix search alone. Birth year, category and status filter both.
 *
 * Results never carry restricted fields, even for roles that may read them: those are read, and
 * audited, one person at a time.
 */
export async function searchPersons(
  ctx: RequestContext,
  tx: Transaction<DB>,
  filter: PersonFilter,
  matcher?: RegistryMatcher | undefined,
): Promise<PersonSearchResult> {
  requirePermission(ctx, 'person:read');
  const tokens = filter.q ? queryTokens(filter.q) : [];
  let ids: string[];
  const matches = new Map<string, MatchInfo>();
  if (matcher && filter.q) {
    const want = filter.offset + filter.limit + 1;
    const view = await matcher.view(tx, ctx);
    const candidates = view.search(searchQueryRecord(filter.q, filter.birthYear), ENGINE_CANDIDATES);
    const kept = await keepMatchingFilter(
      tx,
      ctx,
      candidates.map((c) => c.id),
      filter,
    );
    for (const c of candidates) if (kept.has(c.id)) matches.set(c.id, matchInfoOf(c));
    ids = [...matches.keys()];
    if (ids.length < want) {
      const prefix = await searchPersonIds(
        tx,
        ctx,
        { ...filter, offset: 0, limit: want + ids.length },
        tokens,
      );
      for (const id of prefix) if (!matches.has(id)) ids.push(id);
    }
    ids = ids.slice(filter.offset, want);
  } else {
    ids = await searchPersonIds(tx, ctx, filter, tokens);
  }
  const hasMore = ids.length > filter.limit;
  const records = await loadPersons(tx, ctx, ids.slice(0, filter.limit));
  return {
    items: records.map((r) => {
      const v: PersonSearchHit = projectPerson(ctx, r);
      delete v.contacts;
      delete v.health;
      delete v.marks;
      delete v.photos;
      const m = matches.get(r.id);
      if (m) v.match = m;
      return v;
    }),
    hasMore,
  };
}

/** The candidates that are this organisation's persons and pass the filter's birth year, category, status. */
async function keepMatchingFilter(
  tx: Transaction<DB>,
  ctx: RequestContext,
  ids: string[],
  f: PersonFilter,
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  let q = tx.selectFrom('persons').select('id').where('org_id', '=', ctx.orgId).where('id', 'in', ids);
  if (f.birthYear !== undefined) q = q.where('birth_year', '=', f.birthYear);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.fateStatus) q = q.where('fate_status', '=', f.fateStatus);
  return new Set((await q.execute()).map((r) => r.id));
}
