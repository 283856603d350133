// Every route of the API × every role × own / another organisation's record, against the role table
// (src/domain/access.ts). The routes come from the server itself (each route's `config.access`, recorded
// as it is registered), not from a hand list: a route added without its access fails here.
//
// - a role without the route's permissions gets 403 FORBIDDEN, and nothing in the database changes;
// - a permitted role never gets 403 (nor a 5xx);
// - another organisation's person or exchange answers 404 NOT_FOUND, like one that does not exist;
// - no session: 401 on every route that is not public.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoExchange } from '../demo/stage-board-demo.ts';
import { cliContext, type Permission, type Role, Roles, rolePermissions } from '../domain/access.ts';
import { SourceTypes, statusValues, VerificationLevels } from '../domain/status.ts';
import { permissionsOfAccess, type RouteAccessEntry } from './auth.ts';
import { buildTestNode, createPerson, signInAs, type TestNode } from './testing.ts';

let node: TestNode;
interface Records {
  personId: string;
  exchangeId: string;
}
let own: Records;
let other: Records;
let routes: RouteAccessEntry[];

beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'ra' });
  const otherOrg = `other-org-${randomUUID().slice(0, 8)}`;
  const seed = async (orgId: string): Promise<Records> => {
    const personId = (await createPerson(node, undefined, orgId)).id;
    const exchangeId = `ra-${randomUUID().slice(0, 8)}`;
    await seedDemoExchange(
      (fn) => node.database.transaction(fn),
      cliContext(orgId, ['coordinator'], 'test'),
      { exchangeId, personIds: [personId], counts: [2, 0, 2, 0], recorded: 0 },
    );
    return { personId, exchangeId };
  };
  own = await seed(node.identity.orgId);
  other = await seed(otherOrg);
  // HEAD routes are Fastify's own copies of the GET routes (same access, same handler).
  routes = node.app.routeAccessTable.filter((r) => r.method !== 'HEAD');
});
afterAll(async () => {
  await node?.close();
});

const granted = (role: Role, p: Permission) => (rolePermissions[role] as readonly Permission[]).includes(p);
const allowed = (role: Role, r: RouteAccessEntry) =>
  r.access !== undefined && permissionsOfAccess(r.access).every((p) => granted(role, p));

/** Whose record the route's `:id` names (persons and exchanges belong to an organisation). */
type Target = 'own' | 'other';
const ownsRecords = (r: RouteAccessEntry) => /^\/api\/(persons|exchanges)\/:id/.test(r.url);

function urlOf(r: RouteAccessEntry, target: Target): string {
  const rec = target === 'own' ? own : other;
  const id = r.url.startsWith('/api/persons/')
    ? rec.personId
    : r.url.startsWith('/api/exchanges/')
      ? rec.exchangeId
      : randomUUID();
  return r.url
    .replace(':id', id)
    .replace(':stageId', 'stage-1')
    .replace(':versionId', '999999')
    .replace(':version', '1')
    .replace(':substitutionId', 'sub-none')
    .replace(':username', `nobody-${randomUUID().slice(0, 8)}`)
    .replace('*', '0')
    .concat(r.url.endsWith('/lists/diff') ? '?from=1&to=2' : '');
}

/**
 * Bodies the route accepts as input, so that another organisation's record is looked up (and not
 * found) rather than refused by validation first. Routes not named here get `{}`.
 */
const bodies: Record<string, unknown> = {
  'POST /api/exchanges/:id/stages/:stageId/justifications': { warningId: 'w-1', code: 'agreed_by_parties' },
  'POST /api/exchanges/:id/stages/:stageId/substitutions': {
    replaces: 'e-1',
    by: 'e-2',
    reason: 'withdrawn',
  },
  'POST /api/exchanges/:id/stages/:stageId/handovers': {
    entryId: 'e-1',
    identityCheck: { method: 'document', result: 'confirmed' },
    willingness: 'willing',
    fitness: 'fit',
    outcome: 'not_handed_over',
    crossedAt: null,
    discrepancies: ['not_presented'],
  },
  'POST /api/exchanges/:id/lists': { kind: 'our_request', entries: [] },
  'POST /api/exchanges/:id/stages': {
    stageId: 'stage-9',
    date: '2025-06-01',
    crossingPoint: 'Checkpoint',
    planned: [],
  },
  'POST /api/exchanges/:id/stages/:stageId/manifests': { entries: [] },
  'PUT /api/persons/:id': {
    names: [{ script: 'Latn', lang: 'en', family: 'Zqroutecheck', given: 'Testname' }],
    version: 1,
  },
  'POST /api/persons/:id/status-events': {
    dimension: 'fate',
    value: statusValues.fate[0],
    occurredAt: '2025-01-01',
    sourceType: SourceTypes[0],
    verification: VerificationLevels[0],
  },
  'POST /api/exchanges/:id/lists/:versionId/responses': { responder: 'party-a', entries: [] },
};
const RAW = new Set(['POST /api/imports/persons', 'POST /api/exchanges/:id/lists/import']);

/** Row counts of everything a request could write, and sums that move when a row is updated. */
async function snapshot() {
  const tables = [
    'audit_events',
    'log_entries',
    'persons',
    'status_events',
    'exchanges',
    'exchange_events',
    'exchange_list_versions',
    'substitution_proposals',
    'agreement_drafts',
    'packages',
    'jobs',
    'api_tokens',
    'users',
    'sessions',
  ];
  // Changes in place too: a person edited, an account disabled, a list version signed.
  const updates = [
    sql`(SELECT coalesce(sum(version), 0) FROM persons) AS person_versions`,
    sql`(SELECT count(*) FROM users WHERE disabled_at IS NOT NULL) AS users_disabled`,
    sql`(SELECT count(*) FROM exchange_list_versions WHERE signed_at IS NOT NULL) AS lists_signed`,
  ];
  const row = await sql<Record<string, unknown>>`SELECT ${sql.join([
    ...tables.map((t) => sql`(SELECT count(*) FROM ${sql.table(t)}) AS ${sql.ref(t)}`),
    ...updates,
  ])}`.execute(node.database.db);
  return Object.fromEntries(Object.entries(row.rows[0]!).map(([k, v]) => [k, Number(v)]));
}

async function call(r: RouteAccessEntry, caller: Role | 'anonymous', target: Target) {
  const key = `${r.method} ${r.url}`;
  let headers: Record<string, string> = {};
  if (caller !== 'anonymous') {
    headers = node.as(caller);
    // Signing out ends the session: sign out a fresh one, never the one the other cases use.
    if (key === 'DELETE /api/session') {
      const s = node.sessions[caller];
      const fresh = await signInAs(node.app, s.username, s.password, caller);
      headers = { cookie: fresh.cookie, 'x-csrf-token': fresh.csrfToken };
    }
  }
  const url = urlOf(r, target);
  if (r.method === 'GET' || r.method === 'DELETE') return node.app.inject({ method: r.method, url, headers });
  if (RAW.has(key))
    return node.app.inject({
      method: r.method as 'POST',
      url,
      headers: { ...headers, 'content-type': 'text/csv' },
      payload: 'id,family_name\n',
    });
  return node.app.inject({
    method: r.method as 'POST' | 'PUT',
    url,
    headers,
    payload: (bodies[key] ?? {}) as object,
  });
}

describe('the route table', () => {
  it('every route the server registers declares its access', () => {
    expect(routes.length).toBeGreaterThan(50);
    const missing = routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    // The signing routes need node:sign, which only the coordinator holds.
    const signing = routes.filter((r) => r.access && permissionsOfAccess(r.access).includes('node:sign'));
    expect(signing.map((r) => `${r.method} ${r.url}`).sort()).toEqual(
      [
        'POST /api/agreements',
        'POST /api/exchanges/:id/agreement/signatures',
        'POST /api/exchanges/:id/lists/:versionId/sign',
        'POST /api/exchanges/:id/stages/:stageId/confirmations',
        'POST /api/exchanges/:id/stages/:stageId/manifests/:version/signatures',
        'POST /api/exchanges/:id/stages/:stageId/substitutions',
        'POST /api/exchanges/:id/substitutions/:substitutionId/approvals',
      ].sort(),
    );
    expect(Roles.filter((role) => granted(role, 'node:sign'))).toEqual(['coordinator']);
  });
});

describe('every route × every role × own or another organisation', () => {
  it('403 and nothing changes without the permission; never 403 with it; another organisation’s record is 404', async () => {
    const cases = routes.flatMap((r) =>
      (ownsRecords(r) ? (['own', 'other'] as const) : (['own'] as const)).map((target) => ({ r, target })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases),
        fc.constantFrom<Role | 'anonymous'>('anonymous', ...Roles),
        async ({ r, target }, caller) => {
          const where = `${r.method} ${r.url} (${target}) as ${caller}`;
          const refused = r.access !== 'public' && (caller === 'anonymous' || !allowed(caller, r));
          const before = refused ? await snapshot() : undefined;
          const res = await call(r, caller, target);
          const body = `${where}: ${res.body.slice(0, 300)}`;
          expect(res.statusCode, body).toBeLessThan(500);
          if (r.access === 'public') {
            expect([401, 403], body).not.toContain(res.statusCode);
            return;
          }
          if (caller === 'anonymous') {
            expect(res.statusCode, body).toBe(401);
          } else if (!allowed(caller, r)) {
            expect(res.statusCode, body).toBe(403);
            expect(res.json().error.code, body).toBe('FORBIDDEN');
          } else {
            expect(res.statusCode, body).not.toBe(403);
            if (target === 'other') {
              expect(res.statusCode, body).toBe(404);
              expect(res.json().error.code, body).toBe('NOT_FOUND');
            }
          }
          if (before) expect(await snapshot(), where).toEqual(before);
        },
      ),
      {
        numRuns: Number(process.env.ROUTE_ACCESS_RUNS ?? 400),
        // Every route at least once with a permitted role and once with a refused one.
        examples: cases.flatMap(({ r, target }) => {
          const yes = Roles.find((role) => allowed(role, r)) ?? 'admin';
          const no = Roles.find((role) => !allowed(role, r)) ?? 'anonymous';
          return [
            [{ r, target }, yes],
            [{ r, target }, no],
          ] as [{ r: RouteAccessEntry; target: Target }, Role | 'anonymous'][];
        }),
      },
    );
  });
});
