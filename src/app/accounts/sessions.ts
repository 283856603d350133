import { timingSafeEqual } from 'node:crypto';
import { type Db, sha256 } from './account-rows.ts';
import { PRINCIPAL_COLUMNS, type Principal, principalOf } from './principal.ts';

export async function resolveSession(
  db: Db,
  sessionToken: string,
  requestId?: string,
): Promise<Principal | undefined> {
  const r = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([...PRINCIPAL_COLUMNS, 's.csrf_token'])
    .where('s.token_hash', '=', sha256(sessionToken))
    .where('s.expires_at', '>', new Date())
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  return r ? principalOf(r, r.csrf_token, requestId) : undefined;
}

export async function endSession(db: Db, sessionToken: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', sha256(sessionToken)).execute();
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
