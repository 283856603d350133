// The HTTP API as a client sees it: sign-in and sessions, CSRF, API tokens, the registry routes,
// errors, node metadata, import and export. Every name here is synthetic.
import { createHash, randomBytes } from 'node:crypto';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientTypes, readGeneratedClient } from '../../scripts/openapi-client.ts';
import { parseCsvText } from '../io/csv.ts';
import { readXlsx } from '../io/xlsx.ts';
import { DOCS_PREFIX } from './auth.ts';
import {
  buildTestNode,
  createPerson,
  createUser,
  markerWord,
  sessionCookieOf,
  signInAs,
  signInRequest,
  type TestNode,
  uploadAndWait,
} from './testing.ts';

let node: TestNode;
beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'api' });
});
afterAll(async () => {
  await node?.close();
});

/** A fresh client address per test, so the per-address sign-in throttle never couples tests. */
const freshAddress = () => `10.${[...randomBytes(3)].join('.')}`;

const errorOf = (res: LightMyRequestResponse) =>
  (res.json() as { error: { code: string; message: string } }).error;

async function personCount(): Promise<number> {
  const r = await node.database.db
    .selectFrom('persons')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', node.identity.orgId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const newPerson = (family = markerWord(), extra: Record<string, unknown> = {}) => ({
  names: [{ script: 'Latn', lang: 'en', family, given: 'Testname' }],
  sex: 'male',
  birth: { date: '1992-07-08', precision: 'day' },
  category: 'servicemember',
  ...extra,
});

/** Stack frames, source paths: none of it may reach a client. */
const STACK_TRACE = /\n\s+at |\bat [\w$.<>]+ \(|\/work\/|node_modules|\.ts:\d+|\.js:\d+/;

describe('sign-in', () => {
  it('refuses a wrong password or an unknown user with the same 401 and sets no cookie', async () => {
    const ip = freshAddress();
    const wrong = await signInRequest(node.app, 'api-coordinator', 'not-the-password', ip);
    expect(wrong.statusCode).toBe(401);
    expect(errorOf(wrong).code).toBe('UNAUTHENTICATED');
    expect(sessionCookieOf(wrong)).toBeUndefined();
    const unknown = await signInRequest(node.app, 'api-nobody', 'not-the-password', ip);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('delays an account at one address after 5 failures (429 + Retry-After), not at another address', async () => {
    const username = `throttled-${randomBytes(3).toString('hex')}`;
    const password = 'the-right-password-1';
    await createUser(node, username, password, ['case_worker']);
    const ip = freshAddress();
    for (let i = 0; i < 5; i++) {
      const res = await signInRequest(node.app, username, `wrong-password-${i}`, ip);
      expect(res.statusCode, `attempt ${i + 1}`).toBe(401);
    }
    const right = await signInRequest(node.app, username, password, ip);
    expect(right.statusCode).toBe(429);
    expect(errorOf(right).code).toBe('THROTTLED');
    expect(right.headers['retry-after']).toBe('1');
    expect(sessionCookieOf(right)).toBeUndefined();
    // The same account from another address, and another account from this one, are not affected.
    const elsewhere = await signInRequest(node.app, username, password, freshAddress());
    expect(elsewhere.statusCode).toBe(200);
    const other = await signInRequest(node.app, 'api-auditor', 'test-password-auditor', ip);
    expect(other.statusCode).toBe(200);
  });

  it('refuses a disabled account, and its open session stops working', async () => {
    const username = `leaver-${randomBytes(3).toString('hex')}`;
    const password = 'leaver-password-123';
    await createUser(node, username, password, ['case_worker']);
    const session = await signInAs(node.app, username, password, 'case_worker');
    const disable = await node.app.inject({
      method: 'POST',
      url: `/api/users/${username}/disable`,
      headers: node.as('admin'),
    });
    expect(disable.statusCode).toBe(200);
    const again = await signInRequest(node.app, username, password, freshAddress());
    expect(again.statusCode).toBe(403);
    expect(errorOf(again).code).toBe('ACCOUNT_DISABLED');
    expect(sessionCookieOf(again)).toBeUndefined();
    const old = await node.app.inject({
      method: 'GET',
      url: '/api/session',
      headers: { cookie: session.cookie },
    });
    expect(old.statusCode).toBe(401);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/ and returns a CSRF token', async () => {
    const res = await signInRequest(node.app, 'api-auditor', 'test-password-auditor', freshAddress());
    expect(res.statusCode).toBe(200);
    const header = String(res.headers['set-cookie']);
    expect(header).toMatch(/^hw_session=[^;]+;/);
    expect(header).toMatch(/;\s*HttpOnly/i);
    expect(header).toMatch(/;\s*SameSite=Strict/i);
    expect(header).toMatch(/;\s*Path=\/(;|$)/);
    const cookie = res.cookies.find((c) => c.name === 'hw_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const body = res.json() as { csrfToken: string; user: { username: string; roles: string[] } };
    expect(body.user).toMatchObject({ username: 'api-auditor', roles: ['auditor'] });
    expect(body.csrfToken.length).toBeGreaterThanOrEqual(32);
    // The session token itself is only in the cookie, never in the body.
    expect(res.body).not.toContain(cookie!.value);
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const s = await signInAs(node.app, 'api-auditor', 'test-password-auditor', 'auditor');
    const out = await node.app.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^hw_session=;/);
    const after = await node.app.inject({
      method: 'GET',
      url: '/api/session',
      headers: { cookie: s.cookie },
    });
    expect(after.statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  const variants = [
    ['without x-csrf-token', undefined],
    ['with a wrong x-csrf-token', 'wrong'],
    ['with another session’s token', 'other'],
    ['with an empty token', ''],
  ] as const;

  function headersWith(
    variant: (typeof variants)[number][1],
    role: 'coordinator' | 'case_worker' = 'coordinator',
  ) {
    const h = node.as(role, { csrf: false });
    if (variant === 'wrong') h['x-csrf-token'] = randomBytes(32).toString('base64url');
    if (variant === 'other') h['x-csrf-token'] = node.sessions.case_worker.csrfToken;
    if (variant === '') h['x-csrf-token'] = '';
    return h;
  }

  it.each(variants)(
    'refuses cookie-authenticated mutations %s (403 CSRF_FAILED) and changes nothing',
    async (_n, v) => {
      const person = await createPerson(node);
      const before = await personCount();
      const attempts = [
        { method: 'POST', url: '/api/persons', payload: newPerson() },
        { method: 'PUT', url: `/api/persons/${person.id}`, payload: { ...newPerson(), version: 1 } },
        {
          method: 'POST',
          url: `/api/persons/${person.id}/status-events`,
          payload: {
            dimension: 'fate',
            value: 'missing',
            occurredAt: '2024-01-01',
            sourceType: 'family_report',
            verification: 'claim',
          },
        },
        {
          method: 'POST',
          url: '/api/imports/persons?filename=x.csv',
          payload: `id,family_name\nCSRF-${randomBytes(4).toString('hex')},${markerWord()}\n`,
          contentType: 'text/csv',
        },
        { method: 'POST', url: '/api/tokens', payload: { name: 'sneaky' } },
        {
          method: 'POST',
          url: '/api/users',
          payload: { username: 'sneaky', password: 'sneaky-password-1', roles: ['admin'] },
        },
        { method: 'DELETE', url: '/api/session' },
      ] as const;
      for (const a of attempts) {
        const headers = headersWith(v);
        if ('contentType' in a) headers['content-type'] = a.contentType;
        const res = await node.app.inject({
          method: a.method,
          url: a.url,
          headers,
          ...('payload' in a ? { payload: a.payload as object } : {}),
        });
        expect(res.statusCode, `${a.method} ${a.url}`).toBe(403);
        expect(errorOf(res).code, `${a.method} ${a.url}`).toBe('CSRF_FAILED');
      }
      expect(await personCount()).toBe(before);
      const after = await node.app.inject({
        method: 'GET',
        url: `/api/persons/${person.id}`,
        headers: node.as('coordinator'),
      });
      expect(after.json()).toMatchObject({ version: 1, status: { fate: 'none' } });
      // The session was not ended by the refused DELETE.
      const session = await node.app.inject({
        method: 'GET',
        url: '/api/session',
        headers: node.as('coordinator'),
      });
      expect(session.statusCode).toBe(200);
      const tokens = await node.database.db
        .selectFrom('api_tokens')
        .select('id')
        .where('name', '=', 'sneaky')
        .execute();
      expect(tokens).toEqual([]);
      const users = await node.database.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'sneaky')
        .execute();
      expect(users).toEqual([]);
    },
  );

  it('lets reads through without the token', async () => {
    const res = await node.app.inject({
      method: 'GET',
      url: '/api/persons',
      headers: node.as('coordinator', { csrf: false }),
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('API tokens', () => {
  it('stop working once they expire', async () => {
    const username = `expiring-${randomBytes(3).toString('hex')}`;
    await createUser(node, username, 'script-user-password', ['case_worker']);
    const s = await signInAs(node.app, username, 'script-user-password', 'case_worker');
    const created = await node.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken },
      payload: { name: 'short-lived', ttlDays: 1 },
    });
    const { token, id } = created.json() as { token: string; id: string };
    const bearer = { authorization: `Bearer ${token}` };
    expect((await node.app.inject({ method: 'GET', url: '/api/session', headers: bearer })).statusCode).toBe(
      200,
    );
    await node.database.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    const after = await node.app.inject({ method: 'GET', url: '/api/session', headers: bearer });
    expect(after.statusCode).toBe(401);
    expect(errorOf(after).code).toBe('UNAUTHENTICATED');
  });

  it('work as Authorization: Bearer without CSRF, and stop working once the user is disabled', async () => {
    const username = `script-${randomBytes(3).toString('hex')}`;
    await createUser(node, username, 'script-user-password', ['case_worker']);
    const s = await signInAs(node.app, username, 'script-user-password', 'case_worker');
    const created = await node.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken },
      payload: { name: 'nightly sync', ttlDays: 30 },
    });
    expect(created.statusCode).toBe(201);
    const { token } = created.json() as { token: string; id: string };
    expect(token).toMatch(/^hw_[A-Za-z0-9_-]{40,}$/);
    const bearer = { authorization: `Bearer ${token}` };

    const post = await node.app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: bearer,
      payload: newPerson(),
    });
    expect(post.statusCode).toBe(201);
    const id = (post.json() as { id: string }).id;
    const get = await node.app.inject({ method: 'GET', url: `/api/persons/${id}`, headers: bearer });
    expect(get.statusCode).toBe(200);
    const who = await node.app.inject({ method: 'GET', url: '/api/session', headers: bearer });
    expect(who.json()).toMatchObject({ user: { username } });
    // The token is stored only as a hash.
    const stored = await node.database.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(token);

    const disable = await node.app.inject({
      method: 'POST',
      url: `/api/users/${username}/disable`,
      headers: node.as('admin'),
    });
    expect(disable.statusCode).toBe(200);
    for (const req of [
      { method: 'GET' as const, url: `/api/persons/${id}` },
      { method: 'POST' as const, url: '/api/persons', payload: newPerson() },
    ]) {
      const res = await node.app.inject({ ...req, headers: bearer });
      expect(res.statusCode).toBe(401);
      expect(errorOf(res).code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses an unknown token', async () => {
    const res = await node.app.inject({
      method: 'GET',
      url: '/api/persons',
      headers: { authorization: `Bearer hw_${randomBytes(32).toString('base64url')}` },
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('persons', () => {
  it('creates, reads and updates a person; a stale version is refused with 409 CONFLICT', async () => {
    const family = markerWord();
    const created = await node.app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: node.as('coordinator'),
      payload: newPerson(family),
    });
    expect(created.statusCode).toBe(201);
    const p = created.json() as { id: string; version: number; displayName: string };
    expect(p.version).toBe(1);
    expect(p.displayName).toBe(`${family} Testname`);

    const read = await node.app.inject({
      method: 'GET',
      url: `/api/persons/${p.id}`,
      headers: node.as('list_officer'),
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      id: p.id,
      version: 1,
      birth: { date: '1992-07-08', precision: 'day' },
    });

    const edit = await node.app.inject({
      method: 'PUT',
      url: `/api/persons/${p.id}`,
      headers: node.as('list_officer'),
      payload: { ...newPerson(family, { birthPlace: 'Synthetic Town' }), version: 1 },
    });
    expect(edit.statusCode).toBe(200);
    expect(edit.json()).toMatchObject({ version: 2, birthPlace: 'Synthetic Town' });

    const stale = await node.app.inject({
      method: 'PUT',
      url: `/api/persons/${p.id}`,
      headers: node.as('coordinator'),
      payload: { ...newPerson(family, { birthPlace: 'Elsewhere' }), version: 1 },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'CONFLICT', details: { currentVersion: 2 } } });
    const after = await node.app.inject({
      method: 'GET',
      url: `/api/persons/${p.id}`,
      headers: node.as('coordinator'),
    });
    expect(after.json()).toMatchObject({ version: 2, birthPlace: 'Synthetic Town' });

    const search = await node.app.inject({
      method: 'GET',
      url: `/api/persons?q=${family}`,
      headers: node.as('mediator'),
    });
    expect((search.json() as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([p.id]);
  });

  it('answers 404 NOT_FOUND for an unknown id', async () => {
    const res = await node.app.inject({
      method: 'GET',
      url: '/api/persons/00000000-0000-4000-8000-000000000000',
      headers: node.as('coordinator'),
    });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe('NOT_FOUND');
  });
});

describe('status events', () => {
  const event = (value: string, extra: Record<string, unknown> = {}) => ({
    dimension: 'fate',
    value,
    occurredAt: '2024-05-01',
    sourceType: 'family_report',
    verification: 'claim',
    ...extra,
  });

  it('records allowed transitions, shows the derived status, and refuses forbidden ones by code', async () => {
    const person = await createPerson(node);
    const post = (body: object) =>
      node.app.inject({
        method: 'POST',
        url: `/api/persons/${person.id}/status-events`,
        headers: node.as('field_officer'),
        payload: body,
      });
    const status = async () =>
      (
        (
          await node.app.inject({
            method: 'GET',
            url: `/api/persons/${person.id}`,
            headers: node.as('auditor'),
          })
        ).json() as {
          status: Record<string, string>;
        }
      ).status;

    const missing = await post(event('missing'));
    expect(missing.statusCode).toBe(201);
    expect(missing.json()).toMatchObject({
      dimension: 'fate',
      value: 'missing',
      recordedBy: 'api-field-officer',
    });
    expect(await status()).toEqual({ fate: 'missing', exchange: 'none', legal: 'none' });

    const forbidden = await post(event('reunited', { occurredAt: '2024-06-01' }));
    expect(forbidden.statusCode).toBe(422);
    expect(forbidden.json()).toMatchObject({
      error: { code: 'FORBIDDEN_TRANSITION', details: { from: 'missing', to: 'reunited' } },
    });

    const weak = await post(event('in_custody_confirmed', { occurredAt: '2024-06-01' }));
    expect(weak.statusCode).toBe(422);
    expect(errorOf(weak).code).toBe('INSUFFICIENT_SOURCE');
    expect(await status()).toMatchObject({ fate: 'missing' });

    const confirmed = await post(
      event('in_custody_confirmed', {
        occurredAt: '2024-06-01',
        sourceType: 'icrc_notification',
        verification: 'icrc_confirmed',
      }),
    );
    expect(confirmed.statusCode).toBe(201);
    expect(await status()).toMatchObject({ fate: 'in_custody_confirmed' });

    const list = await node.app.inject({
      method: 'GET',
      url: `/api/persons/${person.id}/status-events`,
      headers: node.as('mediator'),
    });
    expect((list.json() as { items: { value: string }[] }).items.map((e) => e.value)).toEqual([
      'in_custody_confirmed',
      'missing',
    ]);
  });
});

describe('errors', () => {
  it('validation failures are 422 VALIDATION_FAILED with issue paths, never echoing the submitted values', async () => {
    const marker = markerWord('zmark');
    const res = await node.app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: node.as('coordinator'),
      payload: newPerson(marker, {
        birth: { date: '1990-02-30', precision: 'day' },
        citizenships: [`${marker}`],
        contacts: [{ name: `${marker} contact`, phone: `+000${marker}`.repeat(10) }],
      }),
    });
    expect(res.statusCode).toBe(422);
    const body = res.json() as {
      error: { code: string; details: { issues: { path: string; message: string }[] } };
    };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    const paths = body.error.details.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.birth.date', 'body.citizenships.0', 'body.contacts.0.phone']),
    );
    expect(res.body).not.toContain(marker);
    expect(res.body).not.toMatch(STACK_TRACE);
  });

  it('domain validation errors do not echo values either', async () => {
    const marker = markerWord('zmark');
    const person = await createPerson(node);
    const cases = [
      {
        url: `/api/persons/${person.id}/status-events`,
        payload: {
          dimension: 'fate',
          value: `${marker}`,
          occurredAt: '2024-01-01',
          sourceType: 'family_report',
          verification: 'claim',
          note: marker,
        },
        role: 'coordinator' as const,
      },
      {
        url: `/api/persons/${person.id}/status-events`,
        payload: {
          dimension: 'fate',
          value: 'missing',
          occurredAt: `2024-01-01T${marker}`,
          sourceType: 'x',
          verification: 'claim',
        },
        role: 'coordinator' as const,
      },
      {
        url: '/api/users',
        payload: { username: `${marker} X`, password: 'long-enough-password', roles: ['auditor'] },
        role: 'admin' as const,
      },
      {
        url: '/api/users',
        payload: { username: 'zz-short-pass', password: `${marker}`.slice(0, 8), roles: ['auditor'] },
        role: 'admin' as const,
      },
    ];
    for (const c of cases) {
      const res = await node.app.inject({
        method: 'POST',
        url: c.url,
        headers: node.as(c.role),
        payload: c.payload,
      });
      expect(res.statusCode, c.url).toBe(422);
      expect(errorOf(res).code).toBe('VALIDATION_FAILED');
      expect(res.body).not.toContain(marker);
      expect(res.body).not.toContain(marker.slice(0, 8));
      expect(res.body).not.toMatch(STACK_TRACE);
    }
  });

  it('malformed JSON is a 400 with a generic message', async () => {
    const marker = markerWord('zmark');
    const res = await node.app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: { ...node.as('coordinator'), 'content-type': 'application/json' },
      payload: `{"names":[{"family":"${marker}"`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'BAD_REQUEST', message: 'the body is not valid JSON' } });
    expect(res.body).not.toContain(marker);
  });

  it('an unknown route is a 404 JSON error', async () => {
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const res = await node.app.inject({
        method,
        url: '/api/no-such-thing',
        headers: node.as('coordinator'),
      });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    }
  });
});

describe('node metadata and docs', () => {
  it('GET /api/health answers 200', async () => {
    const res = await node.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: node.database.kind, node: 'test-node.example' });
  });

  it('/.well-known/homeward-node publishes the Ed25519 key with its C2SP key id', async () => {
    const res = await node.app.inject({ method: 'GET', url: '/.well-known/homeward-node' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      name: string;
      algorithm: string;
      publicKey: string;
      keyId: string;
      verifierKey: string;
    };
    expect(body.name).toBe('test-node.example');
    expect(body.algorithm).toBe('Ed25519');
    const key = Buffer.from(body.publicKey, 'base64');
    expect(key).toHaveLength(32);
    expect(key.toString('base64')).toBe(body.publicKey);
    expect(body.keyId).toMatch(/^[0-9a-f]{8}$/);
    const material = Buffer.concat([Buffer.from([0x01]), key]);
    const expectedId = createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${body.name}\n`, 'utf8'), material]))
      .digest()
      .subarray(0, 4)
      .toString('hex');
    expect(body.keyId).toBe(expectedId);
    expect(body.verifierKey).toBe(`${body.name}+${expectedId}+${material.toString('base64')}`);
    expect(res.body).not.toMatch(/PRIVATE/);
  });

  it('GET /api/openapi.json is an OpenAPI 3 document listing the person routes', async () => {
    const res = await node.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths['/api/persons'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/api/persons/{id}'] ?? {})).toEqual(expect.arrayContaining(['get', 'put']));
    expect(Object.keys(doc.paths['/api/persons/{id}/status-events'] ?? {})).toEqual(
      expect.arrayContaining(['get', 'post']),
    );
    expect(doc.paths['/api/persons/{id}/audit']).toHaveProperty('get');
    expect(doc.paths['/api/imports/persons']).toHaveProperty('post');
    expect(doc.paths['/api/exports/persons']).toHaveProperty('get');
  });

  it('GET /api/docs serves HTML', async () => {
    let url = '/api/docs';
    let res = await node.app.inject({ method: 'GET', url });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 5; hops++) {
      url = new URL(String(res.headers.location), `http://localhost${url}`).pathname;
      res = await node.app.inject({ method: 'GET', url });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
  });
});

describe('import over HTTP', () => {
  // The upload answers 202 with a job; its outcome is the job's.
  const importCsv = (csv: string | Buffer, role: 'coordinator' | 'list_officer' = 'coordinator') =>
    uploadAndWait(node, role, '/api/imports/persons?filename=list.csv', csv);

  it('a good file creates persons; the same file again changes nothing', async () => {
    const tag = randomBytes(4).toString('hex');
    const families = [markerWord(), markerWord(), markerWord()];
    const csv = [
      'id,family_name,given_name,birth_date,sex,category',
      `A-${tag}-1,${families[0]},Testname,1990-01-02,m,servicemember`,
      `A-${tag}-2,${families[1]},Testname,1985,f,civilian_internee`,
      `A-${tag}-3,${families[2]},Testname,,,`,
      '',
    ].join('\r\n');
    const before = await personCount();
    const first = await importCsv(csv);
    expect(first.statusCode).toBe(202);
    expect(first.job?.result).toEqual({ total: 3, created: 3, updated: 0, unchanged: 0 });
    expect(await personCount()).toBe(before + 3);
    const found = await node.app.inject({
      method: 'GET',
      url: `/api/persons?q=${families[1]}`,
      headers: node.as('coordinator'),
    });
    expect(found.json()).toMatchObject({
      items: [
        { birth: { date: '1985-01-01', precision: 'year' }, sex: 'female', category: 'civilian_internee' },
      ],
    });

    const again = await importCsv(csv, 'list_officer');
    expect(again.statusCode).toBe(202);
    expect(again.job?.result).toEqual({ total: 3, created: 0, updated: 0, unchanged: 3 });
    expect(await personCount()).toBe(before + 3);
  });

  const marker = markerWord('zmark');
  const badFiles: [string, string | Buffer, { line: number; column: string | null; code: string }][] = [
    [
      'a bad date',
      `id,family_name,birth_date\nB-1,${marker},1990-01-02\nB-2,${marker}b,1990-02-30\n`,
      { line: 3, column: 'birth_date', code: 'INVALID_DATE' },
    ],
    [
      'an unknown column',
      `id,family_name,shoe_size\nB-3,${marker},44\n`,
      { line: 1, column: 'shoe_size', code: 'UNKNOWN_COLUMN' },
    ],
    [
      'broken UTF-8',
      Buffer.concat([Buffer.from(`id,family_name\nB-4,${marker}`), Buffer.from([0xc3, 0x28, 0x0a])]),
      { line: 2, column: null, code: 'INVALID_ENCODING' },
    ],
    ['zero rows', 'id,family_name,given_name\n', { line: expect.any(Number), column: null, code: 'NO_ROWS' }],
  ];

  it.each(badFiles)(
    'a file with %s is rejected (the job fails IMPORT_REJECTED by line and column), nothing imported',
    async (_n, file, want) => {
      const before = await personCount();
      const res = await importCsv(file);
      expect(res.statusCode).toBe(202);
      const body = res.job as unknown as {
        error: { code: string; details: { rows: { line: number; column: string | null; code: string }[] } };
      };
      expect(body.error.code).toBe('IMPORT_REJECTED');
      expect(body.error.details.rows.length).toBeGreaterThan(0);
      for (const row of body.error.details.rows) {
        expect(typeof row.line).toBe('number');
        expect(row).toHaveProperty('column');
      }
      expect(body.error.details.rows).toContainEqual(expect.objectContaining(want));
      expect(JSON.stringify(res.job)).not.toContain(marker);
      expect(await personCount()).toBe(before);
      const search = await node.app.inject({
        method: 'GET',
        url: `/api/persons?q=${marker}`,
        headers: node.as('coordinator'),
      });
      expect(search.json()).toEqual({ items: [], hasMore: false });
    },
  );
});

describe('export over HTTP', () => {
  const dangerous = ['=', '+', '@', '-'].map((c) => `${c}${markerWord()}`);

  beforeAll(async () => {
    for (const family of dangerous) {
      const res = await node.app.inject({
        method: 'POST',
        url: '/api/persons',
        headers: node.as('coordinator'),
        payload: newPerson(family, { birthPlace: '=HYPERLINK("http://example.invalid")' }),
      });
      expect(res.statusCode).toBe(201);
    }
  });

  it('CSV neutralises cells that a spreadsheet would run as formulas', async () => {
    const res = await node.app.inject({
      method: 'GET',
      url: '/api/exports/persons?format=csv',
      headers: node.as('list_officer'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="homeward-persons-.*\.csv"$/);
    const sheet = parseCsvText(res.body).sheet!;
    expect(sheet.header.slice(0, 2)).toEqual(['id', 'family_name']);
    const families = sheet.records.map((r) => r.cells[1]);
    for (const family of dangerous) expect(families).toContain(`'${family}`);
    for (const r of sheet.records) for (const cell of r.cells) expect(cell).not.toMatch(/^[=+@]/);
    expect(sheet.records.map((r) => r.cells[5])).toContain(`'=HYPERLINK("http://example.invalid")`);
  });

  it('XLSX is a zip workbook with the same neutralised cells', async () => {
    const res = await node.app.inject({
      method: 'GET',
      url: '/api/exports/persons?format=xlsx',
      headers: node.as('coordinator'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(res.headers['content-disposition']).toMatch(/\.xlsx"$/);
    const read = await readXlsx(res.rawPayload);
    const families = (read.sheet?.records ?? []).map((r) => r.cells[1]);
    for (const family of dangerous) expect(families).toContain(`'${family}`);
  });
});

describe('the OpenAPI document', () => {
  type Operation = {
    operationId?: string;
    security?: Record<string, string[]>[];
    'x-homeward-access'?: unknown;
  };
  const served = async () => {
    const res = await node.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    return { text: res.body, doc: res.json() as { paths: Record<string, Record<string, Operation>> } };
  };

  it('passes redocly lint with its recommended rules: no error and no warning', async () => {
    const { text } = await served();
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: text, absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual(
      [],
    );
  });

  it('names every operation once and declares who may call it, as the route access says', async () => {
    const { doc } = await served();
    const ids = new Set<string>();
    let operations = 0;
    for (const route of node.app.routeAccessTable) {
      if (route.url.startsWith(DOCS_PREFIX) || route.url === '/api/openapi.json') continue;
      if (route.method === 'HEAD' || route.method === 'OPTIONS') continue;
      const url = route.url
        .replace(/:(\w+)/g, '{$1}')
        .replace('/log/tile/*', '/log/tile/{tilePath}')
        .replace('/log/witness/latest/*', '/log/witness/latest/{origin}');
      const op = doc.paths[url]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.url} is documented`).toBeDefined();
      expect(op?.operationId, `${route.method} ${route.url} has an operationId`).toMatch(/^[a-z][A-Za-z]+$/);
      expect(ids.has(op!.operationId!), `operationId ${op?.operationId} is unique`).toBe(false);
      ids.add(op!.operationId!);
      operations++;
      if (route.access === 'public') expect(op?.security).toEqual([]);
      else {
        const mutating = route.method !== 'GET' && route.url !== '/api/session';
        expect(op?.security, `${route.method} ${route.url}`).toEqual([
          mutating ? { session: [], csrf: [] } : { session: [] },
          { token: [] },
        ]);
      }
    }
    expect(operations).toBeGreaterThanOrEqual(60);
  });

  it('generates the committed web client types (web/src/api.gen.ts; `npm run gen:api` rewrites it)', async () => {
    const { doc } = await served();
    const expected = await generateClientTypes(doc);
    expect(readGeneratedClient() === expected, 'web/src/api.gen.ts is stale: run npm run gen:api').toBe(true);
  });
});
