import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { csrfMatches, type Principal, resolveApiToken, resolveSession } from '../app/accounts/accounts.ts';
import type { Database } from '../db/open.ts';
import { type Permission, requirePermission } from '../domain/access.ts';
import { DomainError, ErrorCodes } from '../domain/errors.ts';

export const SESSION_COOKIE = 'hw_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal | undefined;
  }
  interface FastifyInstance {
    /** Every route registered, with its access (src/http/auth.ts recordRouteAccess). */
    routeAccessTable: RouteAccessEntry[];
  }
  interface FastifyContextConfig {
    /**
     * Who may call the route at all: anyone (`public`: the node's public face, the peer inbox, which
     * check what they receive themselves), any signed-in caller, or one whose roles grant this
     * permission (every one of a list). Exactly what the route's use case checks: the access test
     * (src/http/access.int.test.ts) reads it from every route the server registers.
     */
    access?: RouteAccess | undefined;
  }
}

export type RouteAccess = 'public' | 'signed-in' | Permission | readonly Permission[];

/** The permissions a route's access needs (none for `public` and `signed-in`). */
export function permissionsOfAccess(access: RouteAccess): readonly Permission[] {
  if (access === 'public' || access === 'signed-in') return [];
  return typeof access === 'string' ? [access] : access;
}

export interface RouteAccessEntry {
  method: string;
  url: string;
  access: RouteAccess | undefined;
}

/** Where the API documentation UI (@fastify/swagger-ui) is served: public, like the document. */
export const DOCS_PREFIX = '/api/docs';

/**
 * Records every route's method, path and access as it is registered (call before any route), so
 * tests enumerate the API from the server itself. The documentation UI's own routes are public.
 */
export function recordRouteAccess(app: FastifyInstance): void {
  app.decorate('routeAccessTable', [] as RouteAccessEntry[]);
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.url.startsWith(DOCS_PREFIX) && !route.config?.access)
      route.config = { ...route.config, access: 'public' };
    for (const method of [route.method].flat())
      app.routeAccessTable.push({ method, url: route.url, access: route.config?.access });
  });
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Who is calling: a browser session (cookie) or a script (Authorization: Bearer hw_…). Cookie
 * sessions must echo their CSRF token on every mutation; bearer tokens cannot be sent by a
 * browser on its own, so they need none.
 */
export function authenticate(database: Database) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    // Static UI files need no principal; skip the session lookup for them.
    if (!req.url.startsWith('/api/')) return;
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      req.principal = await resolveApiToken(database.db, header.slice(7).trim(), req.id);
      if (!req.principal) throw new DomainError(ErrorCodes.UNAUTHENTICATED, 'the API token is not valid');
      return;
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) return;
    req.principal = await resolveSession(database.db, cookie, req.id);
    if (req.principal && MUTATING.has(req.method) && !(req.method === 'POST' && req.url === '/api/session')) {
      const given = req.headers['x-csrf-token'];
      if (!csrfMatches(req.principal.csrfToken ?? '', typeof given === 'string' ? given : undefined)) {
        throw new DomainError(ErrorCodes.CSRF_FAILED, 'missing or wrong x-csrf-token header');
      }
    }
  };
}

/**
 * Refuse a caller before their input is validated: 401 without a session or token, 403 when no role
 * grants the route's permission, so they learn nothing from validation errors. The use cases check
 * the same permission again; this only makes the refusal come first.
 */
export async function authorize(req: FastifyRequest, _reply: FastifyReply) {
  const access = req.routeOptions.config.access;
  if (!access || access === 'public') return;
  requirePermission(principal(req).ctx, ...permissionsOfAccess(access));
}

/** The caller's principal, or UNAUTHENTICATED. */
export function principal(req: FastifyRequest): Principal {
  if (!req.principal) throw new DomainError(ErrorCodes.UNAUTHENTICATED, 'sign in first');
  return req.principal;
}
