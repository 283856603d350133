import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { type Db, toUserView, type UserView } from './account-rows.ts';

export async function listUsers(ctx: RequestContext, db: Db): Promise<UserView[]> {
  requirePermission(ctx, 'user:manage');
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('org_id', '=', ctx.orgId)
    .orderBy('username')
    .execute();
  return rows.map(toUserView);
}
