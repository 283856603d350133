import type { Transaction } from 'kysely';
import { loadPersons, type PersonFilter, searchPersonIds } from '../db/persons.ts';
import type { DB } from '../db/schema.ts';
import { type RequestContext, requirePermission } from '../domain/access.ts';
import { type PersonView, projectPerson } from '../domain/person-view.ts';

export interface PersonSearchResult {
  items: PersonView[];
  hasMore: boolean;
}

/**
 * Search the registry by name (any script), birth year, category and fate status.
 * Results never carry restricted fields, even for roles that may read them: those are read, and
 * audited, one person at a time.
 */
export async function searchPersons(
  ctx: RequestContext,
  tx: Transaction<DB>,
  filter: PersonFilter,
): Promise<PersonSearchResult> {
  requirePermission(ctx, 'person:read');
  const ids = await searchPersonIds(tx, ctx, filter);
  const hasMore = ids.length > filter.limit;
  const records = await loadPersons(tx, ctx, ids.slice(0, filter.limit));
  return {
    items: records.map((r) => {
      const v = projectPerson(ctx, r);
      delete v.contacts;
      delete v.health;
      delete v.marks;
      delete v.photos;
      return v;
    }),
    hasMore,
  };
}
