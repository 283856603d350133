// Mediators get the minimal view everywhere (DESIGN.md: counts and minimal identifiers): a status
// event's free-text note, source reference and the staff member who recorded it, and who created a
// list version, are hidden from them, while other readers keep them. Synthetic data only.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoExchange } from '../demo/stage-board-demo.ts';
import { cliContext } from '../domain/access.ts';
import { buildTestNode, createPerson, createUser, signInAs, type TestNode } from './testing.ts';

let node: TestNode;
let personId: string;
const tag = randomBytes(5).toString('hex');
const note = `Synthetic note ${tag}`;
const sourceRef = `SRC-${tag}`;

beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'mv' });
  personId = (await createPerson(node)).id;
  const res = await node.app.inject({
    method: 'POST',
    url: `/api/persons/${personId}/status-events`,
    headers: node.as('coordinator'),
    payload: {
      dimension: 'fate',
      value: 'missing',
      occurredAt: '2025-03-01',
      sourceType: 'family_report',
      sourceRef,
      verification: 'claim',
      note,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
});
afterAll(async () => {
  await node?.close();
});

type Item = { note: string | null; sourceRef: string | null; recordedBy: string | null; value: string };
const history = async (headers: Record<string, string>) => {
  const res = await node.app.inject({
    method: 'GET',
    url: `/api/persons/${personId}/status-events`,
    headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return { body: res.body, items: (res.json() as { items: Item[] }).items };
};

describe('status events', () => {
  it('a mediator sees value and dates, not the note, the source reference or who recorded it', async () => {
    const m = await history(node.as('mediator'));
    expect(m.items).toHaveLength(1);
    expect(m.items[0]).toMatchObject({ value: 'missing', note: null, sourceRef: null, recordedBy: null });
    for (const secret of [note, sourceRef, node.sessions.coordinator.username])
      expect(m.body).not.toContain(secret);
  });

  it('every other reader keeps them', async () => {
    for (const role of ['coordinator', 'field_officer', 'auditor', 'case_worker'] as const) {
      const r = await history(node.as(role));
      expect(r.items[0], role).toMatchObject({ note, sourceRef, recordedBy: expect.any(String) });
      expect(r.body).toContain(node.sessions.coordinator.username);
    }
  });

  it('a mediator who also holds a role that reads no persons still gets the minimal view', async () => {
    // admin adds audit:read but no person:read: it must not widen what the mediator sees.
    const username = `mv-mediator-admin-${tag}`;
    await createUser(node, username, `pw-${tag}-long-enough`, ['mediator', 'admin']);
    const s = await signInAs(node.app, username, `pw-${tag}-long-enough`, 'mediator');
    const headers = { cookie: s.cookie, 'x-csrf-token': s.csrfToken };
    const m = await history(headers);
    expect(m.items[0]).toMatchObject({ note: null, sourceRef: null, recordedBy: null });
    const trail = await node.app.inject({ method: 'GET', url: `/api/persons/${personId}/audit`, headers });
    expect(trail.statusCode, trail.body).toBe(200);
    const items = (trail.json() as { items: { actor: string | null; action: string }[] }).items;
    expect(items.map((i) => i.action)).toContain('status.recorded');
    expect(items.every((i) => i.actor === null)).toBe(true);
    expect(trail.body).not.toContain(node.sessions.coordinator.username);
    // An auditor reads the same trail with the actors.
    const full = await node.app.inject({
      method: 'GET',
      url: `/api/persons/${personId}/audit`,
      headers: node.as('auditor'),
    });
    expect(full.body).toContain(node.sessions.coordinator.username);
  });
});

describe('exchange lists', () => {
  it('a mediator does not see which staff member created a list version', async () => {
    const exchangeId = `mv-${randomUUID().slice(0, 8)}`;
    await seedDemoExchange(
      (fn) => node.database.transaction(fn),
      cliContext(node.identity.orgId, ['coordinator'], 'test'),
      {
        exchangeId,
        counts: [1, 0, 1, 0],
        recorded: 0,
      },
    );
    const created = await node.app.inject({
      method: 'POST',
      url: `/api/exchanges/${exchangeId}/lists`,
      headers: node.as('list_officer'),
      payload: { kind: 'our_request', entries: [] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const read = (role: 'mediator' | 'auditor') =>
      node.app.inject({ method: 'GET', url: `/api/exchanges/${exchangeId}/lists`, headers: node.as(role) });
    const m = await read('mediator');
    expect(m.statusCode).toBe(200);
    expect(m.body).not.toContain(node.sessions.list_officer.username);
    const createdBy = (res: { json: () => unknown }) =>
      (res.json() as { items: { createdBy: string | null }[] }).items.map((v) => v.createdBy);
    expect(createdBy(m)).toEqual([null]);
    const a = await read('auditor');
    expect(createdBy(a)).toEqual([node.sessions.list_officer.username]);
  });
});
