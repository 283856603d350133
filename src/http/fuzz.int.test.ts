// Generated malformed requests across every operation of the OpenAPI document the server
// generates, signed in with every role (so validation is reached): wrong types, missing fields,
// huge strings, control/bidi/zero-width characters, bad path parameters, bad JSON, odd content
// types. Nothing may answer 5xx, every error has the standard shape, and no response body may
// repeat a string the request carried. Malformed requests change nothing (counted on a sample of
// tables). Synthetic data only.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Roles } from '../domain/access.ts';
import { buildTestNode, createUser, type RoleSession, signInAs, type TestNode } from './testing.ts';

// 1,000 in `npm test` (a few seconds, within its time budget); .ci/run's PostgreSQL pass sends 10,000.
const RUNS = Number(process.env.HOMEWARD_FUZZ_RUNS ?? 1_000);

interface Operation {
  method: string;
  /** The path template, `{name}` for each path parameter. */
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body: JsonSchema | undefined;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minimum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
};

/** Every operation of the document, but signing out (it would end the session the run uses). */
function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      if (method.toUpperCase() === 'DELETE' && path === '/api/session') continue;
      const params = (op.parameters ?? []) as { in: string; name: string; schema: JsonSchema }[];
      const content = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)
        ?.content;
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

/** A plausible value for a schema (the base a mutation then breaks). */
function plausible(s: JsonSchema | undefined, depth = 0): unknown {
  if (!s || depth > 6) return null;
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return plausible(alt.find((a) => a.type !== 'null') ?? alt[0], depth + 1);
  if (s.allOf?.length) return plausible(s.allOf[0], depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) o[k] = plausible(v, depth + 1);
      return o;
    }
    case 'array':
      return [plausible(s.items, depth + 1)];
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date') return '2020-01-02';
      if (s.format === 'date-time') return '2020-01-02T03:04:05.000Z';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    default:
      return null;
  }
}

/** Every string of a generated request is built around a token, so an echo of any part is found. */
const token = fc.stringMatching(/^[bcdfghjklmnpqrstvwxz]{8}$/).map((t) => `qz${t}`);

const special = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u009b',
  '\r\n',
  '\t',
  '\u202e',
  '\u2066',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u200f',
  '\ud800',
  '\udfff',
  '%00',
  '../',
  '$' + '{x}',
  "' OR 1=1 --",
  '<script>',
  'Коваленко',
);

/** A hostile string carrying `t`. */
const hostile = (t: string) =>
  fc.oneof(
    fc
      .tuple(fc.string({ maxLength: 6 }), special, fc.string({ maxLength: 6 }))
      .map(([a, s, b]) => `${a}${s}${t}${b}`),
    fc.tuple(special, special).map(([a, b]) => `${t}${a}${b}`),
    fc.constantFrom(300, 5_000, 70_000).map((n) => `${t}${'A'.repeat(n)}${t}`),
    fc.string({ unit: 'grapheme', maxLength: 10 }).map((s) => `${s}${t}`),
    fc.constant(t),
  );

/** A value of the wrong kind (or a hostile string) carrying `t` wherever it holds text. */
const wrong = (t: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: hostile(t) },
    fc.constantFrom(null, true, 0, -1, 1e308, 2 ** 53 + 1, -0.5),
    fc.constant([t, 1, null]),
    fc.constant({ [t]: t, __proto__x: t }),
    fc.constant({ constructor: { prototype: t } }),
  );

type Mutation =
  | { kind: 'value'; at: number; value: unknown; drop: boolean }
  | { kind: 'extraKey'; at: number }
  | { kind: 'replaceBody'; value: unknown }
  | { kind: 'rawBody'; text: string }
  | { kind: 'contentType'; type: string }
  | { kind: 'pathParam'; at: number; value: string; encode: boolean }
  | { kind: 'query'; at: number; value: unknown }
  | { kind: 'header'; name: string; value: string }
  | { kind: 'method' };

interface Case {
  op: number;
  role: number;
  t: string;
  mutations: Mutation[];
}

const caseOf = (opCount: number) =>
  fc
    .record({
      op: fc.nat({ max: opCount - 1 }),
      // Mostly the user holding every role (validation is reached), sometimes one role alone.
      role: fc.oneof({ weight: 4, arbitrary: fc.constant(9) }, { weight: 1, arbitrary: fc.nat({ max: 8 }) }),
      t: token,
    })
    .chain(({ op, role, t }) =>
      fc
        .array(
          fc.oneof(
            {
              weight: 6,
              arbitrary: fc.record({
                kind: fc.constant('value' as const),
                at: fc.nat(),
                value: wrong(t),
                drop: fc.boolean(),
              }),
            },
            { weight: 1, arbitrary: fc.record({ kind: fc.constant('extraKey' as const), at: fc.nat() }) },
            {
              weight: 1,
              arbitrary: fc.record({
                kind: fc.constant('replaceBody' as const),
                value: fc.oneof(wrong(t), fc.constant([]), fc.constant('')),
              }),
            },
            {
              weight: 2,
              arbitrary: fc.record({
                kind: fc.constant('rawBody' as const),
                text: fc.constantFrom(
                  `{"a":"${t}${'x'.repeat(1_100_000)}"}`,
                  `{"${t}":`,
                  `{"a":"${t}\\u0000"`,
                  `[${t}]`,
                  `"${t}`,
                  `{"x":1}${t}`,
                  `\u0000${t}`,
                  '',
                ),
              }),
            },
            {
              weight: 2,
              arbitrary: fc.record({
                kind: fc.constant('contentType' as const),
                type: fc.constantFrom(
                  'text/plain',
                  'application/xml',
                  'application/json; charset=utf-16',
                  'multipart/form-data; boundary=x',
                  'application/x-www-form-urlencoded',
                  `application/${t}`,
                  'text/csv',
                  'application/octet-stream',
                ),
              }),
            },
            {
              weight: 4,
              arbitrary: fc.record({
                kind: fc.constant('pathParam' as const),
                at: fc.nat(),
                value: fc.oneof(hostile(t), fc.constantFrom(`%${t}`, `%E0%A4%A${t}`, `${t}%`, `%00${t}`)),
                encode: fc.boolean(),
              }),
            },
            {
              weight: 3,
              arbitrary: fc.record({
                kind: fc.constant('query' as const),
                at: fc.nat(),
                value: fc.oneof(hostile(t), fc.constant([t, t])),
              }),
            },
            {
              weight: 1,
              arbitrary: fc.record({
                kind: fc.constant('header' as const),
                name: fc.constantFrom('x-csrf-token', 'authorization', 'cookie', 'x-forwarded-for', 'accept'),
                value: hostile(t),
              }),
            },
            { weight: 1, arbitrary: fc.constant({ kind: 'method' as const }) },
          ),
          { minLength: 1, maxLength: 3 },
        )
        .map((mutations): Case => ({ op, role, t, mutations })),
    );

/** The places in a value where a mutation can land: [container, key] pairs, depth first. */
function slots(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []) {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push([v, i]);
      slots(x, out);
    });
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push([v as Record<string, unknown>, k]);
      slots(x, out);
    }
  }
  return out;
}

/** Percent-encoding that also carries lone surrogates (as the bytes of invalid UTF-8). */
const enc = (s: string) =>
  s
    .split(/([\uD800-\uDFFF])/)
    .map((part) => (/^[\uD800-\uDFFF]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');

interface Built {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

function build(op: Operation, c: Case, headers: Record<string, string>): Built {
  const pathValues = op.pathParams.map(() => randomUUID());
  let rawPath: (string | undefined)[] = op.pathParams.map(() => undefined);
  const query: Record<string, unknown> = {};
  for (const q of op.query) {
    const v = plausible(q.schema);
    if (v !== null) query[q.name] = v;
  }
  let body: unknown = op.body ? plausible(op.body) : undefined;
  let raw: string | undefined;
  let contentType = op.body ? 'application/json' : undefined;
  let method = op.method;
  const h = { ...headers };
  for (const m of c.mutations) {
    switch (m.kind) {
      case 'value': {
        const s = slots(body);
        if (!s.length) body = structuredClone(m.value);
        else {
          const [container, key] = s[m.at % s.length]!;
          if (m.drop && !Array.isArray(container)) delete (container as Record<string, unknown>)[key];
          else (container as Record<string | number, unknown>)[key] = structuredClone(m.value);
        }
        break;
      }
      case 'extraKey': {
        const objects = [
          body,
          ...slots(body).map(([c2, k]) => (c2 as Record<string | number, unknown>)[k]),
        ].filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x));
        const target = objects[m.at % Math.max(1, objects.length)];
        if (target) target[c.t] = c.t;
        else body = { [c.t]: c.t };
        break;
      }
      case 'replaceBody':
        body = structuredClone(m.value);
        contentType ??= 'application/json';
        break;
      case 'rawBody':
        raw = m.text;
        contentType ??= 'application/json';
        break;
      case 'contentType':
        contentType = m.type;
        break;
      case 'pathParam':
        if (op.pathParams.length) {
          const i = m.at % op.pathParams.length;
          rawPath = rawPath.map((r, j) => (j === i ? (m.encode ? enc(m.value) : m.value) : r));
        } else query[c.t] = m.value;
        break;
      case 'query': {
        const names = [...op.query.map((q) => q.name), c.t];
        query[names[m.at % names.length]!] = m.value;
        break;
      }
      case 'header':
        h[m.name] =
          m.name === 'authorization'
            ? `Bearer ${m.value}`
            : m.name === 'cookie'
              ? `hw_session=${m.value}`
              : m.value;
        break;
      case 'method':
        method = method === 'GET' ? 'PATCH' : 'GET';
        break;
    }
  }
  let i = 0;
  const path = op.path.replace(/\{[^}]+\}/g, () => {
    const j = i++;
    return rawPath[j] ?? pathValues[j]!;
  });
  const qs = Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${enc(k)}=${enc(String(x))}`))
    .join('&');
  const url = qs ? `${path}?${qs}` : path;
  if (contentType) h['content-type'] = contentType;
  const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
  return { method, url, headers: h, ...(payload !== undefined && method !== 'GET' ? { payload } : {}) };
}

/** The strings of a case that must not come back: its token, and every generated string. */
function inputStrings(c: Case): string[] {
  const out = new Set<string>([c.t]);
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      if (v.length >= 4) out.add(v.length > 40 ? v.slice(0, 40) : v);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        walk(k);
        walk(x);
      }
  };
  // The kind of a mutation and a header's name are the test's own words, not generated input.
  for (const m of c.mutations) walk(m.kind === 'header' ? m.value : { ...m, kind: undefined });
  return [...out];
}

describe(`${RUNS.toLocaleString('en')} malformed requests over every OpenAPI operation`, () => {
  let node: TestNode;
  let all: RoleSession;
  let ops: Operation[];
  let vocabulary: string;

  beforeAll(async () => {
    node = await buildTestNode();
    await createUser(node, 'fuzz-all-roles', 'fuzz-password-all-roles', [...Roles]);
    all = await signInAs(node.app, 'fuzz-all-roles', 'fuzz-password-all-roles', 'admin');
    const doc = node.app.swagger() as unknown as Parameters<typeof operationsOf>[0];
    ops = operationsOf(doc);
    vocabulary = JSON.stringify(doc);
  }, 60_000);
  afterAll(() => node?.close());

  const counts = async () => {
    // Tables whose routes take strictly validated input. Not counted: API tokens (any label of
    // 1–100 characters is a valid name, so a generated one may be accepted) and jobs (an upload is a
    // file: junk is accepted as a job that then fails with every bad row reported), and the audit
    // of reads and runs any valid request makes (an export; a dedup run, whose fields are all optional),
    // and the log, which commits each of those audit rows.
    const tables = [
      'persons',
      'person_names',
      'status_events',
      'users',
      'agreement_drafts',
      'exchanges',
      'exchange_events',
      'exchange_list_versions',
      'match_candidates',
    ];
    const out: Record<string, number> = {};
    for (const t of tables) {
      const r = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(t)}`.execute(
        node.database.db,
      );
      out[t] = Number(r.rows[0]!.n);
    }
    const audit = await sql<{
      action: string;
      n: string;
    }>`select action, count(*)::text as n from audit_events
      where entity_type not in ('token', 'job')
        and action not in ('person.exported', 'match.candidates_recorded') group by action`.execute(
      node.database.db,
    );
    for (const r of audit.rows) out[`audit ${r.action}`] = Number(r.n);
    return out;
  };

  it('answers each with a standard 4xx error that repeats nothing it was sent, and changes nothing', async () => {
    expect(ops.length).toBeGreaterThan(50);
    const seed = Number(process.env.HOMEWARD_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const cases = fc.sample(caseOf(ops.length), { numRuns: RUNS, seed });
    const before = await counts();
    const seen = new Set<string>();
    const failures: string[] = [];
    const started = Date.now();
    const cpu = process.cpuUsage();
    const asRole = (r: number): Record<string, string> =>
      r === 9 ? { cookie: all.cookie, 'x-csrf-token': all.csrfToken } : node.as(Roles[r]!);
    for (let k = 0; k < cases.length; k += 8) {
      await Promise.all(
        cases.slice(k, k + 8).map(async (c, j) => {
          const op = ops[c.op]!;
          seen.add(`${op.method} ${op.path}`);
          const req = build(op, c, asRole(c.role));
          const res = await node.app.inject({ ...req, method: req.method as 'GET' });
          const where = `case ${k + j} (seed ${seed}) ${op.method} ${op.path} ${JSON.stringify(c.mutations).slice(0, 300)}`;
          if (res.statusCode >= 500) failures.push(`${where}: ${res.statusCode} ${res.body.slice(0, 300)}`);
          if (res.statusCode >= 400) {
            let shape = false;
            try {
              const b = res.json() as { error?: { code?: unknown; message?: unknown } };
              shape = typeof b.error?.code === 'string' && typeof b.error?.message === 'string';
            } catch {}
            if (!shape) failures.push(`${where}: not the standard error shape: ${res.body.slice(0, 200)}`);
          }
          for (const s of inputStrings(c)) {
            if (vocabulary.includes(s)) continue;
            const escaped = JSON.stringify(s).slice(1, -1);
            if (res.body.includes(s) || res.body.includes(escaped))
              failures.push(
                `${where}: ${res.statusCode} echoes ${JSON.stringify(s.slice(0, 40))}: ${res.body.slice(0, 300)}`,
              );
          }
        }),
      );
    }
    const elapsed = Date.now() - started;
    expect(failures.slice(0, 15), `${failures.length} failures`).toEqual([]);
    expect(seen.size).toBe(ops.length);
    expect(await counts()).toEqual(before);
    const { user, system } = process.cpuUsage(cpu);
    console.log(
      `fuzz: ${cases.length} requests over ${seen.size} operations in ${elapsed} ms (${Math.round((user + system) / 1000)} ms of CPU)`,
    );
  }, 300_000);
});
