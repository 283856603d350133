import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addUser,
  createApiToken,
  disableUser,
  endSession,
  listUsers,
  SESSION_TTL_MS,
  signIn,
} from '../../app/accounts/accounts.ts';
import { permissionsOf, Roles } from '../../domain/access.ts';
import { isDomainError } from '../../domain/errors.ts';
import { principal, SESSION_COOKIE } from '../auth.ts';
import type { ServerOptions } from '../options.ts';

const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  disabled: z.boolean(),
  createdAt: z.string(),
});
const SessionSchema = z.object({
  user: UserSchema.extend({ permissions: z.array(z.string()) }),
  csrfToken: z.string(),
});

export const accountRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database } = opts;

    app.post(
      '/api/session',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'signIn',
          tags: ['session'],
          summary:
            'Sign in; sets an HttpOnly SameSite=Strict session cookie and returns the CSRF token. Repeated failures are answered 429 THROTTLED with Retry-After (README, Security)',
          body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(256) }),
          response: { 200: SessionSchema },
        },
      },
      async (req, reply) => {
        // req.ip is the socket's peer, or the client named by X-Forwarded-For only when that peer
        // is a proxy trusted with `serve --trust-proxy` (Fastify's trustProxy).
        const result = await signIn(
          database,
          opts.identity.orgId,
          { username: req.body.username, password: req.body.password, address: req.ip },
          { now: opts.clock?.() },
        ).catch((e: unknown) => {
          const wait = isDomainError(e) && e.code === 'THROTTLED' ? e.details?.retryAfterSeconds : undefined;
          if (typeof wait === 'number') reply.header('retry-after', String(wait));
          throw e;
        });
        reply.setCookie(SESSION_COOKIE, result.sessionToken, {
          httpOnly: true,
          sameSite: 'strict',
          secure: opts.secureCookies ?? false,
          path: '/',
          maxAge: SESSION_TTL_MS / 1000,
        });
        return {
          user: { ...result.user, permissions: permissionsOf(result.user.roles) },
          csrfToken: result.csrfToken,
        };
      },
    );

    app.get(
      '/api/session',
      {
        config: { access: 'signed-in' },
        schema: {
          operationId: 'getSession',
          tags: ['session'],
          summary: 'The signed-in user and CSRF token',
          response: { 200: SessionSchema },
        },
      },
      async (req) => {
        const p = principal(req);
        return {
          user: { ...p.user, permissions: permissionsOf(p.user.roles) },
          csrfToken: p.csrfToken ?? '',
        };
      },
    );

    app.delete(
      '/api/session',
      {
        config: { access: 'signed-in' },
        schema: { operationId: 'signOut', tags: ['session'], summary: 'Sign out' },
      },
      async (req, reply) => {
        principal(req);
        const token = req.cookies[SESSION_COOKIE];
        if (token) await endSession(database.db, token);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/users',
      {
        config: { access: 'user:manage' },
        schema: {
          operationId: 'listUsers',
          tags: ['users'],
          summary: 'List accounts (admin)',
          response: { 200: z.object({ items: z.array(UserSchema) }) },
        },
      },
      async (req) => ({ items: await listUsers(principal(req).ctx, database.db) }),
    );

    app.post(
      '/api/users',
      {
        config: { access: 'user:manage' },
        schema: {
          operationId: 'createUser',
          tags: ['users'],
          summary: 'Create an account (admin)',
          body: z.object({
            username: z.string(),
            displayName: z.string().max(200).optional(),
            password: z.string(),
            roles: z.array(z.enum(Roles)).min(1),
          }),
          response: { 201: UserSchema },
        },
      },
      async (req, reply) => {
        const user = await database.transaction((tx) => addUser(principal(req).ctx, tx, req.body));
        return reply.status(201).send(user);
      },
    );

    app.post(
      '/api/users/:username/disable',
      {
        config: { access: 'user:manage' },
        schema: {
          operationId: 'disableUser',
          tags: ['users'],
          summary: 'Disable an account and end its sessions and tokens (admin)',
          params: z.object({ username: z.string() }),
          response: { 200: UserSchema },
        },
      },
      async (req) => database.transaction((tx) => disableUser(principal(req).ctx, tx, req.params.username)),
    );

    app.post(
      '/api/tokens',
      {
        config: { access: 'signed-in' },
        schema: {
          operationId: 'createApiToken',
          tags: ['users'],
          summary: 'Create an API token for yourself (shown once)',
          body: z.object({
            name: z.string().min(1).max(100),
            ttlDays: z.number().int().min(1).max(366).optional(),
          }),
          response: { 201: z.object({ id: z.string(), token: z.string() }) },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const t = await database.transaction((tx) =>
          createApiToken(p.ctx, tx, {
            username: p.user.username,
            name: req.body.name,
            ttlDays: req.body.ttlDays,
          }),
        );
        return reply.status(201).send(t);
      },
    );
  };
