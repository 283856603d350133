// Input hygiene at the edge: control characters refused with 422 wherever text enters (bodies,
// query strings, path parameters, headers), bidirectional-override and zero-width characters refused
// in names, framework and HTTP-parser errors in the standard shape, and no error repeating what the
// client sent. Synthetic data only.
import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestNode, createPerson, signInRequest, syntheticPerson, type TestNode } from './testing.ts';

let node: TestNode;
beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'hyg' });
}, 60_000);
afterAll(() => node?.close());

const MARK = 'qzhygienemark';
const errorOf = (body: string) =>
  (
    JSON.parse(body) as {
      error: { code: string; message: string; details?: { issues?: { path: string }[] } };
    }
  ).error;
const personCount = async () =>
  Number(
    (await sql<{ n: string }>`select count(*)::text as n from persons`.execute(node.database.db)).rows[0]!.n,
  );

describe('control characters', () => {
  it('a NUL byte in sign-in (no session) answers 422, naming the field and not the value', async () => {
    for (const [username, password] of [
      [`${MARK}\u0000`, 'x'],
      ['hyg-admin', `${MARK}\u0000`],
    ] as const) {
      const res = await signInRequest(node.app, username, password);
      expect(res.statusCode).toBe(422);
      const e = errorOf(res.body);
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.details?.issues?.[0]?.path).toMatch(/^body\.(username|password)$/);
      expect(res.body).not.toContain(MARK);
    }
  });

  it('refuses control characters in person names and status notes, and keeps tabs and line breaks in notes', async () => {
    const before = await personCount();
    for (const bad of ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\ud800', '\n', '\t']) {
      const p = syntheticPerson(`${MARK}${bad}x`);
      const res = await node.app.inject({
        method: 'POST',
        url: '/api/persons',
        headers: node.as('coordinator'),
        payload: p.input,
      });
      expect(res.statusCode, JSON.stringify(bad)).toBe(422);
      expect(errorOf(res.body).details?.issues?.[0]?.path).toBe('body.names.0.family');
      expect(res.body).not.toContain(MARK);
    }
    expect(await personCount()).toBe(before);

    const person = await createPerson(node);
    const event = (note: string) => ({
      dimension: 'fate',
      value: 'missing',
      occurredAt: '2024-05-01',
      sourceType: 'family_report',
      verification: 'claim',
      note,
    });
    const post = (note: string) =>
      node.app.inject({
        method: 'POST',
        url: `/api/persons/${person.id}/status-events`,
        headers: node.as('field_officer'),
        payload: event(note),
      });
    for (const bad of ['\u0000', '\u0001', '\u009b']) {
      const res = await post(`${MARK}${bad}`);
      expect(res.statusCode).toBe(422);
      expect(errorOf(res.body).details?.issues?.[0]?.path).toBe('body.note');
      expect(res.body).not.toContain(MARK);
    }
    const ok = await post('first line\n\tsecond line\r\n');
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('refuses control characters and line breaks in path parameters and query strings, on every kind of route', async () => {
    const urls = [
      `/api/persons/${MARK}%00`,
      `/api/persons?q=${MARK}%00`,
      `/api/persons?q=${MARK}%0A`,
      `/api/exchanges/${MARK}%00`,
      `/api/exchanges/${MARK}%00/agreement`,
      `/api/exchanges/${MARK}%00/agreement/status`,
      `/api/exchanges/${MARK}%00/lists`,
      `/api/exchanges/x/stages/${MARK}%0D%0A`,
      `/api/exchanges/x/stages/${MARK}%00/substitutions`,
      `/api/exchanges/${MARK}%00/reports/progress`,
      `/api/jobs/${MARK}%00`,
    ];
    for (const url of urls) {
      const res = await node.app.inject({ method: 'GET', url, headers: node.as('coordinator') });
      expect(res.statusCode, url).toBe(422);
      expect(errorOf(res.body).code).toBe('VALIDATION_FAILED');
      expect(res.body).not.toContain(MARK);
    }
    // The log's tile path is matched undecoded: a NUL never becomes text there, the path is malformed.
    const tile = await node.app.inject({ method: 'GET', url: `/log/tile/0/${MARK}%00` });
    expect(tile.statusCode).toBe(400);
    expect(errorOf(tile.body).code).toBe('TILE_PATH_MALFORMED');
    expect(tile.body).not.toContain(MARK);
    const posts = [
      `/api/exchanges/${MARK}%00/stages/x/reconcile`,
      `/api/exchanges/x/stages/${MARK}%00/handovers`,
      `/api/users/${MARK}%00/disable`,
    ];
    for (const url of posts) {
      const role = url.startsWith('/api/users') ? 'admin' : 'coordinator';
      const res = await node.app.inject({ method: 'POST', url, headers: node.as(role), payload: {} });
      expect(res.statusCode, url).toBe(422);
      expect(res.body).not.toContain(MARK);
    }
  });

  it('refuses control characters in request headers before anything reads them', async () => {
    const res = await node.app.inject({
      method: 'GET',
      url: '/api/session',
      headers: { ...node.as('admin'), 'x-csrf-token': `${MARK}\u0001` },
    });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res.body).details?.issues?.[0]?.path).toBe('headers.x-csrf-token');
    expect(res.body).not.toContain(MARK);
    // A header the node does not know is not named: its name is the client's own word.
    const custom = await node.app.inject({
      method: 'GET',
      url: '/api/session',
      headers: { ...node.as('admin'), [`x-${MARK}`]: 'a\u0000' },
    });
    expect(custom.statusCode).toBe(422);
    expect(errorOf(custom.body).details?.issues?.[0]?.path).toBe('headers');
    expect(custom.body).not.toContain(MARK);
  });

  it('names the path parameter or query field, never the value', async () => {
    const path = await node.app.inject({
      method: 'GET',
      url: `/api/persons/${MARK}%00`,
      headers: node.as('coordinator'),
    });
    expect(errorOf(path.body).details?.issues?.[0]?.path).toBe('params.id');
    const query = await node.app.inject({
      method: 'GET',
      url: `/api/persons?q=${MARK}%0A`,
      headers: node.as('coordinator'),
    });
    expect(errorOf(query.body).details?.issues?.[0]?.path).toBe('querystring.q');
    for (const res of [path, query]) expect(res.body).not.toContain(MARK);
  });
  it('names a field only as the schema spells it: a key the client chose is "(key)", even a plain word', async () => {
    // Records of free-form objects (manifest lines, an agreement) take keys the schema does not name.
    for (const key of ['constructor', MARK, 'prototype']) {
      const res = await node.app.inject({
        method: 'POST',
        url: '/api/exchanges/x1/stages/s1/manifests',
        headers: node.as('coordinator'),
        payload: { entries: [{ personRef: 'p1' }, { [key]: 'a\u0001' }] },
      });
      expect(res.statusCode).toBe(422);
      expect(errorOf(res.body).details?.issues?.[0]?.path).toBe('body.entries.1.(key)');
      expect(res.body).not.toContain(key);
    }
    const agreement = await node.app.inject({
      method: 'POST',
      url: '/api/agreements',
      headers: node.as('coordinator'),
      payload: { exchangeId: 'x1', agreement: { [MARK]: { nested: 'a\u0000' } } },
    });
    expect(agreement.statusCode).toBe(422);
    expect(errorOf(agreement.body).details?.issues?.[0]?.path).toBe('body.agreement.(key).(key)');
    expect(agreement.body).not.toContain(MARK);
  });
});

describe('names', () => {
  it('refuses bidirectional-override and zero-width characters in names, naming the field only', async () => {
    const before = await personCount();
    const invisible = [
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      '\u200b',
      '\u200c',
      '\u200d',
      '\u2060',
      '\ufeff',
      '\u200e',
      '\u200f',
    ];
    for (const c of invisible) {
      const p = syntheticPerson();
      p.input.names[0]!.given = `Олег${c}${MARK}`;
      const res = await node.app.inject({
        method: 'POST',
        url: '/api/persons',
        headers: node.as('coordinator'),
        payload: p.input,
      });
      expect(res.statusCode, c.codePointAt(0)!.toString(16)).toBe(422);
      expect(errorOf(res.body).details?.issues?.[0]?.path).toBe('body.names.0.given');
      expect(res.body).not.toContain(MARK);
    }
    expect(await personCount()).toBe(before);
  });

  it('keeps Ukrainian, Russian and Latin names with apostrophes and hyphens', async () => {
    for (const [family, given] of [
      ['Мʼякуш', 'Ігор'],
      ["Дем'яненко", 'Юлія'],
      ['Коваль-Сірко', 'Євген'],
      ['Щербаков', 'Пётр'],
      ["O'Neill-Smith", 'José'],
    ] as const) {
      const { names, sex, birth, category } = syntheticPerson(family).input;
      names[0]!.given = given;
      const res = await node.app.inject({
        method: 'POST',
        url: '/api/persons',
        headers: node.as('coordinator'),
        payload: { names, sex, birth, category },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
});

describe('framework errors', () => {
  const standard = (body: string) => {
    const e = errorOf(body);
    expect(typeof e.code).toBe('string');
    expect(typeof e.message).toBe('string');
    expect(body).not.toContain(MARK);
    return e;
  };

  it('answers a bad URL, a too-long parameter, an unknown route, bad JSON and an unsupported type in the standard shape', async () => {
    const cases: [string, string, Record<string, string>, string | undefined, number, string][] = [
      ['GET', `/api/persons/${MARK}%zz`, {}, undefined, 400, 'BAD_REQUEST'],
      ['GET', `/api/exchanges/${MARK}${'a'.repeat(200)}`, {}, undefined, 414, 'URI_TOO_LONG'],
      ['GET', `/api/${MARK}`, {}, undefined, 404, 'NOT_FOUND'],
      ['PATCH', `/api/persons?q=${MARK}`, {}, undefined, 404, 'NOT_FOUND'],
      ['POST', '/api/persons', { 'content-type': 'application/json' }, `{"${MARK}":`, 400, 'BAD_REQUEST'],
      [
        'POST',
        '/api/persons',
        { 'content-type': `application/${MARK}` },
        MARK,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
    ];
    for (const [method, url, headers, payload, status, code] of cases) {
      const res = await node.app.inject({
        method: method as 'GET',
        url,
        headers: { ...node.as('coordinator'), ...headers },
        ...(payload === undefined ? {} : { payload }),
      });
      expect(res.statusCode, url).toBe(status);
      expect(standard(res.body).code).toBe(code);
    }
  });

  it('answers headers too large from the HTTP parser with 431 in the standard shape', async () => {
    await node.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = node.app.server.address() as net.AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          `GET /api/persons?q=${MARK} HTTP/1.1\r\nHost: x\r\nX-Big: ${MARK}${'a'.repeat(64 * 1024)}\r\n\r\n`,
        );
      });
      let data = '';
      socket.on('data', (d) => {
        data += d.toString('utf8');
      });
      socket.on('close', () => resolve(data));
      socket.on('error', (e) => (data ? resolve(data) : reject(e)));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    expect(standard(body).code).toBe('HEADERS_TOO_LARGE');
  });
});
