// Lists over HTTP: who may read, import, create, sign and answer (every role), a counterpart file
// imported and flagged, a bad file refused by line and column, a diff, clear 4xx answers. Synthetic
// people only.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExchange } from '../app/exchange/exchange.ts';
import { registerPerson } from '../app/registry/register-person.ts';
import { cliContext, type Permission, type Role, Roles, rolePermissions } from '../domain/access.ts';
import { categoryAgreement, signedByAll } from '../domain/exchange/testing.ts';
import { buildTestNode, type TestNode, uploadAndWait } from './testing.ts';

let node: TestNode;
const N = { family: 'Тестенко', given: 'Орест', patronymic: 'Іванович' };
const BIRTH = '2003-04-05';
let personId: string;
beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'lt' });
  const ctx = cliContext(node.identity.orgId, ['coordinator'], 'test');
  const p = await node.database.transaction((tx) =>
    registerPerson(ctx, tx, {
      names: [{ script: 'Cyrl', lang: 'uk', ...N }],
      sex: 'male',
      birth: { date: BIRTH, precision: 'day' },
      category: 'servicemember',
    }),
  );
  personId = p.id;
});
afterAll(async () => {
  await node?.close();
});

const granted = (role: Role, p: Permission) => (rolePermissions[role] as readonly Permission[]).includes(p);
const agreement = signedByAll(categoryAgreement());

async function freshExchange(): Promise<string> {
  const id = `x-${randomUUID().slice(0, 8)}`;
  const ctx = cliContext(node.identity.orgId, ['coordinator'], 'test');
  await node.database.transaction((tx) => createExchange(ctx, tx, { id, agreement }));
  return id;
}

function csvOf(): string {
  return [
    'id,family_name,given_name,patronymic,birth_date,category,person_category',
    `C-1,${N.family},${N.given},${N.patronymic},${BIRTH},young,servicemember`,
    'C-2,Синтетичний,Невідомий,,2004-02-03,young,servicemember',
  ].join('\n');
}

const importUrl = (id: string) => `/api/exchanges/${id}/lists/import?kind=their_offer&filename=offer.csv`;

/** A list import is a job: 202, then the job's outcome (the new version, or why it failed). */
async function importList(id: string, payload: string, role: Role = 'list_officer') {
  const r = await uploadAndWait(node, role, importUrl(id), payload);
  const result = r.job?.result as { versionId: string; version: number; flagCounts: Record<string, number> };
  return { ...r, result, error: r.job?.error };
}

describe('lists over HTTP', () => {
  it('every role: read with exchange:read, import/create/answer with list:write, sign with node:sign', async () => {
    const id = await freshExchange();
    const seed = await importList(id, csvOf(), 'coordinator');
    expect(seed.statusCode, seed.body).toBe(202);
    expect(seed.job?.state).toBe('succeeded');
    const versionId = seed.result.versionId;
    for (const role of Roles) {
      const read = await node.app.inject({
        method: 'GET',
        url: `/api/exchanges/${id}/lists`,
        headers: node.as(role),
      });
      expect(read.statusCode, `${role} list`).toBe(granted(role, 'exchange:read') ? 200 : 403);
      const one = await node.app.inject({
        method: 'GET',
        url: `/api/exchanges/${id}/lists/${versionId}`,
        headers: node.as(role),
      });
      expect(one.statusCode, `${role} version`).toBe(granted(role, 'exchange:read') ? 200 : 403);
      const create = await node.app.inject({
        method: 'POST',
        url: `/api/exchanges/${id}/lists`,
        headers: node.as(role),
        payload: { kind: 'our_request', entries: [] },
      });
      const mayWrite = granted(role, 'list:write');
      // The first writer makes version 1; later ones are refused (version 1 is not signed): 422, not 403.
      expect([201, 422].includes(create.statusCode) === mayWrite, `${role} create ${create.statusCode}`).toBe(
        true,
      );
      if (!mayWrite) expect(create.statusCode).toBe(403);
      const imp = await uploadAndWait(
        node,
        role,
        `/api/exchanges/${id}/lists/import?kind=their_request`,
        'id,family_name\n',
      );
      expect(imp.statusCode, `${role} import`).toBe(mayWrite ? 202 : 403);
      if (mayWrite) expect(imp.job?.error?.code).toBe('IMPORT_REJECTED');
    }
    // Signing is with the node's key (node:sign): an auditor and a list officer cannot, a
    // coordinator can, and a second signature is a conflict.
    for (const role of Roles.filter((r) => !granted(r, 'node:sign'))) {
      const refused = await node.app.inject({
        method: 'POST',
        url: `/api/exchanges/${id}/lists/${versionId}/sign`,
        headers: node.as(role),
      });
      expect(refused.statusCode, role).toBe(403);
    }
    expect(granted('list_officer', 'node:sign')).toBe(false);
    const signed = await node.app.inject({
      method: 'POST',
      url: `/api/exchanges/${id}/lists/${versionId}/sign`,
      headers: node.as('coordinator'),
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json()).toMatchObject({
      signed: true,
      versionHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const again = await node.app.inject({
      method: 'POST',
      url: `/api/exchanges/${id}/lists/${versionId}/sign`,
      headers: node.as('coordinator'),
    });
    expect(again.statusCode).toBe(409);
    // Answers to their offer come from us (party-a); field officers may not record them.
    const answer = (role: Role) =>
      node.app.inject({
        method: 'POST',
        url: `/api/exchanges/${id}/lists/${versionId}/responses`,
        headers: node.as(role),
        payload: { responder: 'party-a', entries: [{ nominationId: 'row-2', response: 'accepted' }] },
      });
    expect((await answer('field_officer')).statusCode).toBe(403);
    const ok = await answer('coordinator');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ recorded: 1, responses: { 'row-2': 'accepted', 'row-3': 'unknown' } });
  });

  it('imports and flags a counterpart list, refuses a bad file by line and column, diffs two versions', async () => {
    const id = await freshExchange();
    const res = await importList(id, csvOf());
    expect(res.statusCode, res.body).toBe(202);
    const v1 = { id: res.result.versionId, flagCounts: res.result.flagCounts };
    expect(v1.flagCounts).toMatchObject({ matched: 1, unknown: 1 });
    const detail = await node.app.inject({
      method: 'GET',
      url: `/api/exchanges/${id}/lists/${v1.id}`,
      headers: node.as('mediator'),
    });
    const entries = (
      detail.json() as { entries: { flags: string[]; match: { kind: string; personId?: string } }[] }
    ).entries;
    expect(entries[0]!.match).toMatchObject({ kind: 'matched', personId });
    expect(entries[1]!.flags).toEqual(['unknown']);
    expect((entries[0] as { registryName?: string }).registryName).toContain(N.family);

    const bad = await importList(
      id,
      'id,family_name,birth_date,category\n,Синтетичний,2004-01-01,young\nB-2,Синтетичний,2004/13/01,old\n',
    );
    expect(bad.statusCode).toBe(202);
    expect(bad.job).toMatchObject({ state: 'failed', error: { code: 'IMPORT_REJECTED' } });
    expect(JSON.stringify(bad.job)).not.toContain('Синтетичний');
    const rows = bad.error?.details?.rows as { line: number; column: string }[];
    expect(rows.map((r) => `${r.line}:${r.column}`)).toEqual(['2:id', '3:birth_date', '3:category']);

    // A second version needs the first signed (422), then diffs against it.
    const early = await importList(id, csvOf());
    expect(early.job?.state).toBe('failed');
    await node.app.inject({
      method: 'POST',
      url: `/api/exchanges/${id}/lists/${v1.id}/sign`,
      headers: node.as('coordinator'),
    });
    const v2res = await importList(id, csvOf().split('\n').slice(0, 2).join('\n'));
    expect(v2res.job?.state, v2res.body).toBe('succeeded');
    const v2 = { id: v2res.result.versionId, version: v2res.result.version };
    expect(v2.version).toBe(2);
    const diff = await node.app.inject({
      method: 'GET',
      url: `/api/exchanges/${id}/lists/diff?from=${v1.id}&to=${v2.id}`,
      headers: node.as('auditor'),
    });
    expect(diff.statusCode, diff.body).toBe(200);
    // Another file: every record is a new record (its source file differs), so all are added/removed.
    expect((diff.json() as { diff: { added: unknown[]; removed: unknown[] } }).diff).toMatchObject({
      unchanged: 0,
    });

    const missing = await node.app.inject({
      method: 'GET',
      url: `/api/exchanges/${id}/lists/99999999`,
      headers: node.as('auditor'),
    });
    expect(missing.statusCode).toBe(404);
    const noExchange = await node.app.inject({
      method: 'GET',
      url: '/api/exchanges/nope/lists',
      headers: node.as('auditor'),
    });
    expect(noExchange.statusCode).toBe(404);
    const badQuery = await node.app.inject({
      method: 'GET',
      url: `/api/exchanges/${id}/lists/diff?from=x&to=1`,
      headers: node.as('auditor'),
    });
    expect(badQuery.statusCode).toBe(422);
  });
});
