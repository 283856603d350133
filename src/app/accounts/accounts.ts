import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../../db/audit.ts';
import type { Database } from '../../db/open.ts';
import type { DB } from '../../db/schema.ts';
import { contextOf, type RequestContext, type Role, Roles, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { forgetStaleCounters, reserveCheck, settleSuccess, throttleKeys } from './sign-in-throttle.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** argon2id with OWASP's minimum memory cost (19 MiB, 2 passes): what every node uses. */
export const ARGON2_OWASP = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
/** Test suites only (see enableCheapPasswordHashingForTests): argon2id at 64 KiB, 1 pass. */
const ARGON2_TEST = { algorithm: 2, memoryCost: 64, timeCost: 1, parallelism: 1 } as const;
let argon2: typeof ARGON2_OWASP | typeof ARGON2_TEST = ARGON2_OWASP;

/**
 * Hash new passwords cheaply, for test suites that create many accounts. Refused unless the process
 * runs under Vitest, so no node can weaken its hashes by accident. Verification is unchanged: every
 * hash carries its own parameters, so hashes made at OWASP's cost still verify.
 */
export function enableCheapPasswordHashingForTests(): void {
  if (!process.env.VITEST) throw new Error('cheap password hashing is for test suites only');
  argon2 = ARGON2_TEST;
}
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export const UsernameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, {
  message: 'use 2–63 lower-case letters, digits, dot, underscore or hyphen',
});
export const PasswordSchema = z.string().min(12, { message: 'must be at least 12 characters' }).max(256);

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  disabled: boolean;
  createdAt: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

function toUserView(r: {
  id: string;
  username: string;
  display_name: string;
  roles: string[];
  disabled_at: Date | null;
  created_at: Date;
}): UserView {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: r.roles as Role[],
    disabled: r.disabled_at !== null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password, argon2);
}

/** Whether `password` matches `passwordHash` (an argon2 PHC string, which names its own parameters). */
export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

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

export async function countUsers(db: Db): Promise<number> {
  const r = await db.selectFrom('users').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

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

export interface Principal {
  ctx: RequestContext;
  user: UserView;
  /** Present for cookie sessions: mutations must echo it in the x-csrf-token header. */
  csrfToken: string | null;
}

function principalOf(
  row: {
    id: string;
    org_id: string;
    username: string;
    display_name: string;
    roles: string[];
    disabled_at: Date | null;
    created_at: Date;
  },
  csrf: string | null,
  requestId?: string,
): Principal {
  return {
    ctx: contextOf(
      row.org_id,
      { kind: 'user', userId: row.id, username: row.username, roles: row.roles as Role[] },
      requestId,
    ),
    user: toUserView(row),
    csrfToken: csrf,
  };
}

/** The user columns a principal is built from, shared by session and token look-ups. */
const PRINCIPAL_COLUMNS = [
  'u.id',
  'u.org_id',
  'u.username',
  'u.display_name',
  'u.roles',
  'u.disabled_at',
  'u.created_at',
] as const;

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

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
