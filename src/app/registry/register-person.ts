import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { insertPersons, loadPersons } from '../../db/persons.ts';
import type { DB } from '../../db/schema.ts';
import { canSeeField, type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { shownIssue } from '../../domain/field-names.ts';
import {
  type PersonInput,
  type PersonInputParsed,
  PersonInputSchema,
  RestrictedFields,
} from '../../domain/person.ts';
import { type PersonView, projectPerson } from '../../domain/person-view.ts';
import { nameKey } from '../../matching/keys.ts';

/** Parse client input; Zod issues become a VALIDATION_FAILED with paths, never echoing values. */
export function parsePersonInput(input: unknown): PersonInputParsed {
  const r = PersonInputSchema.safeParse(input);
  if (!r.success) {
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the person record is not valid', {
      issues: r.error.issues.map((i) => shownIssue(PersonInputSchema, i)),
    });
  }
  return r.data;
}

/** A role may only write the restricted fields it may read. */
export function checkRestrictedWrites(ctx: RequestContext, input: PersonInputParsed): void {
  for (const f of RestrictedFields) {
    if (input[f] != null && !canSeeField(ctx, f)) {
      throw new DomainError(ErrorCodes.FORBIDDEN, `your role may not write the ${f} field`);
    }
  }
}

export async function registerPerson(
  ctx: RequestContext,
  tx: Transaction<DB>,
  input: PersonInput,
): Promise<PersonView> {
  requirePermission(ctx, 'person:write');
  const parsed = parsePersonInput(input);
  checkRestrictedWrites(ctx, parsed);
  const id = randomUUID();
  await insertPersons(tx, ctx, [{ id, input: parsed, events: [] }], nameKey);
  await writeAudit(tx, ctx, [
    {
      action: 'person.created',
      entityType: 'person',
      entityId: id,
      detail: { fields: Object.keys(parsed).filter((k) => parsed[k as keyof PersonInputParsed] != null) },
    },
  ]);
  const [record] = await loadPersons(tx, ctx, [id]);
  return projectPerson(ctx, record!);
}
