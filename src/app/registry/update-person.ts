import type { Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { loadPersons, lockPerson, updatePersonRow } from '../../db/persons.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission, visibleRestrictedFields } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import type { PersonInput } from '../../domain/person.ts';
import { type PersonView, projectPerson } from '../../domain/person-view.ts';
import { nameKey } from '../../matching/keys.ts';
import { checkRestrictedWrites, parsePersonInput } from './register-person.ts';

/**
 * Replace a person's details. `version` is the one the caller read: if someone saved in between,
 * CONFLICT, so no edit is silently lost. Restricted fields the caller cannot see are kept as they are.
 */
export async function updatePerson(
  ctx: RequestContext,
  tx: Transaction<DB>,
  id: string,
  input: PersonInput,
  version: number,
): Promise<PersonView> {
  requirePermission(ctx, 'person:write');
  const parsed = parsePersonInput(input);
  checkRestrictedWrites(ctx, parsed);
  const row = await lockPerson(tx, ctx, id);
  if (!row) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such person');
  if (row.version !== version)
    throw new DomainError(
      ErrorCodes.CONFLICT,
      'this person was changed by someone else; reload and try again',
      {
        currentVersion: row.version,
      },
    );
  const [before] = await loadPersons(tx, ctx, [id]);
  await updatePersonRow(tx, ctx, id, parsed, new Set(visibleRestrictedFields(ctx)), nameKey);
  const [after] = await loadPersons(tx, ctx, [id]);
  const changed = changedFields(before!, after!);
  await writeAudit(tx, ctx, [
    { action: 'person.updated', entityType: 'person', entityId: id, detail: { fields: changed } },
  ]);
  return projectPerson(ctx, after!);
}

/** Names of the top-level fields that differ; values stay out of the audit trail. */
export function changedFields(a: object, b: object): string[] {
  const skip = new Set(['version', 'updatedAt', 'createdAt', 'displayName', 'status', 'id']);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys]
    .filter((k) => !skip.has(k))
    .filter(
      (k) =>
        JSON.stringify((a as Record<string, unknown>)[k] ?? null) !==
        JSON.stringify((b as Record<string, unknown>)[k] ?? null),
    )
    .sort();
}
