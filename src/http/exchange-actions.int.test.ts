// The end of a stage over HTTP (reconcile, justify each warning, sign the confirmation) and the
// agreement screen's route: who may act (every role, property-based), the domain's refusals as error
// codes with nothing recorded, which party the node signs as, and no personal data in any answer.
// Every person here is synthetic.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinAgreementKey } from '../app/exchange/agreement-keys.ts';
import { loadExchangeEvents } from '../app/exchange/exchange.ts';
import { signatureProblem } from '../app/exchange/signatures.ts';
import { rotateNodeKey } from '../app/node/key-rotation.ts';
import { loadLogKeys } from '../db/ledger.ts';
import { seedDemoExchange } from '../demo/stage-board-demo.ts';
import { cliContext, type Permission, type Role, Roles, rolePermissions } from '../domain/access.ts';
import type { Signature } from '../domain/exchange/common.ts';
import { formatVerifierKey } from '../ledger/keys.ts';
import { type App, buildServer } from './server.ts';
import { buildTestNode, createPerson, type TestNode } from './testing.ts';

let node: TestNode;
/** The same node (database, sessions) under identities that make it act as a signer of the agreement. */
let asDemo: App; // a demo node: Party A by default
let asPartyB: App; // set to act as party-b
let asMediator: App; // set to act as mediator-m
let asUnset: App; // a node that predates the party setting
let asOutsider: App; // set to a party the agreements do not name
let personId: string;
let personName: string;
beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'xa' });
  const same = { database: node.database, logLevel: 'silent' };
  asDemo = await buildServer({ ...same, identity: { ...node.identity, demo: true } });
  // The names say nothing: each node acts as its party setting.
  asPartyB = await buildServer({
    ...same,
    identity: { ...node.identity, name: 'party-a.example', party: 'party-b' },
  });
  asMediator = await buildServer({ ...same, identity: { ...node.identity, party: 'mediator-m' } });
  asUnset = await buildServer({
    ...same,
    identity: { ...node.identity, name: 'party-a.example', party: null },
  });
  asOutsider = await buildServer({ ...same, identity: { ...node.identity, party: 'party-c' } });
  const p = await createPerson(node);
  personId = p.id;
  personName = p.displayName;
});
afterAll(async () => {
  for (const app of [asDemo, asPartyB, asMediator, asUnset, asOutsider]) await app?.close();
  await node?.close();
});

const granted = (role: Role, p: Permission) => (rolePermissions[role] as readonly Permission[]).includes(p);
const operator = () => cliContext(node.identity.orgId, ['coordinator'], 'test');

/** A fresh exchange whose stage-1 is in progress: `a` lines to Party A, `b` to Party B, none recorded. */
async function freshStage(a = 2, b = 2) {
  const exchangeId = `xa-${randomUUID().slice(0, 8)}`;
  await seedDemoExchange((fn) => node.database.transaction(fn), operator(), {
    exchangeId,
    personIds: [personId],
    counts: [a, 0, b, 0],
    recorded: 0,
  });
  return { exchangeId, url: `/api/exchanges/${exchangeId}/stages/stage-1` };
}

interface Board {
  seq: number;
  status: string;
  reconciliation: unknown;
  lines: { entryId: string; direction: string; record: unknown }[];
  warnings: {
    id: string;
    kind: string;
    justification: null | { code: string; note: string | null; by: string };
  }[];
  reconciliationHash: string | null;
  confirmations: { signer: string; role: string; keyId: string }[];
  actingAs: null | { id: string; role: string; basis: string };
}

async function board(url: string, app: App = node.app): Promise<Board> {
  const res = await app.inject({ method: 'GET', url, headers: node.as('coordinator') });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Board;
}

const send = (app: App, url: string, payload?: object, role: Role = 'coordinator') =>
  app.inject({
    method: 'POST',
    url,
    headers: node.as(role),
    ...(payload ? { payload } : {}),
  });

const handover = (url: string, entryId: string, refused = false) =>
  send(
    node.app,
    `${url}/handovers`,
    refused
      ? {
          entryId,
          identityCheck: { method: 'document', result: 'confirmed' },
          willingness: 'refuses',
          fitness: 'fit',
          outcome: 'not_handed_over',
          crossedAt: null,
          discrepancies: ['refused_at_crossing'],
        }
      : {
          entryId,
          identityCheck: { method: 'document', result: 'confirmed' },
          willingness: 'willing',
          fitness: 'fit',
          outcome: 'handed_over',
          crossedAt: new Date().toISOString(),
          discrepancies: [],
        },
    'field_officer',
  );

/** Records every line: all handed over, except the first line to Party B, refused at the crossing. */
async function recordAll(url: string, leave = 0) {
  const lines = (await board(url)).lines.filter((l) => !l.record);
  const refused = lines.find((l) => l.direction === 'party-b')?.entryId;
  for (const l of lines.slice(0, lines.length - leave)) {
    const res = await handover(url, l.entryId, l.entryId === refused);
    expect(res.statusCode, res.body).toBe(201);
  }
}

it('the routes are in the OpenAPI document', async () => {
  const doc = (await node.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, { tags?: string[] }>>;
  };
  for (const [path, method] of [
    ['/api/exchanges/{id}/agreement', 'get'],
    ['/api/exchanges/{id}/stages/{stageId}/reconcile', 'post'],
    ['/api/exchanges/{id}/stages/{stageId}/justifications', 'post'],
    ['/api/exchanges/{id}/stages/{stageId}/confirmations', 'post'],
  ] as const)
    expect(doc.paths[path]?.[method]?.tags, path).toEqual(['exchanges']);
});

describe('the agreement of an exchange', () => {
  it('in words: categories with readable predicates, rules, targets with progress, signatures, in force', async () => {
    const { exchangeId, url } = await freshStage(2, 2);
    await recordAll(url);
    const res = await node.app.inject({
      method: 'GET',
      url: `/api/exchanges/${exchangeId}/agreement`,
      headers: node.as('mediator'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json();
    expect(a).toMatchObject({ id: 'agr-65', version: 1, type: 'numeric', inForce: true, place: 'Istanbul' });
    expect(a.categories.map((c: { predicate: string }) => c.predicate)).toEqual([
      'servicemember',
      'civilian',
    ]);
    expect(a.ratioRules).toEqual([
      { id: 'parity', kind: 'ratio', category: null, shares: { 'party-a': 1, 'party-b': 1 }, scope: 'both' },
    ]);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.signatures).toHaveLength(3);
    expect(a.signatures.every((s: { coversHash: boolean }) => s.coversHash)).toBe(true);
    expect(a.requiredSigners.map((s: { signer: string; signed: boolean }) => [s.signer, s.signed])).toEqual([
      ['party-a', true],
      ['party-b', true],
      ['mediator-m', true],
    ]);
    // Progress comes from the handover records: 2 to Party A, 1 to Party B (one refusal).
    const target = (d: string) => a.targets.find((t: { direction: string }) => t.direction === d);
    expect(target('party-a')).toMatchObject({ count: 1000, handedOver: 2, remaining: 998 });
    expect(target('party-b')).toMatchObject({ count: 1000, handedOver: 1, remaining: 999 });
    expect(a.progress.stages).toEqual([
      expect.objectContaining({ stageId: 'stage-1', handedOver: { 'party-a': 2, 'party-b': 1 } }),
    ]);
    // The cumulative ratio is broken: an agreement-level warning.
    expect(a.warnings.map((w: { id: string }) => w.id)).toContain('ratio:parity:agreement');
    expect(a.actingAs).toEqual({ id: 'party-a', name: 'Party A', role: 'party', basis: 'node_setting' });
    for (const app of [asUnset, asOutsider]) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/exchanges/${exchangeId}/agreement`,
        headers: node.as('coordinator'),
      });
      expect(res.json().actingAs).toBeNull(); // no setting, or a party the agreement does not name
    }
    const demo = (
      await asDemo.inject({
        method: 'GET',
        url: `/api/exchanges/${exchangeId}/agreement`,
        headers: node.as('coordinator'),
      })
    ).json();
    expect(demo.actingAs).toEqual({ id: 'party-a', name: 'Party A', role: 'party', basis: 'demo_node' });
  });

  it('is read with exchange:read only; an unknown exchange is not found', async () => {
    const { exchangeId } = await freshStage(1, 1);
    for (const role of Roles) {
      const res = await node.app.inject({
        method: 'GET',
        url: `/api/exchanges/${exchangeId}/agreement`,
        headers: node.as(role),
      });
      expect(res.statusCode, role).toBe(granted(role, 'exchange:read') ? 200 : 403);
    }
    const res = await node.app.inject({
      method: 'GET',
      url: '/api/exchanges/no-such-exchange/agreement',
      headers: node.as('coordinator'),
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('the end of a stage', () => {
  it('reconcile, justify every warning, and both parties and the mediator confirm', async () => {
    const { exchangeId, url } = await freshStage(2, 2);
    await recordAll(url, 1);
    // One line still pending: the domain refuses, nothing is recorded.
    const early = await board(url);
    let res = await send(asDemo, `${url}/reconcile`);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'FORBIDDEN_TRANSITION',
      details: { violation: 'STAGE_TRANSITION', pending: 1 },
    });
    expect((await board(url)).seq).toBe(early.seq);

    await recordAll(url);
    res = await send(asDemo, `${url}/reconcile`);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ stageId: 'stage-1', status: 'reconciled', seq: early.seq + 2 });
    let b = await board(url, asDemo);
    expect(b.status).toBe('reconciled');
    expect(b.reconciliationHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.actingAs).toMatchObject({ id: 'party-a', role: 'party' });
    // A refusal to Party B: fewer handed over than planned there, and the 1:1 ratio broken.
    expect(b.warnings.map((w) => w.id).sort()).toEqual([
      'planned_count:stage-1:party-b:military',
      'ratio:parity:stage-1',
    ]);
    expect(b.warnings.every((w) => w.justification === null)).toBe(true);

    // Not yet: breaches are unjustified.
    res = await send(asDemo, `${url}/confirmations`, { reconciliationHash: b.reconciliationHash! });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.violation).toBe('UNJUSTIFIED_BREACH');

    for (const w of b.warnings) {
      res = await send(asDemo, `${url}/justifications`, {
        warningId: w.id,
        code: 'refusal_at_crossing',
        note: '  One person refused at the crossing.  ',
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    b = await board(url, asDemo);
    expect(b.warnings.map((w) => w.justification)).toEqual([
      { code: 'refusal_at_crossing', note: 'One person refused at the crossing.', by: 'party-a' },
      { code: 'refusal_at_crossing', note: 'One person refused at the crossing.', by: 'party-a' },
    ]);
    // Justifying changes what is signed: the hash read before is refused as stale.
    const stale = (await board(url)).reconciliationHash;
    res = await send(asDemo, `${url}/justifications`, {
      warningId: b.warnings[0]!.id,
      code: 'agreed_by_parties',
    });
    expect(res.statusCode).toBe(409); // already justified
    expect(res.json().error.details.violation).toBe('ALREADY_JUSTIFIED');

    const counts = b.reconciliation;
    res = await send(asDemo, `${url}/confirmations`, { reconciliationHash: '0'.repeat(64) });
    expect(res.statusCode).toBe(409);
    res = await send(asDemo, `${url}/confirmations`, { reconciliationHash: stale! });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'reconciled', reconciliationHash: stale });
    b = await board(url);
    expect(b.confirmations).toEqual([
      { signer: 'party-a', role: 'party', keyId: expect.any(String), signedAt: expect.any(String) },
    ]);
    // A real Ed25519 signature by this node's key over the reconciliation hash it showed.
    const events = await loadExchangeEvents(operator(), node.database.db, exchangeId);
    const signed = events.flatMap((e) => (e.kind === 'stage.confirmation_signed' ? [e.signature] : []));
    expect(signed).toHaveLength(1);
    expect(signed[0]!.contentHash).toBe(stale);
    const { verifier } = await loadLogKeys(node.database.db);
    expect(signatureProblem(signed[0]! as Signature, verifier)).toBeUndefined();
    // The signature is in the audit trail: what kind, which hash, which key; nothing else.
    const audited = await node.database.db
      .selectFrom('audit_events')
      .select(['entity_id', 'detail'])
      .where('action', '=', 'node_key.signed')
      .where('entity_id', '=', exchangeId)
      .execute();
    expect(audited.map((r) => r.detail)).toEqual([
      { kind: 'stage_confirmation', sha256: stale, keyRef: signed[0]!.keyId, signer: 'party-a' },
    ]);
    expect(
      signatureProblem({ ...(signed[0]! as Signature), contentHash: '1'.repeat(64) }, verifier),
    ).toBeDefined();
    // Once only per signer; justifications are frozen after the first signature.
    res = await send(asDemo, `${url}/confirmations`, {});
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.violation).toBe('NOT_A_SIGNER');

    res = await send(asPartyB, `${url}/confirmations`, {});
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).toBe('reconciled');
    res = await send(asMediator, `${url}/confirmations`, {});
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).toBe('confirmed');
    b = await board(url);
    expect(b.status).toBe('confirmed');
    expect(b.confirmations.map((c) => [c.signer, c.role])).toEqual([
      ['party-a', 'party'],
      ['party-b', 'party'],
      ['mediator-m', 'mediator'],
    ]);
    // Counts never moved: they come from the handover records only.
    expect(b.reconciliation).toEqual(counts);
  });

  it('an unknown stage is not found; nothing is recorded', async () => {
    const { url } = await freshStage(1, 1);
    const before = await board(url);
    const other = url.replace('stage-1', 'stage-9');
    for (const [path, body] of [
      ['reconcile', undefined],
      ['justifications', { warningId: 'ratio:parity:stage-9', code: 'agreed_by_parties' }],
      ['confirmations', {}],
    ] as const) {
      const res = await send(asDemo, `${other}/${path}`, body);
      expect(res.statusCode, `${path}: ${res.body}`).toBe(404);
    }
    expect((await board(url)).seq).toBe(before.seq);
  });

  it('a malformed or unknown justification is refused with 422 or 404', async () => {
    const { url } = await freshStage(1, 1);
    await recordAll(url);
    const before = await board(url);
    for (const body of [
      {},
      { warningId: '', code: 'agreed_by_parties' },
      { warningId: before.warnings[0]!.id, code: 'because' },
      { warningId: before.warnings[0]!.id, code: 'agreed_by_parties', note: 'x'.repeat(2001) },
      { warningId: before.warnings[0]!.id, code: 'agreed_by_parties', by: 'party-b', extra: true, note: 7 },
    ]) {
      const res = await send(asDemo, `${url}/justifications`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    const res = await send(asDemo, `${url}/justifications`, {
      warningId: 'ratio:nothing',
      code: 'agreed_by_parties',
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.details.violation).toBe('UNKNOWN_REFERENCE');
    expect((await board(url)).seq).toBe(before.seq);
  });

  it('a node that is no signer of the agreement neither justifies nor signs; a mediator does not justify', async () => {
    const { url } = await freshStage(1, 1);
    await recordAll(url);
    const w = (await board(url)).warnings[0]!;
    let res = await send(asOutsider, `${url}/justifications`, { warningId: w.id, code: 'agreed_by_parties' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.violation).toBe('NOT_A_SIGNER');
    // A node without the setting says how to set it, and signs nothing.
    const before = (await board(url)).seq;
    const bodies = { justifications: { warningId: w.id, code: 'agreed_by_parties' }, confirmations: {} };
    for (const [action, body] of Object.entries(bodies)) {
      res = await send(asUnset, `${url}/${action}`, body);
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { violation: 'NODE_PARTY_NOT_SET' },
      });
      expect(res.json().error.message).toContain('homeward init --party');
    }
    expect((await board(url)).seq).toBe(before);
    res = await send(asMediator, `${url}/justifications`, { warningId: w.id, code: 'mediator_decision' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.violation).toBe('NOT_A_SIGNER');
  });

  it('only roles with exchange:write act; a refused caller changes nothing', async () => {
    const { url } = await freshStage(1, 1);
    await recordAll(url);
    const before = await board(url);
    const w = before.warnings[0]!;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Roles.filter((r) => !granted(r, 'exchange:write'))),
        fc.constantFrom(
          ['reconcile', undefined] as const,
          ['justifications', { warningId: w.id, code: 'agreed_by_parties' }] as const,
          ['confirmations', {}] as const,
        ),
        async (role, [path, body]) => {
          const res = await send(asDemo, `${url}/${path}`, body, role);
          expect(res.statusCode, `${role} ${path}`).toBe(403);
        },
      ),
      { numRuns: 25 },
    );
    expect(await board(url)).toEqual(before);
    for (const role of ['mediator', 'auditor'] as const) expect(granted(role, 'exchange:write')).toBe(false);
  });

  it('answers name no person', async () => {
    const { url } = await freshStage(2, 1);
    const bodies: string[] = [];
    bodies.push((await send(asDemo, `${url}/reconcile`)).body);
    await recordAll(url);
    const b = await board(url, asDemo);
    bodies.push(JSON.stringify(b.warnings));
    bodies.push((await send(asDemo, `${url}/confirmations`, {})).body);
    bodies.push((await send(asDemo, `${url}/justifications`, { warningId: 'x', code: 'deceased' })).body);
    for (const body of bodies) {
      expect(body).not.toContain(personName);
      expect(body).not.toContain(personId);
    }
  });
});

describe('the party a node signs as', () => {
  it('is its party setting, and its own key is pinned for no other signer', async () => {
    const other = await buildTestNode({ userPrefix: 'xp' });
    try {
      const ctx = cliContext(other.identity.orgId, ['coordinator'], 'test');
      const exchangeId = `xp-${randomUUID().slice(0, 8)}`;
      await seedDemoExchange((fn) => other.database.transaction(fn), ctx, {
        exchangeId,
        counts: [1, 0, 1, 0],
        recorded: 0,
      });
      const url = `/api/exchanges/${exchangeId}/agreement`;
      const read = async () =>
        (await other.app.inject({ method: 'GET', url, headers: other.as('coordinator') })).json().actingAs;
      const setting = { id: 'party-a', name: 'Party A', role: 'party', basis: 'node_setting' };
      expect(await read()).toEqual(setting);
      const keys = await loadLogKeys(other.database.db);
      await expect(
        other.database.transaction((tx) =>
          pinAgreementKey(ctx, tx, {
            agreementId: 'agr-65',
            signer: 'party-b',
            role: 'party',
            vkey: formatVerifierKey(keys.verifier),
          }),
        ),
      ).rejects.toThrow('this node acts as party-a: its own key is pinned for party-a only');
      expect(await read()).toEqual(setting);

      // Pinned for its own party under the agreement, its key cannot rotate quietly: a rotation would cut it off from the other signers:
      // refused without --force, and nothing changes.
      const own = formatVerifierKey(keys.verifier);
      await other.database.transaction((tx) =>
        pinAgreementKey(ctx, tx, { agreementId: 'agr-65', signer: 'party-a', role: 'party', vkey: own }),
      );
      const pinned = await other.database.db
        .selectFrom('agreement_keys')
        .select('agreement_id')
        .where('vkey', '=', own)
        .execute();
      expect(pinned.length).toBeGreaterThan(0);
      const code = await rotateNodeKey(ctx, other.database, {
        kind: 'file',
        key: new Uint8Array(32).fill(7),
      }).then(
        () => 'rotated',
        (e: unknown) => (e as { code?: string }).code,
      );
      expect(code).toBe('CONFLICT');
      expect(formatVerifierKey((await loadLogKeys(other.database.db)).verifier)).toBe(own);
      expect(await other.database.db.selectFrom('node_key_rotations').selectAll().execute()).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe('a field officer records and corrects handovers only', () => {
  /** Everything an attempt could change: the stream, proposals, signatures, log and audit. */
  async function snapshot(exchangeId: string) {
    const db = node.database.db;
    const count = async (
      table: 'log_entries' | 'audit_events' | 'substitution_proposals' | 'substitution_approvals',
    ) =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      events: (await loadExchangeEvents(operator(), db, exchangeId)).length,
      log: await count('log_entries'),
      audit: await count('audit_events'),
      proposals: await count('substitution_proposals'),
      approvals: await count('substitution_approvals'),
    };
  }

  /** A stage reconciled with its warnings: every one of the five acts is one the domain could take. */
  async function endOfStage() {
    const s = await freshStage(2, 2);
    await recordAll(s.url);
    return s;
  }

  const attempts = {
    reconcile: (url: string) => ({ path: `${url}/reconcile`, body: undefined }),
    justify: (url: string, warningId = 'ratio:parity:stage-1') => ({
      path: `${url}/justifications`,
      body: { warningId, code: 'agreed_by_parties' },
    }),
    substitute: (url: string) => ({
      path: `${url}/substitutions`,
      body: { replaces: 'e-1', by: 'e-2', reason: 'withdrawn' },
    }),
    start: (url: string) => ({ path: `${url}/start`, body: undefined }),
    confirm: (url: string) => ({ path: `${url}/confirmations`, body: {} }),
  } as const;

  it.each(Object.keys(attempts) as (keyof typeof attempts)[])(
    '%s: 403 for a field officer, and nothing changes',
    async (act) => {
      expect(granted('field_officer', 'handover:write')).toBe(true);
      const { exchangeId, url } = await endOfStage();
      const { path, body } = attempts[act](url);
      const before = { board: await board(url, asDemo), rows: await snapshot(exchangeId) };
      const res = await send(asDemo, path, body, 'field_officer');
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      expect(await board(url, asDemo)).toEqual(before.board);
      expect(await snapshot(exchangeId)).toEqual(before.rows);
      // The route itself is there and reachable: a coordinator is not refused for its role.
      const coordinator = await send(asDemo, path, body, 'coordinator');
      expect(coordinator.statusCode, coordinator.body).not.toBe(403);
    },
  );

  it('a field officer still records a handover and corrects it', async () => {
    const { url } = await freshStage(1, 1);
    const line = (await board(url)).lines[0]!;
    const res = await handover(url, line.entryId);
    expect(res.statusCode, res.body).toBe(201);
    const fixed = await send(
      node.app,
      `${url}/handovers`,
      {
        entryId: line.entryId,
        supersedes: res.json().recordId,
        identityCheck: { method: 'document', result: 'confirmed' },
        willingness: 'willing',
        fitness: 'fit',
        outcome: 'handed_over',
        crossedAt: new Date(Date.now() - 60_000).toISOString(),
        discrepancies: [],
      },
      'field_officer',
    );
    expect(fixed.statusCode, fixed.body).toBe(201);
  });
});
