// Registry search through the engine, and the review queue, over HTTP: who may decide
// (property-based, every role), decisions final and audited in the same transaction, nothing merged,
// another organisation's candidates "not found". Every name here is synthetic.
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDuplicates, matchListAgainstRegistry } from '../app/matching/match-registry.ts';
import { recordMatchCandidates } from '../app/matching/match-review.ts';
import { cliContext, type Permission, type Role, Roles, rolePermissions } from '../domain/access.ts';
import type { PersonInput } from '../domain/person.ts';
import { buildTestNode, createPerson, syntheticPerson, type TestNode } from './testing.ts';

let node: TestNode;
beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'mt' });
});
afterAll(async () => {
  await node?.close();
});

const granted = (role: Role, p: Permission) => (rolePermissions[role] as readonly Permission[]).includes(p);

/** A synthetic person with these names (no restricted fields). */
function named(names: PersonInput['names'], date: string, orgId?: string) {
  const p = syntheticPerson();
  const input: PersonInput = {
    names,
    sex: 'male',
    birth: { date, precision: 'day' },
    category: 'servicemember',
    externalRefs: [],
  };
  return createPerson(node, { ...p, input }, orgId);
}

/** A fresh surname per pair, so each pair is its own duplicate and nothing else's. */
function surname(): { cyr: string; lat: string } {
  const syllables = [
    ['ко', 'ko'],
    ['ва', 'va'],
    ['лю', 'liu'],
    ['ре', 're'],
    ['ти', 'ty'],
    ['мо', 'mo'],
    ['на', 'na'],
    ['бу', 'bu'],
    ['сі', 'si'],
    ['да', 'da'],
  ] as const;
  const picks = [...randomBytes(4)].map((b) => syllables[b % syllables.length]!);
  const cyr = picks.map((s) => s[0]).join('');
  const lat = picks.map((s) => s[1]).join('');
  return {
    cyr: `${cyr[0]!.toUpperCase()}${cyr.slice(1)}нко`,
    lat: `${lat[0]!.toUpperCase()}${lat.slice(1)}nko`,
  };
}

/** Two records of one person in two scripts, queued as a duplicate candidate; returns the candidate id. */
async function pendingPair(orgId = node.identity.orgId): Promise<{ id: string; a: string; b: string }> {
  const s = surname();
  const day = `19${70 + (randomBytes(1)[0]! % 30)}-0${1 + (randomBytes(1)[0]! % 9)}-1${randomBytes(1)[0]! % 9}`;
  const a = await named([{ script: 'Cyrl', lang: 'uk', family: s.cyr, given: 'Тарас' }], day, orgId);
  const b = await named([{ script: 'Latn', lang: 'en', family: s.lat, given: 'Taras' }], day, orgId);
  const ctx = cliContext(orgId, ['identity_analyst'], 'test');
  const found = await findDuplicates(ctx, node.database.db);
  const mine = found.candidates.filter(
    (c) => [c.personId, c.otherPersonId].includes(a.id) && [c.personId, c.otherPersonId].includes(b.id),
  );
  expect(mine).toHaveLength(1);
  await node.database.transaction((tx) => recordMatchCandidates(ctx, tx, mine, { kind: 'duplicate' }));
  const row = await node.database.db
    .selectFrom('match_candidates')
    .select('id')
    .where('pair_key', '=', mine[0]!.pairKey)
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return { id: row.id, a: a.id, b: b.id };
}

const decideAs = (role: Role | undefined, id: string, decision: string, note?: string) =>
  node.app.inject({
    method: 'POST',
    url: `/api/matches/${id}/decision`,
    headers: role ? node.as(role) : {},
    payload: { decision, ...(note === undefined ? {} : { note }) },
  });

const auditOf = (entityType: string, entityId: string) =>
  node.database.db
    .selectFrom('audit_events')
    .select(['action', 'actor_name', 'detail'])
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .execute();

describe('registry search over HTTP uses the engine', () => {
  it('"Oleksandr Kovalenko" and "Aleksandr Kovalenko" find a Cyrillic record, with score, band and explanation', async () => {
    const s = surname();
    const p = await named(
      [{ script: 'Cyrl', lang: 'uk', family: s.cyr, given: 'Олександр', patronymic: 'Миколайович' }],
      '1994-03-12',
    );
    for (const q of [`Oleksandr ${s.lat}`, `Aleksandr ${s.lat}`, `${s.cyr} Александр Николаевич`]) {
      const res = await node.app.inject({
        method: 'GET',
        url: `/api/persons?q=${encodeURIComponent(q)}`,
        headers: node.as('list_officer'),
      });
      expect(res.statusCode, q).toBe(200);
      const body = res.json() as {
        items: {
          id: string;
          match?: { score: number; band: string; explanation: string; fields: unknown[] };
        }[];
      };
      expect(body.items[0]?.id, q).toBe(p.id);
      expect(body.items[0]?.match, q).toMatchObject({ band: expect.stringMatching(/^(likely|possible)$/) });
      expect(body.items[0]!.match!.score).toBeGreaterThan(0);
      expect(body.items[0]!.match!.explanation).toMatch(/family_name=\w+\([+-]\d/);
    }
    const docs = await node.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(docs.body).toContain('/api/matches/{id}/decision');
    expect(docs.body).toContain('explanation');
  });
});

describe('review queue', () => {
  it('lists the pair side by side; a decision is audited, final (409) and merges nothing', async () => {
    const pair = await pendingPair();
    const list = await node.app.inject({
      method: 'GET',
      url: '/api/matches?status=pending&kind=duplicate&limit=200',
      headers: node.as('identity_analyst'),
    });
    expect(list.statusCode).toBe(200);
    const item = (list.json() as { items: Record<string, unknown>[] }).items.find((i) => i.id === pair.id)!;
    expect(item).toMatchObject({ kind: 'duplicate', status: 'pending', band: 'likely' });
    expect([(item.person as { id: string }).id, (item.otherPerson as { id: string }).id].sort()).toEqual(
      [pair.a, pair.b].sort(),
    );
    expect(item.explanation).toContain('birth_date=exact');
    expect(item.person).not.toHaveProperty('contacts');

    const res = await decideAs('identity_analyst', pair.id, 'confirm', 'same service record');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'confirmed',
      decidedBy: 'mt-identity-analyst',
      note: 'same service record',
    });

    const trail = await auditOf('match', pair.id);
    expect(trail).toEqual([
      {
        action: 'match.decided',
        actor_name: 'mt-identity-analyst',
        detail: expect.objectContaining({ decision: 'confirmed', note: true }),
      },
    ]);
    expect(JSON.stringify(trail)).not.toContain('same service record');
    for (const pid of [pair.a, pair.b])
      expect((await auditOf('person', pid)).map((a) => a.action)).toContain('match.decided');

    for (const [role, decision] of [
      ['identity_analyst', 'reject'],
      ['coordinator', 'confirm'],
    ] as const) {
      const again = await decideAs(role, pair.id, decision);
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ error: { code: 'CONFLICT' } });
    }
    expect(await auditOf('match', pair.id)).toHaveLength(1);

    // Nothing merged: both persons are still there, unchanged.
    for (const pid of [pair.a, pair.b]) {
      const p = await node.app.inject({
        method: 'GET',
        url: `/api/persons/${pid}`,
        headers: node.as('coordinator'),
      });
      expect(p.statusCode).toBe(200);
      expect(p.json()).toMatchObject({ id: pid, version: 1 });
    }
    // The database itself refuses to change a decided candidate.
    await expect(
      node.database.db
        .updateTable('match_candidates')
        .set({ status: 'rejected' })
        .where('id', '=', pair.id)
        .execute(),
    ).rejects.toThrow(/final/);
  });

  it('a counterpart list row is shown as received next to its registry candidate', async () => {
    const s = surname();
    const p = await named(
      [{ script: 'Cyrl', lang: 'uk', family: s.cyr, given: 'Микола', patronymic: 'Петрович' }],
      '1983-06-15',
    );
    const ctx = cliContext(node.identity.orgId, ['identity_analyst'], 'test');
    const row = {
      id: `L-${randomBytes(3).toString('hex')}`,
      names: [{ family: s.cyr, given: 'Николай', patronymic: 'Петрович' }],
      birthDate: '1983',
      unit: 'synthetic unit',
    };
    const source = randomBytes(32).toString('hex');
    const r = await matchListAgainstRegistry(ctx, node.database.db, [row], source);
    expect(r.rows[0]?.slice(0, 3)).toEqual([row.id, p.id, 1]);
    await node.database.transaction((tx) =>
      recordMatchCandidates(ctx, tx, r.candidates, { kind: 'list', source }),
    );
    const res = await node.app.inject({
      method: 'GET',
      url: '/api/matches?kind=list&limit=200',
      headers: node.as('coordinator'),
    });
    const item = (res.json() as { items: Record<string, unknown>[] }).items.find(
      (i) => (i.subject as { listId: string } | null)?.listId === row.id,
    );
    expect(item).toMatchObject({
      kind: 'list',
      status: 'pending',
      source,
      otherPerson: null,
      person: { id: p.id },
      subject: {
        listId: row.id,
        names: [{ family: s.cyr, given: 'Николай' }],
        birthDate: '1983',
        unit: 'synthetic unit',
      },
    });
    expect(item?.explanation).toMatch(/given_name=equivalent/);
  });

  it('another organisation’s candidate and unknown ids answer 404; bad bodies 422', async () => {
    const other = await pendingPair(`other-org-${randomBytes(3).toString('hex')}`);
    for (const id of [other.id, randomUUID(), 'not-a-uuid']) {
      const res = await decideAs('identity_analyst', id, 'reject');
      expect(res.statusCode, id).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    const list = await node.app.inject({
      method: 'GET',
      url: '/api/matches?limit=200',
      headers: node.as('coordinator'),
    });
    expect(list.body).not.toContain(other.id);
    expect(list.body).not.toContain(other.a);
    const ours = await pendingPair();
    expect((await decideAs('identity_analyst', ours.id, 'merge')).statusCode).toBe(422);
    expect((await decideAs('identity_analyst', ours.id, 'confirm', 'x'.repeat(2001))).statusCode).toBe(422);
    expect(await auditOf('match', ours.id)).toEqual([]);
  });

  it('who may decide: exactly the roles granted match:review (every role, property-based)', async () => {
    const callers = [undefined, ...Roles] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...callers], { minLength: 1 }),
        fc.constantFrom('confirm', 'reject'),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        async (order, decision, note) => {
          const pair = await pendingPair();
          let decided = false;
          for (const role of order) {
            const res = await decideAs(role, pair.id, decision, note);
            const want = !role ? 401 : !granted(role, 'match:review') ? 403 : decided ? 409 : 200;
            expect(res.statusCode, `${role ?? 'anonymous'}: ${res.body}`).toBe(want);
            if (res.statusCode === 200) decided = true;
            const list = await node.app.inject({
              method: 'GET',
              url: '/api/matches?status=pending',
              headers: role ? node.as(role) : {},
            });
            expect(list.statusCode).toBe(!role ? 401 : granted(role, 'match:review') ? 200 : 403);
          }
          // One audit entry per accepted decision, none for refusals.
          expect(await auditOf('match', pair.id)).toHaveLength(decided ? 1 : 0);
        },
      ),
      { numRuns: Number(process.env.ACCESS_RUNS ?? 8) },
    );
  });
});
