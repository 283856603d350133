import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, Roles, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { PasswordSchema, toUserView, UsernameSchema, type UserView } from './account-rows.ts';
import { hashPassword } from './passwords.ts';

export interface NewUser {
  username: string;
  displayName?: string | undefined;
  password: string;
  roles: string[];
}

/** Create an account. `ctx` must be allowed to manage users (or be the local operator's CLI context). */
export async function addUser(ctx: RequestContext, tx: Transaction<DB>, u: NewUser): Promise<UserView> {
  requirePermission(ctx, 'user:manage');
  const username = UsernameSchema.safeParse(u.username);
  if (!username.success)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `username ${username.error.issues[0]?.message}`);
  const password = PasswordSchema.safeParse(u.password);
  if (!password.success)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `password ${password.error.issues[0]?.message}`);
  const bad = u.roles.filter((r) => !(Roles as readonly string[]).includes(r));
  if (bad.length > 0 || u.roles.length === 0)
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `roles must be one or more of: ${Roles.join(', ')}`, {
      unknown: bad,
    });
  const taken = await tx
    .selectFrom('users')
    .select('id')
    .where('username', '=', username.data)
    .executeTakeFirst();
  if (taken) throw new DomainError(ErrorCodes.DUPLICATE, 'this username is already taken');
  const id = randomUUID();
  const row = await tx
    .insertInto('users')
    .values({
      id,
      org_id: ctx.orgId,
      username: username.data,
      display_name: u.displayName?.trim() || username.data,
      password_hash: await hashPassword(password.data),
      roles: [...new Set(u.roles)],
      disabled_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await writeAudit(tx, ctx, [
    { action: 'user.created', entityType: 'user', entityId: id, detail: { roles: row.roles } },
  ]);
  return toUserView(row);
}
