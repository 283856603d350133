// Helpers for the HTTP integration tests: a node on a test database, one signed-in user per role,
// and persons carrying restricted fields. Every name and value here is synthetic.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { z } from 'zod';
import { addUser } from '../app/accounts/accounts.ts';
import { ensureNodeIdentity, type NodeIdentity } from '../app/node/node-identity.ts';
import { registerPerson } from '../app/registry/register-person.ts';
import type { Database } from '../db/open.ts';
import { openTestDatabase } from '../db/testing.ts';
import { cliContext, type Role, Roles } from '../domain/access.ts';
import type { PersonInput } from '../domain/person.ts';
import type { PersonView } from '../domain/person-view.ts';
import { SESSION_COOKIE } from './auth.ts';
import type { JobViewSchema } from './routes/jobs.ts';
import { type App, buildServer, type ServerOptions } from './server.ts';

export const passwordOf = (role: Role) => `test-password-${role}`;

/** A signed-in browser session: the cookie header to send and the CSRF token to echo. */
export interface RoleSession {
  role: Role;
  username: string;
  password: string;
  /** The raw session token (the cookie's value). */
  sessionToken: string;
  /** `hw_session=<token>`, ready for a `cookie` header. */
  cookie: string;
  csrfToken: string;
}

export interface TestNode {
  app: App;
  database: Database;
  identity: NodeIdentity;
  sessions: Record<Role, RoleSession>;
  /** Headers for a request as `role`: the cookie, plus the CSRF token unless `csrf: false`. */
  as(role: Role, opts?: { csrf?: boolean }): Record<string, string>;
  close(): Promise<void>;
}

export interface TestNodeOptions {
  logStream?: NodeJS.WritableStream | undefined;
  logLevel?: string | undefined;
  /** Prefix of the per-role usernames (default `t`). */
  userPrefix?: string | undefined;
  /** Further server options (upload limit, import chunk size, …). */
  server?: Partial<ServerOptions> | undefined;
}

/** The value of the session cookie set by a response, or undefined. */
export function sessionCookieOf(res: LightMyRequestResponse): string | undefined {
  return res.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
}

/** Sign in over HTTP; returns the raw response (callers check failures themselves). */
export function signInRequest(app: App, username: string, password: string, remoteAddress?: string) {
  return app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username, password },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
}

/** Sign in and return the session, or throw with the status when it fails. */
export async function signInAs(
  app: App,
  username: string,
  password: string,
  role: Role,
): Promise<RoleSession> {
  const res = await signInRequest(app, username, password);
  if (res.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${res.statusCode} ${res.body}`);
  const sessionToken = sessionCookieOf(res);
  if (!sessionToken) throw new Error(`sign-in of ${username} set no ${SESSION_COOKIE} cookie`);
  const { csrfToken } = res.json() as { csrfToken: string };
  return {
    role,
    username,
    password,
    sessionToken,
    cookie: `${SESSION_COOKIE}=${sessionToken}`,
    csrfToken,
  };
}

/** Create an account directly in the database, as the local operator would with the CLI. */
export async function createUser(
  node: Pick<TestNode, 'database' | 'identity'>,
  username: string,
  password: string,
  roles: Role[],
) {
  const ctx = cliContext(node.identity.orgId, ['admin'], 'test');
  return node.database.transaction((tx) => addUser(ctx, tx, { username, password, roles }));
}

/**
 * A node on a fresh test database (PGlite, or a throwaway schema on DATABASE_URL) with one user
 * per role, each signed in over HTTP. Open one per test file: it costs a few seconds.
 */
export async function buildTestNode(opts: TestNodeOptions = {}): Promise<TestNode> {
  const database = await openTestDatabase();
  try {
    const identity = await ensureNodeIdentity(database.db, { name: 'test-node.example' });
    const app = await buildServer({
      database,
      identity,
      logLevel: opts.logLevel ?? 'silent',
      logStream: opts.logStream,
      ...opts.server,
    });
    const prefix = opts.userPrefix ?? 't';
    const sessions = {} as Record<Role, RoleSession>;
    for (const role of Roles) {
      const username = `${prefix}-${role.replaceAll('_', '-')}`;
      await createUser({ database, identity }, username, passwordOf(role), [role]);
      sessions[role] = await signInAs(app, username, passwordOf(role), role);
    }
    return {
      app,
      database,
      identity,
      sessions,
      as(role, o = {}) {
        const s = sessions[role];
        const headers: Record<string, string> = { cookie: s.cookie };
        if (o.csrf !== false) headers['x-csrf-token'] = s.csrfToken;
        return headers;
      },
      async close() {
        await app.close();
        await database.close();
      },
    };
  } catch (e) {
    await database.close();
    throw e;
  }
}

/** The restricted values of a synthetic person: unique strings that must never leak. */
export interface RestrictedSecrets {
  contactName: string;
  phone: string;
  email: string;
  healthFlag: string;
  healthDetermination: string;
  marks: string;
  photoSha256: string;
  photoCaption: string;
}

/** Non-restricted values a mediator must not see (minimal view). */
export interface MinimalViewSecrets {
  birthPlace: string;
  unit: string;
  serviceNumber: string;
  externalRef: string;
}

export interface SyntheticPerson {
  input: PersonInput;
  restricted: RestrictedSecrets;
  extended: MinimalViewSecrets;
}

/** Unique lower-case letters for a synthetic surname (never a real person's name). */
export function markerWord(prefix = 'zq'): string {
  const letters = 'bcdfghjklmnpqrstvwxz';
  const bytes = randomBytes(10);
  let s = prefix;
  for (const b of bytes) s += letters[b % letters.length];
  return s;
}

/** A synthetic person with every restricted field filled with a unique, recognisable value. */
export function syntheticPerson(family = markerWord()): SyntheticPerson {
  const tag = randomBytes(6).toString('hex');
  const digits = String(BigInt(`0x${tag}`) % 10_000_000_000n).padStart(10, '0');
  const restricted: RestrictedSecrets = {
    contactName: `Synthetic Contact ${tag}`,
    phone: `+000${digits}`,
    email: `contact-${tag}@example.invalid`,
    healthFlag: `synthetic-flag-${tag}`,
    healthDetermination: `synthetic determination ${tag}`,
    marks: `synthetic scar ${tag}`,
    photoSha256: randomBytes(32).toString('hex'),
    photoCaption: `synthetic caption ${tag}`,
  };
  const extended: MinimalViewSecrets = {
    birthPlace: `Synthetic Town ${tag}`,
    unit: `Synthetic Unit ${tag}`,
    serviceNumber: `SN-${tag}`,
    externalRef: `REF-${tag}`,
  };
  const input: PersonInput = {
    names: [{ script: 'Latn', lang: 'en', family, given: 'Testname' }],
    sex: 'male',
    birth: { date: '1990-01-02', precision: 'day' },
    birthPlace: extended.birthPlace,
    category: 'servicemember',
    military: { unit: extended.unit, serviceNumber: extended.serviceNumber },
    externalRefs: [{ system: 'icrc', value: extended.externalRef }],
    contacts: [
      {
        name: restricted.contactName,
        relation: 'sibling',
        phone: restricted.phone,
        email: restricted.email,
      },
    ],
    health: [{ flag: restricted.healthFlag, determination: restricted.healthDetermination }],
    marks: restricted.marks,
    photos: [{ sha256: restricted.photoSha256, caption: restricted.photoCaption }],
  };
  return { input, restricted, extended };
}

/**
 * Register a person straight through the use case (not over HTTP), with roles that may write every
 * restricted field. `orgId` defaults to the node's own organisation.
 */
export async function createPerson(
  node: Pick<TestNode, 'database' | 'identity'>,
  person: SyntheticPerson = syntheticPerson(),
  orgId = node.identity.orgId,
): Promise<PersonView & { secrets: SyntheticPerson }> {
  const ctx = cliContext(orgId, ['coordinator', 'identity_analyst'], 'test');
  const view = await node.database.transaction((tx) => registerPerson(ctx, tx, person.input));
  return { ...view, secrets: person };
}

/** Every restricted value of a person, by the field that holds it. */
export function restrictedValuesByField(
  s: RestrictedSecrets,
): Record<'contacts' | 'health' | 'marks' | 'photos', string[]> {
  return {
    contacts: [s.contactName, s.phone, s.email],
    health: [s.healthFlag, s.healthDetermination],
    marks: [s.marks],
    photos: [s.photoSha256, s.photoCaption],
  };
}

/** A background job as GET /api/jobs/:id shows it (the route's own schema). */
export type JobBody = z.infer<typeof JobViewSchema>;

/** Poll a job as `role` until it succeeded or failed (or throw after `timeoutMs`). */
export async function waitForJob(
  node: Pick<TestNode, 'app' | 'as'>,
  role: Role,
  jobId: string,
  timeoutMs = 60_000,
): Promise<JobBody> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await node.app.inject({ method: 'GET', url: `/api/jobs/${jobId}`, headers: node.as(role) });
    if (res.statusCode !== 200) throw new Error(`GET /api/jobs/${jobId}: ${res.statusCode} ${res.body}`);
    const job = res.json() as JobBody;
    if (job.state === 'succeeded' || job.state === 'failed') return job;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${job.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Upload a file that starts a job as `role`; returns the 202's job once it ended, or the refusal. */
export async function uploadAndWait(
  node: Pick<TestNode, 'app' | 'as'>,
  role: Role,
  url: string,
  payload: string | Buffer,
  contentType = 'text/csv',
): Promise<{ statusCode: number; body: string; job?: JobBody }> {
  const res = await node.app.inject({
    method: 'POST',
    url,
    headers: { ...node.as(role), 'content-type': contentType },
    payload,
  });
  if (res.statusCode !== 202) return { statusCode: res.statusCode, body: res.body };
  const { jobId } = res.json() as { jobId: string };
  return { statusCode: 202, body: res.body, job: await waitForJob(node, role, jobId) };
}
