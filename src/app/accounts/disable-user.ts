import { sql, type Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { toUserView, type UserView } from './account-rows.ts';

/** Disable an account and end its sessions and tokens at once. */
export async function disableUser(
  ctx: RequestContext,
  tx: Transaction<DB>,
  username: string,
): Promise<UserView> {
  requirePermission(ctx, 'user:manage');
  const row = await tx
    .updateTable('users')
    .set({ disabled_at: sql`coalesce(disabled_at, now())` })
    .where('username', '=', username)
    .where('org_id', '=', ctx.orgId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such user');
  await tx.deleteFrom('sessions').where('user_id', '=', row.id).execute();
  await tx
    .updateTable('api_tokens')
    .set({ revoked_at: sql`now()` })
    .where('user_id', '=', row.id)
    .where('revoked_at', 'is', null)
    .execute();
  await writeAudit(tx, ctx, [{ action: 'user.disabled', entityType: 'user', entityId: row.id }]);
  return toUserView(row);
}
