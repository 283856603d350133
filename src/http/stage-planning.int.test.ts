import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinAgreementKey } from '../app/exchange/agreement-keys.ts';
import { createExchange } from '../app/exchange/exchange.ts';
import { cliContext } from '../domain/access.ts';
import { lines, numericAgreement } from '../domain/exchange/testing.ts';
import { buildTestNode, type TestNode } from './testing.ts';

// Planning a stage over HTTP on one node (Party A); across three nodes: src/demo/three-nodes.int.test.ts.
let node: TestNode;
const X = 'x-plan';
beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'pl' });
  const ctx = cliContext(node.identity.orgId, ['coordinator'], 'test');
  const agreement = numericAgreement(10, { id: 'agr-plan' });
  await node.database.transaction(async (tx) => {
    await createExchange(ctx, tx, { id: X, agreement });
    await pinAgreementKey(ctx, tx, {
      agreementId: 'agr-plan',
      signer: 'party-a',
      role: 'party',
      vkey: node.identity.verifierKey,
    });
  });
});
afterAll(async () => {
  await node?.close();
});

const post = (url: string, payload: object, role: 'coordinator' | 'field_officer' = 'coordinator') =>
  node.app.inject({ method: 'POST', url, payload, headers: node.as(role) });
const plan = {
  stageId: 's1',
  date: '2025-06-10',
  crossingPoint: 'crossing-1',
  planned: [{ direction: 'party-a', category: 'military', count: 2 }],
};

describe('stage planning routes', () => {
  it('plans a stage; refuses a field officer, an unknown category and a bad date', async () => {
    expect((await post(`/api/exchanges/${X}/stages`, plan, 'field_officer')).statusCode).toBe(403);
    const unknown = await post(`/api/exchanges/${X}/stages`, {
      ...plan,
      planned: [{ direction: 'party-a', category: 'pilots', count: 2 }],
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.details.violation).toBe('UNKNOWN_REFERENCE');
    expect((await post(`/api/exchanges/${X}/stages`, { ...plan, date: '2025-02-30' })).statusCode).toBe(422);
    const ok = await post(`/api/exchanges/${X}/stages`, plan);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ stageId: 's1', status: 'planned' });
  });

  it('proposes a manifest, refuses a malformed one and a hash the user was not shown, signs as Party A', async () => {
    const bad = await post(`/api/exchanges/${X}/stages/s1/manifests`, { entries: [{ id: 'x' }] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.issues.length).toBeGreaterThan(0);
    const proposed = await post(`/api/exchanges/${X}/stages/s1/manifests`, {
      entries: lines('hp', 'party-a', 'military', 2),
    });
    expect(proposed.statusCode).toBe(201);
    const { version, manifestHash } = proposed.json() as { version: number; manifestHash: string };
    expect(version).toBe(1);
    const wrong = await post(`/api/exchanges/${X}/stages/s1/manifests/1/signatures`, {
      manifestHash: 'cd'.repeat(32),
    });
    expect(wrong.statusCode).toBe(409);
    const signed = await post(`/api/exchanges/${X}/stages/s1/manifests/1/signatures`, { manifestHash });
    expect(signed.statusCode).toBe(201);
    expect(signed.json()).toMatchObject({ status: 'planned', manifestHash }); // Party B has not signed
    // Not locked: the stage does not start.
    const start = await post(`/api/exchanges/${X}/stages/s1/start`, {});
    expect(start.statusCode).toBe(422);
    expect((await post(`/api/exchanges/${X}/stages/s1/manifests/9/signatures`, {})).statusCode).toBe(404);
  });
});
