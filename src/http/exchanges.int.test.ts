// The stage board over HTTP: who may read and record (property-based across every role), counts equal
// to the handover records (property-based over random outcome sequences), a refused handover changes
// nothing, names only as the person projection allows. Every person here is synthetic.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoExchange } from '../demo/stage-board-demo.ts';
import { cliContext, type Permission, type Role, Roles, rolePermissions } from '../domain/access.ts';
import { buildTestNode, createPerson, type TestNode } from './testing.ts';

let node: TestNode;
let personId: string;
let personName: string;
beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'xt' });
  const p = await createPerson(node);
  personId = p.id;
  personName = p.displayName;
});
afterAll(async () => {
  await node?.close();
});

const granted = (role: Role, p: Permission) => (rolePermissions[role] as readonly Permission[]).includes(p);
const operator = () => cliContext(node.identity.orgId, ['coordinator'], 'test');

/** A fresh exchange with one stage in progress and `n` pending lines per direction (2 recorded). */
async function freshStage(opts: { counts?: [number, number, number, number]; recorded?: number } = {}) {
  const exchangeId = `x-${randomUUID().slice(0, 8)}`;
  await seedDemoExchange((fn) => node.database.transaction(fn), operator(), {
    exchangeId,
    personIds: [personId],
    counts: opts.counts ?? [4, 1, 4, 1],
    recorded: opts.recorded ?? 0,
  });
  return { exchangeId, url: `/api/exchanges/${exchangeId}/stages/stage-1` };
}

interface Cell {
  direction: string;
  category: string;
  planned: number;
  onManifest: number;
  presented: number;
  handedOver: number;
  notHandedOver: number;
  pending: number;
  discrepancies: Record<string, number>;
}
interface Board {
  seq: number;
  status: string;
  reconciliation: { cells: Cell[]; totals: Record<string, Omit<Cell, 'direction' | 'category'>> };
  lines: {
    entryId: string;
    name: string | null;
    personRef: string;
    direction: string;
    category: string;
    record: null | { outcome: string; discrepancies: string[] };
  }[];
}

async function board(url: string, role: Role = 'field_officer'): Promise<Board> {
  const res = await node.app.inject({ method: 'GET', url, headers: node.as(role) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Board;
}

type Outcome = 'handed_over' | 'refused' | 'not_presented';
const bodyOf = (entryId: string, outcome: Outcome) => {
  if (outcome === 'handed_over')
    return {
      entryId,
      identityCheck: { method: 'document', result: 'confirmed' },
      willingness: 'willing',
      fitness: 'fit',
      outcome: 'handed_over',
      crossedAt: new Date().toISOString(),
      discrepancies: [],
    };
  if (outcome === 'refused')
    return {
      entryId,
      identityCheck: { method: 'document', result: 'confirmed' },
      willingness: 'refuses',
      fitness: 'fit',
      outcome: 'not_handed_over',
      crossedAt: null,
      discrepancies: ['refused_at_crossing'],
    };
  return {
    entryId,
    identityCheck: null,
    willingness: 'not_asked',
    fitness: 'not_assessed',
    outcome: 'not_handed_over',
    crossedAt: null,
    discrepancies: ['not_presented'],
  };
};

const post = (url: string, payload: unknown, role: Role = 'field_officer', csrf = true) =>
  node.app.inject({
    method: 'POST',
    url: `${url}/handovers`,
    payload: payload as object,
    headers: node.as(role, { csrf }),
  });

it('the routes are in the OpenAPI document', async () => {
  const doc = (await node.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining([
      '/api/exchanges',
      '/api/exchanges/{id}',
      '/api/exchanges/{id}/stages/{stageId}',
      '/api/exchanges/{id}/stages/{stageId}/handovers',
    ]),
  );
  expect(doc.paths['/api/exchanges/{id}/stages/{stageId}/handovers']).toHaveProperty('post');
});

describe('access', () => {
  it('every role reads the list, the exchange and the board exactly when it holds exchange:read', async () => {
    const { exchangeId, url } = await freshStage();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Roles),
        fc.constantFrom('/api/exchanges', `/api/exchanges/${exchangeId}`, url),
        async (role, path) => {
          const res = await node.app.inject({ method: 'GET', url: path, headers: node.as(role) });
          expect(res.statusCode, `${role} ${path}`).toBe(granted(role, 'exchange:read') ? 200 : 403);
        },
      ),
      { numRuns: 40 },
    );
    for (const role of ['coordinator', 'field_officer', 'mediator', 'auditor'] as const)
      expect(granted(role, 'exchange:read')).toBe(true);
  });

  it('only roles with handover:write record a handover; a refused caller changes nothing', async () => {
    const { url } = await freshStage();
    const before = await board(url);
    const entries = before.lines.map((l) => l.entryId);
    let next = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Roles), async (role) => {
        const entryId = entries[next % entries.length]!;
        const res = await post(url, bodyOf(entryId, 'not_presented'), role);
        if (granted(role, 'handover:write') && next < entries.length) {
          expect(res.statusCode, `${role}: ${res.body}`).toBe(201);
          next++;
        } else if (!granted(role, 'handover:write')) {
          expect(res.statusCode, role).toBe(403);
        }
      }),
      { numRuns: 30 },
    );
    const after = await board(url);
    const recorded = after.lines.filter((l) => l.record).length;
    expect(recorded).toBe(next);
    expect(after.seq).toBe(before.seq + next);
    for (const role of ['coordinator', 'field_officer'] as const)
      expect(granted(role, 'handover:write')).toBe(true);
    for (const role of ['mediator', 'auditor', 'list_officer'] as const)
      expect(granted(role, 'handover:write')).toBe(false);
  });

  it('anonymous callers get 401, a browser session without the CSRF token 403', async () => {
    const { url } = await freshStage();
    expect((await node.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const entryId = (await board(url)).lines[0]!.entryId;
    const res = await post(url, bodyOf(entryId, 'handed_over'), 'field_officer', false);
    expect(res.statusCode).toBe(403);
    expect((await board(url)).lines[0]!.record).toBeNull();
  });

  it('names show only as the person projection allows', async () => {
    const { url } = await freshStage();
    const fo = await board(url, 'field_officer');
    const line = fo.lines.find((l) => l.personRef === `person:${personId}`)!;
    expect(line.name).toBe(personName);
    expect((await board(url, 'mediator')).lines.find((l) => l.entryId === line.entryId)!.name).toBe(
      personName,
    );
    // Synthetic references that are not registry persons carry no name.
    expect(fo.lines.filter((l) => l.name !== null)).toHaveLength(1);
  });
});

describe('counts', () => {
  it('equal the handover records after any sequence of outcomes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(9), fc.constantFrom<Outcome>('handed_over', 'refused', 'not_presented')), {
          maxLength: 12,
        }),
        async (steps) => {
          const { url } = await freshStage();
          const lines = (await board(url)).lines;
          for (const [i, outcome] of steps) {
            const line = lines[i % lines.length]!;
            const res = await post(url, bodyOf(line.entryId, outcome));
            expect([201, 409]).toContain(res.statusCode);
          }
          const b = await board(url);
          for (const c of b.reconciliation.cells) {
            const mine = b.lines.filter((l) => l.direction === c.direction && l.category === c.category);
            const recs = mine.flatMap((l) => (l.record ? [l.record] : []));
            expect(c.onManifest).toBe(mine.length);
            expect(c.pending).toBe(mine.length - recs.length);
            expect(c.handedOver).toBe(recs.filter((r) => r.outcome === 'handed_over').length);
            expect(c.notHandedOver).toBe(recs.filter((r) => r.outcome === 'not_handed_over').length);
            expect(c.presented).toBe(recs.filter((r) => !r.discrepancies.includes('not_presented')).length);
            expect(c.discrepancies.refused_at_crossing ?? 0).toBe(
              recs.filter((r) => r.discrepancies.includes('refused_at_crossing')).length,
            );
          }
          const ex = await node.app.inject({
            method: 'GET',
            url: url.replace('/stages/stage-1', ''),
            headers: node.as('coordinator'),
          });
          expect(ex.json().stages[0].reconciliation).toEqual(b.reconciliation);
        },
      ),
      { numRuns: 6 },
    );
  });

  it('a handover the domain refuses changes nothing', async () => {
    const { url } = await freshStage();
    const before = await board(url);
    const entryId = before.lines[0]!.entryId;
    // Inconsistent in itself: handed over without a confirmed identity.
    let res = await post(url, { ...bodyOf(entryId, 'handed_over'), identityCheck: null });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.violation).toBe('INCONSISTENT_RECORD');
    // Off manifest.
    res = await post(url, bodyOf('no-such-line', 'handed_over'));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.violation).toBe('OFF_MANIFEST');
    // Unknown stage.
    res = await post(url.replace('stage-1', 'stage-9'), bodyOf(entryId, 'handed_over'));
    expect(res.statusCode).toBe(404);
    // Malformed body.
    res = await post(url, { entryId, outcome: 'vanished' });
    expect(res.statusCode).toBe(422);
    expect(await board(url)).toEqual(before);

    // A refusal at the crossing is final: recorded once, the line cannot be recorded again.
    res = await post(url, bodyOf(entryId, 'refused'));
    expect(res.statusCode).toBe(201);
    const refused = await board(url);
    res = await post(url, bodyOf(entryId, 'handed_over'));
    expect(res.statusCode).toBe(409);
    expect(await board(url)).toEqual(refused);
    const cell = refused.reconciliation.cells.find(
      (c) => c.direction === refused.lines[0]!.direction && c.category === refused.lines[0]!.category,
    )!;
    expect(cell.handedOver).toBe(0);
    expect(cell.discrepancies.refused_at_crossing).toBe(1);
  });

  it('a handover is reflected in the answer and in the next board', async () => {
    const { url } = await freshStage({ recorded: 2 });
    const before = await board(url);
    const line = before.lines.find((l) => !l.record)!;
    const res = await post(url, bodyOf(line.entryId, 'handed_over'));
    expect(res.statusCode, res.body).toBe(201);
    const after = await board(url);
    const t0 = before.reconciliation.totals[line.direction]!;
    const t1 = after.reconciliation.totals[line.direction]!;
    expect(t1.handedOver).toBe(t0.handedOver + 1);
    expect(t1.pending).toBe(t0.pending - 1);
    expect(res.json().reconciliation).toEqual(after.reconciliation);
  });

  it('another organisation’s exchange is not found', async () => {
    const exchangeId = `x-${randomUUID().slice(0, 8)}`;
    await seedDemoExchange(
      (fn) => node.database.transaction(fn),
      cliContext('other-org', ['coordinator'], 't'),
      {
        exchangeId,
        counts: [1, 0, 1, 0],
        recorded: 0,
      },
    );
    const res = await node.app.inject({
      method: 'GET',
      url: `/api/exchanges/${exchangeId}`,
      headers: node.as('coordinator'),
    });
    expect(res.statusCode).toBe(404);
    const list = await node.app.inject({
      method: 'GET',
      url: '/api/exchanges',
      headers: node.as('coordinator'),
    });
    expect(list.json().items.map((x: { id: string }) => x.id)).not.toContain(exchangeId);
  });

  it('the whole board of a stage of 1,000 each way comes in one quick answer', async () => {
    const { url } = await freshStage({ counts: [800, 200, 800, 200], recorded: 600 });
    await board(url); // the first read after a restart replays the stream; later ones use the cache
    const t0 = performance.now();
    const b = await board(url);
    const ms = performance.now() - t0;
    expect(b.lines).toHaveLength(2000);
    expect(b.reconciliation.totals['party-a']!.pending).toBe(400);
    expect(ms).toBeLessThan(1500);
    const line = b.lines.find((l) => !l.record)!;
    const t1 = performance.now();
    expect((await post(url, bodyOf(line.entryId, 'handed_over'))).statusCode).toBe(201);
    expect(performance.now() - t1).toBeLessThan(1500);
  }, 120_000);
});
