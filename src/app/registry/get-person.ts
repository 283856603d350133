import type { Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { loadPersons } from '../../db/persons.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { type PersonView, projectPerson, restrictedFieldsShown } from '../../domain/person-view.ts';

/** Read one person as the caller may see them; a read that shows restricted fields is audited. */
export async function getPerson(ctx: RequestContext, tx: Transaction<DB>, id: string): Promise<PersonView> {
  requirePermission(ctx, 'person:read');
  const [record] = await loadPersons(tx, ctx, [id]);
  if (!record) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such person');
  const shown = restrictedFieldsShown(ctx).filter((f) => record[f as keyof typeof record] != null);
  if (shown.length > 0) {
    await writeAudit(tx, ctx, [
      { action: 'person.restricted_read', entityType: 'person', entityId: id, detail: { fields: shown } },
    ]);
  }
  return projectPerson(ctx, record);
}
