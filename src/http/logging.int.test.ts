// The request log at level info: method, path and status for every request, and none of the
// personal data, passwords, session cookies, CSRF tokens or API tokens that passed through.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Roles } from '../domain/access.ts';
import {
  buildTestNode,
  markerWord,
  passwordOf,
  syntheticPerson,
  type TestNode,
  waitForJob,
} from './testing.ts';

const lines: string[] = [];
const capture = new Writable({
  write(chunk, _enc, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

let node: TestNode;
/** Everything that must never reach the log. */
const secrets = new Map<string, string>();
const keep = (what: string, value: string) => secrets.set(value, what);

beforeAll(async () => {
  node = await buildTestNode({ logStream: capture, logLevel: 'info', userPrefix: 'log' });
  for (const role of Roles) {
    const s = node.sessions[role];
    keep(`${role} password`, s.password);
    keep(`${role} session token`, s.sessionToken);
    keep(`${role} csrf token`, s.csrfToken);
  }

  const as = node.as('coordinator');
  // Searches by a surname.
  const searched = markerWord('zsrch');
  keep('searched surname', searched);
  for (const url of [
    `/api/persons?q=${searched}`,
    `/api/persons?q=${encodeURIComponent(`${searched} Testname`)}&limit=5`,
  ])
    await node.app.inject({ method: 'GET', url, headers: as });

  // A person with restricted fields, created and read back (a case worker may write contacts, health, photos).
  const p = syntheticPerson(markerWord('zpers'));
  keep('registered surname', p.input.names[0]!.family);
  for (const v of Object.values(p.restricted)) keep('restricted value', v);
  for (const v of Object.values(p.extended)) keep('registered detail', v);
  const created = await node.app.inject({
    method: 'POST',
    url: '/api/persons',
    headers: node.as('case_worker'),
    payload: { ...p.input, marks: undefined },
  });
  expect(created.statusCode).toBe(201);
  const id = (created.json() as { id: string }).id;
  await node.app.inject({ method: 'GET', url: `/api/persons/${id}`, headers: node.as('case_worker') });

  // An import.
  const imported = markerWord('zimpt');
  keep('imported surname', imported);
  const imp = await node.app.inject({
    method: 'POST',
    url: '/api/imports/persons?filename=list.csv',
    headers: { ...as, 'content-type': 'text/csv' },
    payload: `id,family_name,given_name\nLOG-${randomBytes(4).toString('hex')},${imported},Testname\n`,
  });
  expect(imp.statusCode).toBe(202);
  await waitForJob(node, 'coordinator', (imp.json() as { jobId: string }).jobId);

  // Failing requests: invalid person, rejected import, wrong password, malformed JSON, CSRF failure.
  const invalid = markerWord('zfail');
  keep('surname of an invalid person', invalid);
  const bad = await node.app.inject({
    method: 'POST',
    url: '/api/persons',
    headers: as,
    payload: {
      names: [{ script: 'Latn', lang: 'en', family: invalid }],
      birth: { date: '1990-02-30', precision: 'day' },
    },
  });
  expect(bad.statusCode).toBe(422);
  const badImport = markerWord('zbimp');
  keep('surname in a rejected import', badImport);
  const rejected = await node.app.inject({
    method: 'POST',
    url: '/api/imports/persons?filename=list.csv',
    headers: { ...as, 'content-type': 'text/csv' },
    payload: `id,family_name,birth_date\nLOG-X,${badImport},1990-02-30\n`,
  });
  expect(rejected.statusCode).toBe(202);
  const rejectedJob = await waitForJob(node, 'coordinator', (rejected.json() as { jobId: string }).jobId);
  expect(rejectedJob.error?.code).toBe('IMPORT_REJECTED');
  const wrongPassword = `wrong-${randomBytes(6).toString('hex')}`;
  keep('wrong password', wrongPassword);
  await node.app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: 'log-auditor', password: wrongPassword },
    remoteAddress: '10.9.9.9',
  });
  const malformed = markerWord('zjson');
  keep('surname in malformed JSON', malformed);
  await node.app.inject({
    method: 'POST',
    url: '/api/persons',
    headers: { ...as, 'content-type': 'application/json' },
    payload: `{"names":[{"family":"${malformed}"`,
  });
  const csrfLess = markerWord('zcsrf');
  keep('surname sent without CSRF token', csrfLess);
  await node.app.inject({
    method: 'POST',
    url: '/api/persons',
    headers: node.as('coordinator', { csrf: false }),
    payload: { names: [{ script: 'Latn', lang: 'en', family: csrfLess }] },
  });

  // An API token, created and used.
  const t = await node.app.inject({
    method: 'POST',
    url: '/api/tokens',
    headers: as,
    payload: { name: 'log test' },
  });
  const token = (t.json() as { token: string }).token;
  keep('API token', token);
  await node.app.inject({
    method: 'GET',
    url: `/api/persons?q=${searched}`,
    headers: { authorization: `Bearer ${token}` },
  });
  await node.app.inject({
    method: 'GET',
    url: '/api/persons',
    headers: { authorization: `Bearer ${token}x` },
  });

  // A fresh sign-in, whose new cookie and CSRF token are in the response.
  const signIn = await node.app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: 'log-auditor', password: passwordOf('auditor') },
  });
  expect(signIn.statusCode).toBe(200);
  keep('new session token', signIn.cookies.find((c) => c.name === 'hw_session')!.value);
  keep('new csrf token', (signIn.json() as { csrfToken: string }).csrfToken);
});
afterAll(async () => {
  await node?.close();
});

describe('request log', () => {
  it('is written at all (the capture works)', () => {
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('never contains names searched or registered, restricted values, passwords, cookies or tokens', () => {
    expect(secrets.size).toBeGreaterThan(40);
    for (const line of lines) {
      for (const [value, what] of secrets) {
        expect(line.includes(value), `${what} in the log: ${line}`).toBe(false);
      }
    }
  });

  it('does not log query strings, bodies or headers', () => {
    for (const line of lines) {
      expect(line).not.toMatch(/[?&]q=|"q":|"authorization"|"cookie"|"x-csrf-token"|set-cookie|"body"/i);
    }
  });

  it('does record method, path and status of each request', () => {
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const incoming = entries.filter((e) => e.req) as {
      reqId: string;
      req: { method: string; path: string };
    }[];
    const completed = entries.filter((e) => e.res) as { reqId: string; res: { statusCode: number } }[];
    const byId = new Map(incoming.map((e) => [e.reqId, e.req]));
    const seen = completed.map((e) => {
      const req = byId.get(e.reqId);
      return `${req?.method} ${req?.path} ${e.res.statusCode}`;
    });
    expect(seen).toEqual(
      expect.arrayContaining([
        'GET /api/persons 200',
        'POST /api/persons 201',
        'POST /api/persons 422',
        'POST /api/persons 400',
        'POST /api/persons 403',
        'POST /api/imports/persons 202',
        'POST /api/session 200',
        'POST /api/session 401',
        'POST /api/tokens 201',
        'GET /api/persons 401',
      ]),
    );
    expect(seen.some((s) => /^GET \/api\/persons\/[0-9a-f-]{36} 200$/.test(s))).toBe(true);
  });
});
