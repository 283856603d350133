// Authorization and field-level access over HTTP, property-based: every route of the API, every
// role (and callers without a valid session), random valid and invalid inputs.
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStatusEvents, type StoredStatusEvent } from '../db/persons.ts';
import {
  cliContext,
  type Permission,
  type Role,
  Roles,
  restrictedFieldRoles,
  rolePermissions,
} from '../domain/access.ts';
import { isDomainError } from '../domain/errors.ts';
import { type RestrictedField, RestrictedFields } from '../domain/person.ts';
import {
  admitStatusEvent,
  replay,
  SourceTypes,
  StatusDimensions,
  statusValues,
  transitionTables,
  VerificationLevels,
} from '../domain/status.ts';
import { readXlsx } from '../io/xlsx.ts';
import { statusOf } from './errors.ts';
import {
  buildTestNode,
  createPerson,
  createUser,
  markerWord,
  restrictedValuesByField,
  type SyntheticPerson,
  syntheticPerson,
  type TestNode,
  waitForJob,
} from './testing.ts';

let node: TestNode;
/** Persons of this node with restricted values: a response may show them only to allowed roles. */
const ownPersons: SyntheticPerson[] = [];
/** A person of another organisation: nothing of it may ever appear in any response. */
let otherOrg: Awaited<ReturnType<typeof createPerson>>;
let readTarget: Awaited<ReturnType<typeof createPerson>>;
let writeTarget: Awaited<ReturnType<typeof createPerson>>;

async function tracked(p = syntheticPerson()) {
  ownPersons.push(p);
  return createPerson(node, p);
}

beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'acc' });
  readTarget = await tracked();
  writeTarget = await tracked();
  otherOrg = await createPerson(node, syntheticPerson(), `other-org-${randomBytes(3).toString('hex')}`);
});
afterAll(async () => {
  await node?.close();
});

/** Runs per route; each run sends one request per caller (12). ACCESS_RUNS=100 for a long soak. */
const NUM_RUNS = Number(process.env.ACCESS_RUNS ?? 10);

const BAD_CALLERS = ['anonymous', 'bad-cookie', 'bad-token'] as const;
type Caller = (typeof BAD_CALLERS)[number] | Role;
const CALLERS: readonly Caller[] = [...BAD_CALLERS, ...Roles];
const isRole = (c: Caller): c is Role => (Roles as readonly string[]).includes(c);

// The oracle reads the policy tables themselves, not the functions under test.
const mayRead = (role: Role, f: RestrictedField) =>
  (restrictedFieldRoles[f] as readonly Role[]).includes(role);
const granted = (role: Role, p: Permission) => (rolePermissions[role] as readonly Permission[]).includes(p);

function headersOf(caller: Caller): Record<string, string> {
  if (caller === 'anonymous') return {};
  if (caller === 'bad-cookie') return { cookie: `hw_session=${randomBytes(32).toString('base64url')}` };
  if (caller === 'bad-token') return { authorization: `Bearer hw_${randomBytes(32).toString('base64url')}` };
  return node.as(caller);
}

interface Outcome {
  status: number;
  code?: string | undefined;
}

interface Planned {
  url: string;
  payload?: string | Buffer | object | undefined;
  headers?: Record<string, string> | undefined;
  /** What a caller whose role grants the route's permission must get. */
  expect: Outcome;
  /** Extra checks on a response to such a caller. */
  check?: ((res: LightMyRequestResponse, role: Role) => void | Promise<void>) | undefined;
}

interface RouteCase<S, P> {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  access: Permission | 'signed-in';
  /** Responses that list many persons: restricted values never appear, whatever the role. */
  listing?: boolean;
  /** Runs of the property (default NUM_RUNS). */
  runs?: number;
  spec: fc.Arbitrary<S>;
  /** Inputs tried before the random ones, so the happy path is always covered for every caller. */
  examples?: NoInfer<S>[];
  /** Once per run, before any caller (creates what the run needs). */
  prepare?: (spec: S) => Promise<P>;
  /** For each caller, right before its request (state may have changed since the last one). */
  plan: (spec: S, prepared: P, role: Role | undefined) => Promise<Planned>;
}

const route = <S, P = undefined>(r: RouteCase<S, P>) => r as unknown as RouteCase<unknown, unknown>;

// ---- inputs ----

type Target = 'own' | 'other-org' | 'random-uuid' | 'not-a-uuid' | 'too-long';
const idTarget = fc.constantFrom<Target>('own', 'other-org', 'random-uuid', 'not-a-uuid', 'too-long');

function idFor(t: Target, own: string): string {
  switch (t) {
    case 'own':
      return own;
    case 'other-org':
      return otherOrg.id;
    case 'random-uuid':
      return randomUUID();
    case 'not-a-uuid':
      return `x${randomBytes(4).toString('hex')}`;
    case 'too-long':
      return 'a'.repeat(65);
  }
}

/** The outcome for a person id that is not this node's person (or not an id at all). */
function missingOutcome(t: Target): Outcome | undefined {
  if (t === 'too-long') return { status: 422, code: 'VALIDATION_FAILED' };
  if (t !== 'own') return { status: 404, code: 'NOT_FOUND' };
  return undefined;
}

const restrictedSubset = fc.subarray([...RestrictedFields]);

/** A person body for POST/PUT with the chosen restricted fields filled from `from`. */
function personBody(family: string, fields: readonly RestrictedField[], from: SyntheticPerson) {
  const body: Record<string, unknown> = {
    names: [{ script: 'Latn', lang: 'en', family, given: 'Testname' }],
    sex: 'female',
    birth: { date: '1991-05-06', precision: 'day' },
    category: 'civilian_internee',
    birthPlace: from.extended.birthPlace,
    military: from.input.military,
  };
  for (const f of fields) body[f] = from.input[f];
  return body;
}

const invalidPersonBody = fc.constantFrom<Record<string, unknown>>(
  { names: [] },
  { names: [{ script: 'Latn', lang: 'en', family: 'Zz' }], birth: { date: '1990-13-45', precision: 'day' } },
  { names: [{ script: 'Latn', lang: 'en', family: 'Zz' }], citizenships: ['ukr'] },
  { names: [{ script: 'Klingon', lang: 'en', family: 'Zz' }] },
  { names: [{ script: 'Latn', lang: 'en', family: 'Zz' }], photos: [{ sha256: 'not-a-hash' }] },
);

/** A role that writes a restricted field it may not read is refused (FORBIDDEN) before the record is looked up. */
function restrictedWriteRefused(role: Role | undefined, fields: readonly RestrictedField[]) {
  return role !== undefined && fields.some((f) => !mayRead(role, f));
}

async function currentVersion(id: string): Promise<number> {
  const r = await node.database.db
    .selectFrom('persons')
    .select('version')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return r.version;
}

async function historyOf(id: string): Promise<StoredStatusEvent[]> {
  const ctx = cliContext(node.identity.orgId, ['coordinator'], 'test');
  return node.database.transaction((tx) => loadStatusEvents(tx, ctx, id));
}

/** What the domain says about appending this event now: the oracle for POST status-events. */
function admissionOutcome(
  history: StoredStatusEvent[],
  e: Omit<StoredStatusEvent, 'id' | 'recordedAt'>,
): Outcome {
  const now = new Date().toISOString();
  if (new Date(e.occurredAt).toISOString() > now) return { status: 422, code: 'VALIDATION_FAILED' };
  try {
    admitStatusEvent(history, {
      ...e,
      id: randomUUID(),
      occurredAt: new Date(e.occurredAt).toISOString(),
      recordedAt: now,
    });
    return { status: 201 };
  } catch (err) {
    if (!isDomainError(err)) throw err;
    return { status: statusOf[err.code], code: err.code };
  }
}

const pastDate = fc
  .date({ min: new Date('2014-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

// ---- the route table ----

const ROUTES = [
  route({
    method: 'GET',
    path: '/api/persons',
    access: 'person:read',
    listing: true,
    // Mostly valid queries, mostly matching our target, so responses do carry persons to check.
    spec: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          valid: fc.constant(true as const),
          q: fc.constantFrom('own', 'own', 'none', 'other-org', 'random'),
          birthYear: fc.constantFrom(undefined, undefined, 1990, 2000),
          category: fc.constantFrom(undefined, undefined, 'servicemember', 'civilian_internee'),
          status: fc.constantFrom(undefined, undefined, 'none', 'missing'),
          limit: fc.option(fc.integer({ min: 2, max: 200 }), { nil: undefined }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          valid: fc.constant(false as const),
          bad: fc.constantFrom(
            'limit=0',
            'limit=201',
            'limit=abc',
            'birthYear=17',
            'category=king',
            'status=bogus',
            'offset=-1',
          ),
        }),
      },
    ),
    examples: [
      {
        valid: true,
        q: 'none',
        birthYear: undefined,
        category: undefined,
        status: undefined,
        limit: undefined,
      },
      { valid: true, q: 'own', birthYear: 1990, category: undefined, status: undefined, limit: undefined },
    ],
    plan: async (s) => {
      if (!s.valid)
        return { url: `/api/persons?${s.bad}`, expect: { status: 422, code: 'VALIDATION_FAILED' } };
      const family = readTarget.secrets.input.names[0]!.family;
      const q = {
        own: family,
        'other-org': otherOrg.secrets.input.names[0]!.family,
        none: undefined,
        random: markerWord(),
      }[s.q];
      const params = new URLSearchParams();
      if (q) params.set('q', q);
      if (s.birthYear) params.set('birthYear', String(s.birthYear));
      if (s.category) params.set('category', s.category);
      if (s.status) params.set('status', s.status);
      if (s.limit) params.set('limit', String(s.limit));
      return {
        url: `/api/persons?${params}`,
        expect: { status: 200 },
        check: (res) => {
          const ids = (res.json() as { items: { id: string }[] }).items.map((i) => i.id);
          expect(ids).not.toContain(otherOrg.id);
          if (s.q === 'other-org' || s.q === 'random') expect(ids).toEqual([]);
          if (s.q === 'own' && !s.birthYear && !s.category && !s.status) expect(ids).toContain(readTarget.id);
        },
      };
    },
  }),

  route({
    method: 'POST',
    path: '/api/persons',
    access: 'person:write',
    spec: fc.oneof(
      fc.record({ valid: fc.constant(true as const), fields: restrictedSubset }),
      fc.record({ valid: fc.constant(false as const), body: invalidPersonBody }),
    ),
    examples: [
      { valid: true, fields: [] },
      { valid: true, fields: [...RestrictedFields] },
    ],
    plan: async (s, _p, role) => {
      if (!s.valid)
        return { url: '/api/persons', payload: s.body, expect: { status: 422, code: 'VALIDATION_FAILED' } };
      const p = syntheticPerson();
      ownPersons.push(p);
      const body = personBody(p.input.names[0]!.family, s.fields, p);
      return {
        url: '/api/persons',
        payload: body,
        expect: restrictedWriteRefused(role, s.fields) ? { status: 403, code: 'FORBIDDEN' } : { status: 201 },
        check: (res) => {
          if (res.statusCode !== 201) return;
          const view = res.json() as Record<string, unknown>;
          expect(view.version).toBe(1);
          for (const f of s.fields) expect(view[f]).toEqual(p.input[f]);
        },
      };
    },
  }),

  route({
    method: 'GET',
    path: '/api/persons/:id',
    access: 'person:read',
    spec: idTarget,
    examples: ['own'],
    plan: async (t) => ({
      url: `/api/persons/${idFor(t, readTarget.id)}`,
      expect: missingOutcome(t) ?? { status: 200 },
      check: (res, role) => {
        if (res.statusCode !== 200) return;
        // Allowed roles do see the restricted values (so the leak check is not vacuous).
        const body = res.body;
        for (const [f, values] of Object.entries(restrictedValuesByField(readTarget.secrets.restricted))) {
          if (mayRead(role, f as RestrictedField))
            for (const v of values) expect(body, `${role} should see ${f}`).toContain(v);
        }
      },
    }),
  }),

  route({
    method: 'PUT',
    path: '/api/persons/:id',
    access: 'person:write',
    spec: fc.record({
      target: fc.constantFrom<Target>('own', 'other-org', 'random-uuid', 'not-a-uuid'),
      version: fc.constantFrom('current', 'stale'),
      valid: fc.boolean(),
      fields: restrictedSubset,
      invalid: invalidPersonBody,
    }),
    examples: [
      { target: 'own', version: 'current', valid: true, fields: [], invalid: {} },
      { target: 'own', version: 'current', valid: true, fields: ['contacts'], invalid: {} },
    ],
    plan: async (s, _p, role) => {
      const id = idFor(s.target, writeTarget.id);
      const current = await currentVersion(writeTarget.id);
      const version = s.version === 'current' ? current : current + 1;
      if (!s.valid)
        return {
          url: `/api/persons/${id}`,
          payload: { ...s.invalid, version },
          expect: { status: 422, code: 'VALIDATION_FAILED' },
        };
      const secrets = writeTarget.secrets;
      const payload = { ...personBody(secrets.input.names[0]!.family, s.fields, secrets), version };
      let expected: Outcome;
      if (restrictedWriteRefused(role, s.fields)) expected = { status: 403, code: 'FORBIDDEN' };
      else if (s.target !== 'own') expected = { status: 404, code: 'NOT_FOUND' };
      else if (s.version === 'stale') expected = { status: 409, code: 'CONFLICT' };
      else expected = { status: 200 };
      return {
        url: `/api/persons/${id}`,
        payload,
        expect: expected,
        check: async (res) => {
          if (res.statusCode === 200) expect((res.json() as { version: number }).version).toBe(current + 1);
          else expect(await currentVersion(writeTarget.id)).toBe(current);
        },
      };
    },
  }),

  route({
    method: 'GET',
    path: '/api/persons/:id/status-events',
    access: 'person:read',
    spec: idTarget,
    examples: ['own'],
    plan: async (t) => ({
      url: `/api/persons/${idFor(t, readTarget.id)}/status-events`,
      expect: missingOutcome(t) ?? { status: 200 },
    }),
  }),

  route<
    {
      target: Target;
      valid: boolean;
      dimension: (typeof StatusDimensions)[number];
      mode: 'follow' | 'random' | 'bogus';
      pick: number;
      sourceType: (typeof SourceTypes)[number];
      verification: (typeof VerificationLevels)[number];
      occurredAt: string;
      future: boolean;
    },
    { personId: string }
  >({
    method: 'POST',
    path: '/api/persons/:id/status-events',
    access: 'status:write',
    runs: 2 * NUM_RUNS,
    spec: fc.record({
      target: fc.constantFrom<Target>('own', 'own', 'own', 'other-org', 'random-uuid', 'not-a-uuid'),
      valid: fc.constantFrom(true, true, true, false),
      dimension: fc.constantFrom(...StatusDimensions),
      mode: fc.constantFrom('follow', 'follow', 'random', 'bogus'),
      pick: fc.nat(),
      sourceType: fc.constantFrom(...SourceTypes),
      verification: fc.constantFrom(...VerificationLevels),
      occurredAt: pastDate,
      future: fc.boolean(),
    }),
    examples: [
      {
        target: 'own',
        valid: true,
        dimension: 'fate',
        mode: 'follow',
        pick: 0,
        sourceType: 'family_report',
        verification: 'claim',
        occurredAt: '2024-01-01',
        future: false,
      },
    ],
    // A fresh person per run, so the histories differ from run to run.
    prepare: async () => ({ personId: (await tracked()).id }),
    plan: async (s, p) => {
      const id = idFor(s.target, p.personId);
      const url = `/api/persons/${id}/status-events`;
      if (!s.valid)
        return {
          url,
          payload: {
            dimension: 'mood',
            value: 'x',
            occurredAt: 'yesterday',
            sourceType: 'rumour',
            verification: 'no',
          },
          expect: { status: 422, code: 'VALIDATION_FAILED' },
        };
      const history = await historyOf(p.personId);
      const replayed = replay(history, s.dimension);
      const from = replayed.ok ? replayed.state : 'none';
      const next = transitionTables[s.dimension][from] ?? [];
      const values = statusValues[s.dimension];
      const value =
        s.mode === 'bogus'
          ? 'not_a_status'
          : s.mode === 'follow' && next.length > 0
            ? next[s.pick % next.length]!
            : values[s.pick % values.length]!;
      const occurredAt = s.future
        ? new Date(Date.now() + 86_400_000 * 3).toISOString()
        : s.mode === 'follow'
          ? new Date(Date.now() - 1000).toISOString()
          : s.occurredAt;
      const payload = {
        dimension: s.dimension,
        value,
        occurredAt,
        sourceType: s.sourceType,
        verification: s.verification,
      };
      const expected =
        missingOutcome(s.target) ??
        admissionOutcome(history, {
          personId: p.personId,
          ...payload,
          sourceRef: null,
          note: null,
          supersedes: null,
          recordedBy: null,
        });
      return {
        url,
        payload,
        expect: expected,
        check: async (res) => {
          const after = await historyOf(p.personId);
          expect(after.length).toBe(history.length + (res.statusCode === 201 ? 1 : 0));
        },
      };
    },
  }),

  route({
    method: 'GET',
    path: '/api/persons/:id/audit',
    access: 'audit:read',
    spec: idTarget,
    examples: ['own'],
    plan: async (t) => ({
      url: `/api/persons/${idFor(t, readTarget.id)}/audit`,
      expect: missingOutcome(t) ?? { status: 200 },
    }),
  }),

  route({
    method: 'POST',
    path: '/api/imports/persons',
    access: 'registry:import',
    spec: fc.constantFrom('good', 'bad-date', 'unknown-column', 'xls-name', 'json-body'),
    examples: ['good'],
    plan: async (kind) => {
      const ref = `IMP-${randomBytes(5).toString('hex')}`;
      const family = markerWord();
      const csv = {
        good: `id,family_name,given_name,birth_date\n${ref},${family},Testname,1990-01-02\n`,
        'bad-date': `id,family_name,birth_date\n${ref},${family},1990-02-31\n`,
        'unknown-column': `id,family_name,shoe_size\n${ref},${family},44\n`,
        'xls-name': `id,family_name\n${ref},${family}\n`,
        'json-body': '',
      }[kind];
      if (kind === 'json-body')
        return {
          url: '/api/imports/persons?filename=x.csv',
          payload: { rows: [{ id: ref }] },
          expect: { status: 422, code: 'VALIDATION_FAILED' },
        };
      return {
        url: `/api/imports/persons?filename=${kind === 'xls-name' ? 'list.xls' : 'list.csv'}`,
        payload: csv,
        headers: { 'content-type': 'text/csv' },
        // The upload is a job: 202 for every file; the job reports the counts or the rejection.
        expect: { status: 202 },
        check: async (res, role) => {
          const job = await waitForJob(node, role, (res.json() as { jobId: string }).jobId);
          if (kind === 'good') expect(job.result).toEqual({ total: 1, created: 1, updated: 0, unchanged: 0 });
          else expect(job.error?.code).toBe('IMPORT_REJECTED');
        },
      };
    },
  }),

  route({
    method: 'GET',
    path: '/api/exports/persons',
    access: 'registry:export',
    listing: true,
    spec: fc.constantFrom('csv', 'xlsx', 'pdf', undefined),
    examples: ['csv', 'xlsx'],
    plan: async (format) => ({
      url: format ? `/api/exports/persons?format=${format}` : '/api/exports/persons',
      expect: format === 'pdf' ? { status: 422, code: 'VALIDATION_FAILED' } : { status: 200 },
      check: async (res) => {
        if (res.statusCode !== 200) return;
        if (format === 'xlsx') expect(res.rawPayload.subarray(0, 2).toString('latin1')).toBe('PK');
        else expect(res.body.split('\r\n')[0]).toMatch(/^id,family_name,/);
        // Our person is exported (the leak check makes sure the other organisation's is not).
        expect(await textOf(res)).toContain(readTarget.secrets.input.names[0]!.family);
      },
    }),
  }),

  route({
    method: 'GET',
    path: '/api/users',
    access: 'user:manage',
    spec: fc.constant(null),
    plan: async () => ({
      url: '/api/users',
      expect: { status: 200 },
      check: (res) => {
        const users = (res.json() as { items: { username: string }[] }).items.map((u) => u.username);
        expect(users).toContain('acc-mediator');
        expect(res.body).not.toMatch(/password|hash/i);
      },
    }),
  }),

  route({
    method: 'POST',
    path: '/api/users',
    access: 'user:manage',
    spec: fc.record({
      kind: fc.constantFrom('valid', 'valid', 'short-password', 'bad-username', 'no-roles', 'unknown-role'),
      roles: fc.subarray([...Roles], { minLength: 1 }),
    }),
    plan: async (s) => {
      const username = `new-${randomBytes(4).toString('hex')}`;
      const body = {
        valid: { username, password: 'a-long-enough-password', roles: s.roles },
        'short-password': { username, password: 'short', roles: s.roles },
        'bad-username': { username: 'Not Valid!', password: 'a-long-enough-password', roles: s.roles },
        'no-roles': { username, password: 'a-long-enough-password', roles: [] },
        'unknown-role': { username, password: 'a-long-enough-password', roles: ['king'] },
      }[s.kind];
      return {
        url: '/api/users',
        payload: body,
        expect: s.kind === 'valid' ? { status: 201 } : { status: 422, code: 'VALIDATION_FAILED' },
        check: (res) => {
          if (res.statusCode === 201) expect(res.json()).toMatchObject({ username, disabled: false });
          expect(res.body).not.toContain('a-long-enough-password');
        },
      };
    },
  }),

  route<'existing' | 'nobody', { victim: string }>({
    method: 'POST',
    path: '/api/users/:username/disable',
    access: 'user:manage',
    spec: fc.constantFrom('existing', 'nobody'),
    examples: ['existing'],
    prepare: async () => {
      const victim = `victim-${randomBytes(4).toString('hex')}`;
      await createUser(node, victim, 'victim-password-long', ['case_worker']);
      return { victim };
    },
    plan: async (kind, p) => ({
      url: `/api/users/${kind === 'existing' ? p.victim : `nobody-${randomBytes(3).toString('hex')}`}/disable`,
      expect: kind === 'existing' ? { status: 200 } : { status: 404, code: 'NOT_FOUND' },
      check: (res) => {
        if (res.statusCode === 200) expect(res.json()).toMatchObject({ username: p.victim, disabled: true });
      },
    }),
  }),

  route({
    method: 'POST',
    path: '/api/tokens',
    access: 'signed-in',
    spec: fc.oneof(
      fc.record({
        valid: fc.constant(true),
        name: fc.string({ minLength: 1, maxLength: 100 }),
        ttlDays: fc.option(fc.integer({ min: 1, max: 366 }), { nil: undefined }),
      }),
      fc.record({
        valid: fc.constant(false),
        name: fc.constantFrom('', 'x'.repeat(101)),
        ttlDays: fc.constantFrom(undefined, 0, 367),
      }),
    ),
    plan: async (s) => ({
      url: '/api/tokens',
      payload: s.ttlDays === undefined ? { name: s.name } : { name: s.name, ttlDays: s.ttlDays },
      expect: s.valid ? { status: 201 } : { status: 422, code: 'VALIDATION_FAILED' },
      check: (res) => {
        if (res.statusCode === 201) expect((res.json() as { token: string }).token).toMatch(/^hw_/);
      },
    }),
  }),

  route({
    method: 'GET',
    path: '/api/session',
    access: 'signed-in',
    spec: fc.constant(null),
    plan: async (_s, _p, role) => ({
      url: '/api/session',
      expect: { status: 200 },
      check: (res) => {
        expect(res.json()).toMatchObject({
          user: { roles: [role] },
          csrfToken: node.sessions[role!].csrfToken,
        });
      },
    }),
  }),
];

// ---- leak checks ----

const hasKey = (text: string, key: string) => new RegExp(`"${key}"\\s*:`).test(text);

/**
 * What a response may reveal to this caller, checked on its text (xlsx: the cells). The leaks are
 * collected and asserted once: an expect per value costs more than the request (hundreds of persons).
 */
function assertNoLeaks(text: string, caller: Caller, r: RouteCase<unknown, unknown>) {
  const where = `${r.method} ${r.path} as ${caller}`;
  const role = isRole(caller) ? caller : undefined;
  const sees = (f: RestrictedField) => role !== undefined && mayRead(role, f) && !r.listing;
  const leaks: string[] = [];
  for (const f of RestrictedFields) {
    if (!sees(f) && hasKey(text, f)) leaks.push(`key ${f}`);
  }
  for (const p of ownPersons) {
    const byField = restrictedValuesByField(p.restricted);
    for (const f of RestrictedFields) {
      if (sees(f)) continue;
      for (const v of byField[f]) if (text.includes(v)) leaks.push(`a ${f} value`);
    }
  }
  if (role === 'mediator') {
    for (const k of ['military', 'externalRefs', 'birthPlace']) if (hasKey(text, k)) leaks.push(k);
    for (const p of ownPersons)
      for (const v of Object.values(p.extended)) if (text.includes(v)) leaks.push(v);
  }
  const o = otherOrg.secrets;
  for (const v of [
    otherOrg.id,
    o.input.names[0]!.family,
    ...Object.values(o.extended),
    ...Object.values(restrictedValuesByField(o.restricted)).flat(),
  ])
    if (text.includes(v)) leaks.push(`the other organisation's ${v}`);
  expect(leaks, where).toEqual([]);
}

async function textOf(res: LightMyRequestResponse): Promise<string> {
  if (res.rawPayload.subarray(0, 2).toString('latin1') !== 'PK') return res.body;
  const read = await readXlsx(res.rawPayload);
  return [read.sheet?.header ?? [], ...(read.sheet?.records ?? []).map((r) => r.cells)]
    .map((cells) => cells.join('\t'))
    .join('\n');
}

describe('every route × every caller, random inputs', () => {
  it('the route table covers every API route the server registers', () => {
    const table = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    for (const want of [
      'GET /api/persons',
      'POST /api/persons',
      'GET /api/persons/:id',
      'PUT /api/persons/:id',
      'GET /api/persons/:id/status-events',
      'POST /api/persons/:id/status-events',
      'GET /api/persons/:id/audit',
      'POST /api/imports/persons',
      'GET /api/exports/persons',
      'GET /api/users',
      'POST /api/users',
      'POST /api/users/:username/disable',
      'POST /api/tokens',
      'GET /api/session',
    ])
      expect(table.has(want), want).toBe(true);
    // Every route the table names exists on the server.
    for (const r of ROUTES) expect(node.app.hasRoute({ method: r.method, url: r.path }), r.path).toBe(true);
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: 401 without a session, 403 exactly when the role lacks the permission, no field leaks',
    async (_name, r) => {
      await fc.assert(
        fc.asyncProperty(r.spec, async (spec) => {
          const prepared = r.prepare ? await r.prepare(spec) : undefined;
          for (const caller of CALLERS) {
            const role = isRole(caller) ? caller : undefined;
            const plan = await r.plan(spec, prepared, role);
            const res = await node.app.inject({
              method: r.method,
              url: plan.url,
              headers: { ...headersOf(caller), ...(plan.headers ?? {}) },
              ...(plan.payload !== undefined ? { payload: plan.payload as string } : {}),
            });
            const allowed = role !== undefined && (r.access === 'signed-in' || granted(role, r.access));
            const want: Outcome = !role
              ? { status: 401, code: 'UNAUTHENTICATED' }
              : !allowed
                ? { status: 403, code: 'FORBIDDEN' }
                : plan.expect;
            const where = `${r.method} ${plan.url} as ${caller}: ${res.body.slice(0, 300)}`;
            expect(res.statusCode, where).toBe(want.status);
            if (want.code)
              expect((res.json() as { error: { code: string } }).error.code, where).toBe(want.code);
            if (res.statusCode >= 400)
              expect(res.headers['content-type'], where).toMatch(/^application\/json/);
            if (allowed && role) await plan.check?.(res, role);
            assertNoLeaks(await textOf(res), caller, r);
          }
        }),
        { numRuns: r.runs ?? NUM_RUNS, examples: (r.examples ?? []).map((e) => [e] as [unknown]) },
      );
    },
  );
});

describe('another organisation’s records', () => {
  const idRoutes = [
    { method: 'GET', suffix: '', access: 'person:read' },
    { method: 'GET', suffix: '/status-events', access: 'person:read' },
    { method: 'GET', suffix: '/audit', access: 'audit:read' },
    { method: 'PUT', suffix: '', access: 'person:write' },
    { method: 'POST', suffix: '/status-events', access: 'status:write' },
  ] as const;

  it('answer exactly like an id that does not exist (404 NOT_FOUND), for every role that could see ours', async () => {
    const pairs = idRoutes.flatMap((r) =>
      Roles.filter((role) => granted(role, r.access)).map((role) => ({ r, role })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...pairs), fc.uuid({ version: 4 }), async ({ r, role }, missing) => {
        const payload =
          r.method === 'PUT'
            ? { ...personBody('Zzother', [], writeTarget.secrets), version: 1 }
            : r.method === 'POST'
              ? {
                  dimension: 'fate',
                  value: 'missing',
                  occurredAt: '2024-01-01',
                  sourceType: 'family_report',
                  verification: 'claim',
                }
              : undefined;
        const ask = (id: string) =>
          node.app.inject({
            method: r.method,
            url: `/api/persons/${id}${r.suffix}`,
            headers: node.as(role),
            ...(payload ? { payload } : {}),
          });
        const theirs = await ask(otherOrg.id);
        const none = await ask(missing);
        expect(theirs.statusCode).toBe(404);
        expect(theirs.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
        expect(theirs.json()).toEqual(none.json());
      }),
      { numRuns: 40 },
    );
    // Their record is untouched by all those attempts.
    const row = await node.database.db
      .selectFrom('persons')
      .select(['version', 'fate_status'])
      .where('id', '=', otherOrg.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ version: 1, fate_status: 'none' });
    const events = await sql<{
      n: string;
    }>`select count(*) as n from status_events where person_id = ${otherOrg.id}`.execute(node.database.db);
    expect(Number(events.rows[0]!.n)).toBe(0);
  });
});

describe('reads of restricted fields are audited', () => {
  async function restrictedReads(personId: string, username: string) {
    return node.database.db
      .selectFrom('audit_events')
      .select(['detail', 'actor_name', 'org_id'])
      .where('action', '=', 'person.restricted_read')
      .where('entity_id', '=', personId)
      .where('actor_name', '=', username)
      .execute();
  }

  it('each read that shows restricted fields writes one person.restricted_read row naming them; other reads none', async () => {
    const readers = Roles.filter((r) => granted(r, 'person:read'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ role: fc.constantFrom(...readers), via: fc.constantFrom('get', 'search', 'events') }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        async (reads) => {
          const person = await tracked();
          const family = person.secrets.input.names[0]!.family;
          for (const { role, via } of reads) {
            const url = {
              get: `/api/persons/${person.id}`,
              search: `/api/persons?q=${family}`,
              events: `/api/persons/${person.id}/status-events`,
            }[via];
            const res = await node.app.inject({ method: 'GET', url, headers: node.as(role) });
            expect(res.statusCode).toBe(200);
          }
          for (const role of readers) {
            const visible = RestrictedFields.filter((f) =>
              (restrictedFieldRoles[f] as readonly Role[]).includes(role),
            );
            const expected =
              visible.length === 0 ? 0 : reads.filter((x) => x.role === role && x.via === 'get').length;
            const rows = await restrictedReads(person.id, node.sessions[role].username);
            expect(rows, role).toHaveLength(expected);
            for (const row of rows) {
              expect(row.org_id).toBe(node.identity.orgId);
              expect([...('fields' in row.detail ? row.detail.fields : [])].sort()).toEqual(
                [...visible].sort(),
              );
            }
          }
        },
      ),
      { numRuns: 8 },
    );
  });
});
