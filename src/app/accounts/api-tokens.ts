import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { type Db, newToken, sha256 } from './account-rows.ts';
import { PRINCIPAL_COLUMNS, type Principal, principalOf } from './principal.ts';

/** API tokens for scripts: shown once at creation, stored only as a hash. */
export async function createApiToken(
  ctx: RequestContext,
  tx: Transaction<DB>,
  opts: { username: string; name: string; ttlDays?: number | undefined },
): Promise<{ token: string; id: string }> {
  const user = await tx
    .selectFrom('users')
    .select(['id', 'disabled_at'])
    .where('username', '=', opts.username)
    .where('org_id', '=', ctx.orgId)
    .executeTakeFirst();
  if (!user || user.disabled_at) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such active user');
  if (ctx.userId !== user.id) requirePermission(ctx, 'user:manage');
  const token = `hw_${newToken()}`;
  const id = randomUUID();
  await tx
    .insertInto('api_tokens')
    .values({
      id,
      user_id: user.id,
      token_hash: sha256(token),
      name: opts.name.slice(0, 100),
      expires_at: opts.ttlDays ? new Date(Date.now() + opts.ttlDays * 86_400_000) : null,
      revoked_at: null,
    })
    .execute();
  await writeAudit(tx, ctx, [
    { action: 'token.created', entityType: 'token', entityId: id, detail: { user: opts.username } },
  ]);
  return { token, id };
}

export async function resolveApiToken(
  db: Db,
  token: string,
  requestId?: string,
): Promise<Principal | undefined> {
  const r = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(PRINCIPAL_COLUMNS)
    .where('t.token_hash', '=', sha256(token))
    .where('t.revoked_at', 'is', null)
    .where('u.disabled_at', 'is', null)
    .where((w) => w.or([w('t.expires_at', 'is', null), w('t.expires_at', '>', new Date())]))
    .executeTakeFirst();
  return r ? principalOf(r, null, requestId) : undefined;
}
