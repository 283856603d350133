import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinAgreementKey } from '../app/exchange/agreement-keys.ts';
import { agreementStatus, pendingAgreements } from '../app/exchange/agreements.ts';
import { cliContext } from '../domain/access.ts';
import { numericAgreement } from '../domain/exchange/testing.ts';
import { formatVerifierKey } from '../ledger/keys.ts';
import { ed25519NoteSigner } from '../ledger/note.ts';
import { buildTestNode, type TestNode } from './testing.ts';

// The agreement routes on one node; agreeing across three nodes is in src/demo/three-nodes.int.test.ts.
let node: TestNode;
beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'ag' });
});
afterAll(async () => {
  await node?.close();
});

const { signatures: _, ...draft } = numericAgreement(10, { id: 'agr-http' });
const post = (url: string, payload: unknown, role: 'coordinator' | 'field_officer' = 'coordinator') =>
  node.app.inject({ method: 'POST', url, payload: payload as object, headers: node.as(role) });

describe('agreement routes', () => {
  it('refuses a malformed version with the fields, and a version whose signers have no pinned key', async () => {
    const bad = await post('/api/agreements', { exchangeId: 'x-http', agreement: { id: 'agr-http' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.issues.map((i: { path: string }) => i.path)).toContain('parties');
    const unpinned = await post('/api/agreements', { exchangeId: 'x-http', agreement: draft });
    expect(unpinned.statusCode).toBe(422);
    expect(unpinned.json().error.message).toBe(
      'no key pinned under agreement agr-http for party-a, party-b, mediator-m: pin them first',
    );
    expect(
      (await post('/api/agreements', { exchangeId: 'x-http', agreement: draft }, 'field_officer')).statusCode,
    ).toBe(403);
  });

  it('proposes, signs as this node, says who is awaited, and refuses a second signature', async () => {
    const ctx = cliContext(node.identity.orgId, ['coordinator'], 'test');
    const other = (name: string, fill: number) =>
      formatVerifierKey(ed25519NoteSigner(name, new Uint8Array(32).fill(fill)));
    await node.database.transaction(async (tx) => {
      await pinAgreementKey(ctx, tx, {
        agreementId: 'agr-http',
        signer: 'party-a',
        role: 'party',
        vkey: node.identity.verifierKey,
      });
      await pinAgreementKey(ctx, tx, {
        agreementId: 'agr-http',
        signer: 'party-b',
        role: 'party',
        vkey: other('b.test', 3),
      });
      await pinAgreementKey(ctx, tx, {
        agreementId: 'agr-http',
        signer: 'mediator-m',
        role: 'mediator',
        vkey: other('m.test', 4),
      });
    });
    const proposed = await post('/api/agreements', { exchangeId: 'x-http', agreement: draft });
    expect(proposed.statusCode).toBe(201);
    expect(proposed.json()).toMatchObject({
      proposedBy: 'party-a',
      awaiting: ['party-a', 'party-b', 'mediator-m'],
      started: false,
    });
    const pending = async () =>
      (await node.app.inject({ method: 'GET', url: '/api/agreements', headers: node.as('auditor') })).json()
        .items;
    expect(await pending()).toMatchObject([{ exchangeId: 'x-http', ownSigner: 'party-a', canSign: true }]);
    const signed = await post('/api/exchanges/x-http/agreement/signatures', {});
    expect(signed.statusCode).toBe(201);
    expect(signed.json()).toMatchObject({
      signed: [{ signer: 'party-a', role: 'party' }],
      awaiting: ['party-b', 'mediator-m'],
    });
    expect((await post('/api/exchanges/x-http/agreement/signatures', {})).statusCode).toBe(409);
    expect(await pending()).toMatchObject([
      { exchangeId: 'x-http', canSign: false, awaiting: ['party-b', 'mediator-m'] },
    ]);
    const status = await node.app.inject({
      method: 'GET',
      url: '/api/exchanges/x-http/agreement/status',
      headers: node.as('auditor'),
    });
    expect(status.json()).toMatchObject({
      agreementId: 'agr-http',
      started: false,
      awaiting: ['party-b', 'mediator-m'],
    });
    // One package per other signer for the draft and for the signature, each logged.
    const sent = await node.database.db
      .selectFrom('packages')
      .select(['type', 'peer'])
      .where('direction', '=', 'sent')
      .orderBy('log_index')
      .execute();
    expect(sent.map((p) => `${p.type} ${p.peer}`).sort()).toEqual([
      'agreement.draft b.test',
      'agreement.draft m.test',
      'agreement.signature b.test',
      'agreement.signature m.test',
    ]);
    const missing = await node.app.inject({
      method: 'GET',
      url: '/api/exchanges/nope/agreement/status',
      headers: node.as('auditor'),
    });
    expect(missing.statusCode).toBe(404);
  });

  it('another organisation’s context finds nothing, and reading needs exchange:read', async () => {
    // Proposed in the test above, in the node's organisation.
    const own = cliContext(node.identity.orgId, ['auditor'], 'test');
    expect((await agreementStatus(own, node.database.db, 'x-http')).agreementId).toBe('agr-http');
    expect((await pendingAgreements(own, node.database.db)).map((p) => p.exchangeId)).toEqual(['x-http']);
    const stranger = cliContext('another-org.example', ['coordinator'], 'test');
    await expect(agreementStatus(stranger, node.database.db, 'x-http')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await pendingAgreements(stranger, node.database.db)).toEqual([]);
    const noRead = cliContext(node.identity.orgId, ['admin'], 'test');
    await expect(agreementStatus(noRead, node.database.db, 'x-http')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(pendingAgreements(noRead, node.database.db)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    for (const url of ['/api/agreements', '/api/exchanges/x-http/agreement/status'])
      expect((await node.app.inject({ method: 'GET', url, headers: node.as('admin') })).statusCode, url).toBe(
        403,
      );
  });
});
