import { randomBytes } from 'node:crypto';
import { writeAudit } from '../../db/audit.ts';
import type { Database } from '../../db/open.ts';
import { contextOf, type RequestContext } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { newToken, SESSION_TTL_MS, sha256, toUserView, type UserView } from './account-rows.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { forgetStaleCounters, reserveCheck, settleSuccess, throttleKeys } from './sign-in-throttle.ts';

/** Used when the username does not exist, so a miss costs the same time as a wrong password. */
let dummyHash: Promise<string> | undefined;

export interface SignedIn {
  user: UserView;
  sessionToken: string;
  csrfToken: string;
}

export interface SignInOptions {
  /** The time of the attempt (tests move it instead of sleeping); default now. */
  now?: Date | undefined;
}

/**
 * Check a password and open a browser session. Throttled per (account, address) pair, per account
 * and per address with growing delays (src/app/accounts/sign-in-throttle.ts): during a delay the attempt is
 * refused (THROTTLED, `details.retryAfterSeconds`) before the account is looked up or the password
 * checked, with the same answer whether the account exists or not. Each check is reserved in its own
 * committed transaction before the password is checked, so a failure counts whatever happens next.
 */
export async function signIn(
  database: Database,
  orgId: string,
  creds: { username: string; password: string; address: string },
  options: SignInOptions = {},
): Promise<SignedIn> {
  const now = options.now ?? new Date();
  const keys = throttleKeys(creds.username, creds.address);
  const reserved = await reserveCheck(database, keys, now);
  if (!reserved.ok) {
    const retryAfterSeconds = Math.max(1, Math.ceil(reserved.retryAfterMs / 1000));
    throw new DomainError(
      ErrorCodes.THROTTLED,
      `too many failed sign-in attempts; try again in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }
  await forgetStaleCounters(database, now);
  const row = await database.db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', creds.username)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await verifyPassword(row?.password_hash ?? (await dummyHash), creds.password);
  // Audited as the account signing in (only written when the account exists), with no roles yet.
  const ctx: RequestContext = contextOf(orgId, {
    kind: 'user',
    userId: row?.id ?? '',
    username: row?.username ?? 'anonymous',
    roles: [],
  });
  if (!row || !ok) {
    // In a transaction of its own: the audit row and whatever is recorded with it commit together.
    if (row)
      await database.transaction((tx) =>
        writeAudit(tx, ctx, [{ action: 'user.sign_in_failed', entityType: 'user', entityId: row.id }]),
      );
    throw new DomainError(ErrorCodes.UNAUTHENTICATED, 'wrong username or password');
  }
  if (row.disabled_at) throw new DomainError(ErrorCodes.ACCOUNT_DISABLED, 'this account is disabled');
  return database.transaction(async (tx) => {
    await settleSuccess(tx, keys);
    const sessionToken = newToken();
    const csrfToken = newToken();
    await tx
      .insertInto('sessions')
      .values({
        token_hash: sha256(sessionToken),
        user_id: row.id,
        csrf_token: csrfToken,
        expires_at: new Date(now.getTime() + SESSION_TTL_MS),
      })
      .execute();
    await writeAudit(tx, ctx, [{ action: 'user.signed_in', entityType: 'user', entityId: row.id }]);
    return { user: toUserView(row), sessionToken, csrfToken };
  });
}
