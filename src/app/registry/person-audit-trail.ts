import type { Transaction } from 'kysely';
import { type AuditRow, listAudit } from '../../db/audit.ts';
import { isUuid } from '../../db/persons.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { staffNameFor } from '../../domain/person-view.ts';

/** Who did what to this person's record, newest first. */
export async function personAuditTrail(
  ctx: RequestContext,
  tx: Transaction<DB>,
  personId: string,
): Promise<AuditRow<string | null>[]> {
  requirePermission(ctx, 'audit:read');
  const exists =
    isUuid(personId) &&
    (await tx
      .selectFrom('persons')
      .select('id')
      .where('id', '=', personId)
      .where('org_id', '=', ctx.orgId)
      .executeTakeFirst());
  if (!exists) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such person');
  const rows = await listAudit(tx, ctx, { entityType: 'person', entityId: personId, limit: 500 });
  // A caller whose person view is minimal (a mediator who also administers accounts) sees what was
  // done, not which staff member did it.
  return rows.map((r) => ({ ...r, actor: staffNameFor(ctx, r.actor) }));
}
