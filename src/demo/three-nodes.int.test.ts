/**
 * End to end on three nodes (Party A, Party B, the Mediator), each with its own database (embedded
 * PGlite, or its own schema on the PostgreSQL server of DATABASE_URL) and HTTP server. Every act is
 * recorded by its author's node and travels as a signed package over HTTP to the other two nodes'
 * peer inboxes, where it is admitted into their own streams (src/demo/nodes.ts). The three nodes are
 * shared by the whole file; each scenario runs its own exchange under its own agreement.
 * Synthetic people only (person:… refs from src/domain/exchange/testing.ts).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinAgreementKey } from '../app/exchange/agreement-keys.ts';
import { agreementStatus, proposeAgreement, signAgreementVersion } from '../app/exchange/agreements.ts';
import { loadExchange, recordExchangeEvents } from '../app/exchange/exchange.ts';
import { recordHandover } from '../app/exchange/exchange-board.ts';
import { signWith } from '../app/exchange/signatures.ts';
import { planStage, proposeManifest, signManifest, startStage } from '../app/exchange/stage-planning.ts';
import {
  approveSubstitution,
  pendingSubstitutions,
  proposeSubstitution,
} from '../app/exchange/substitutions.ts';
import { witnessVerifierKey } from '../app/ledger/witness.ts';
import {
  createListVersion,
  listListVersions,
  loadListVersion,
  recordListResponses,
  signListVersion,
} from '../app/lists/lists.ts';
import { applyPendingPackages } from '../app/peers/inbox.ts';
import { sendListResponses, sendListVersion } from '../app/peers/list-packages.ts';
import { deliverOutbox, markDelivered, setPeer, undelivered } from '../app/peers/outbox.ts';
import { acceptPackages, pinKey, sendPackage } from '../app/peers/packages.ts';
import { registerPerson } from '../app/registry/register-person.ts';
import { verifyVerifiableBulletin } from '../app/reports/bulletin-verify.ts';
import { loadLogKeys } from '../db/ledger.ts';
import { dataDirsFromTemplate } from '../db/testing.ts';
import { nodeContext } from '../domain/access.ts';
import { isDomainError } from '../domain/errors.ts';
import type { Agreement } from '../domain/exchange/agreement.ts';
import { type Bulletin, cellValue } from '../domain/exchange/bulletin.ts';
import type { Signature } from '../domain/exchange/common.ts';
import { violationOf } from '../domain/exchange/errors.ts';
import {
  approvalHash,
  ManifestSchema,
  manifestHash,
  type Substitution,
} from '../domain/exchange/handover.ts';
import {
  type ExchangeEvent,
  type ExchangeState,
  getStage,
  startExchange,
} from '../domain/exchange/operation.ts';
import { reconcileStage, reconciliationHash } from '../domain/exchange/reconcile.ts';
import { stageWarnings } from '../domain/exchange/rules.ts';
import { substitutionChain } from '../domain/exchange/stage.ts';
import {
  A,
  B,
  categoryAgreement,
  handedOver,
  lines,
  M,
  numericAgreement,
  plan,
  refusedAtCrossing,
  sign,
  substitution,
  wrongPerson,
} from '../domain/exchange/testing.ts';
import { PersonInputSchema } from '../domain/person.ts';
import { canonicalBytes, type JsonValue } from '../ledger/jcs.ts';
import { formatVerifierKey } from '../ledger/keys.ts';
import { ed25519NoteSigner } from '../ledger/note.ts';
import { createPackage, PackageHeaderSchema, packageHash } from '../ledger/package.ts';
import { renderReport } from '../reports/service.ts';
import { loadScenario, roleOf, runStage, scenarioStages } from './exchange-stages.ts';
import { DeliveryRefused, type DemoNode, deliver, inbox, openThreeNodes, type ThreeNodes } from './nodes.ts';
import { createRng } from './rng.ts';
import { storeNewPersons } from './seed-demo.ts';
import { generatePerson, generatePersons } from './synthetic.ts';

let net: ThreeNodes;
// On PGlite the three data directories start as copies of the run's migrated template.
const dataDir = dataDirsFromTemplate(['party-a', 'party-b', 'mediator']);

beforeAll(async () => {
  net = await openThreeNodes({ databaseUrl: process.env.DATABASE_URL, dataDir });
  await net.connect();
}, 120_000);
afterAll(async () => {
  await net?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The exchange's state as one node holds it (replayed from its own stream). */
const stateOn = async (n: DemoNode, exchangeId: string) =>
  (await loadExchange(n.database.db, n.ctx, exchangeId)).state;

async function expectSameStreams(exchangeId: string): Promise<number> {
  const heads = await net.heads(exchangeId);
  expect(heads[0]!.seq).toBeGreaterThan(0);
  expect(new Set(heads.map((h) => `${h.seq}:${h.chain}`)).size).toBe(1);
  return heads[0]!.seq;
}

/** A fresh exchange on all three nodes under its own numeric agreement (signed through packages). */
async function newExchange(exchangeId: string, target: number): Promise<ExchangeState> {
  const draft: Agreement = numericAgreement(target, { id: `agr-${exchangeId}`, title: `test ${exchangeId}` });
  return startExchange(await net.agree(exchangeId, draft, '2025-05-16T12:00:00.000Z'));
}

/** Plan, manifest proposed and signed by A, then signed by B, then started (by A). */
async function openStage(
  submit: ReturnType<ThreeNodes['submit']>,
  state: ExchangeState,
  stageId: string,
  date: string,
  planned: { direction: string; category: string; count: number }[],
  entries: ReturnType<typeof lines>,
): Promise<ExchangeState> {
  const manifest = ManifestSchema.parse({ stageId, version: 1, parentHash: null, reasons: null, entries });
  const h = manifestHash(manifest);
  await submit(A, [
    plan(stageId, date, planned, state.agreement.id),
    { kind: 'manifest.proposed', manifest },
    { kind: 'manifest.signed', stageId, version: 1, signature: sign(A, 'party', h) },
  ]);
  await submit(B, [{ kind: 'manifest.signed', stageId, version: 1, signature: sign(B, 'party', h) }]);
  return submit(A, [{ kind: 'stage.started', stageId, at: `${date}T06:00:00.000Z` }]);
}

/** Each of A, B and the Mediator signs the reconciliation from its own node. */
async function confirm(submit: ReturnType<ThreeNodes['submit']>, state: ExchangeState, stageId: string) {
  const rh = reconciliationHash(state.agreement, getStage(state, stageId));
  let s = state;
  for (const who of [A, B, M])
    s = await submit(who, [
      { kind: 'stage.confirmation_signed', stageId, signature: sign(who, roleOf(who), rh) },
    ]);
  return s;
}

/** The violation a node refuses `events` with, recorded directly in its own transaction. */
async function refusalOn(n: DemoNode, exchangeId: string, events: ExchangeEvent[]): Promise<string> {
  try {
    await n.database.transaction((tx) => recordExchangeEvents(n.ctx, tx, exchangeId, events));
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return violationOf(e) ?? e.code;
  }
  throw new Error(`${n.label} admitted what it should refuse`);
}

const persons = (cells: Bulletin['cumulative'], direction: string, cls: 'all' | 'military' | 'civilian') =>
  cellValue(cells, { direction, exchange: 'in', subject: 'persons', class: cls });

// On PostgreSQL only: on the embedded database the CLI's `homeward demo --scenario may-2025`
// (src/cli/scenario.int.test.ts) runs the whole exchange; the command opens embedded nodes alone.
describe.runIf(process.env.DATABASE_URL)('the May 2025 exchange on three nodes (PostgreSQL)', () => {
  const X = 'e2e-may-2025';
  const scenario = loadScenario('may-2025');
  const specs = scenarioStages(scenario);

  beforeAll(async () => {
    let state = startExchange(
      await net.agree(
        X,
        numericAgreement(scenario.agreement.target, {
          id: 'agr-e2e-may',
          concludedAt: scenario.agreement.concludedAt,
          ordinal: scenario.agreement.ordinal,
        }),
        `${scenario.agreement.concludedAt}T12:00:00.000Z`,
      ),
    );
    const submit = net.submit(X);
    for (const spec of specs) state = await runStage(state, spec, submit);
  }, 120_000);

  it('holds the same stream on every node, with the counts per stage and category of the scenario file', async () => {
    await expectSameStreams(X);
    const side = (s: { total: number; military?: number; civilians?: number }) => s;
    for (const n of net.nodes) {
      const state = await stateOn(n, X);
      scenario.stages.forEach((st, i) => {
        const stage = getStage(state, `stage-${i + 1}`);
        expect(stage.status).toBe('confirmed');
        const r = reconcileStage(stage);
        const cell = (d: string, c: string) =>
          r.cells.find((x) => x.direction === d && x.category === c)?.handedOver ?? 0;
        expect(r.totals[A]!.handedOver).toBe(side(st.toUkraine).total);
        expect(r.totals[B]!.handedOver).toBe(side(st.toRussia).total);
        // Every line planned was handed over: no discrepancy, no pending line.
        expect(r.totals[A]!.planned).toBe(st.toUkraine.total);
        expect(r.totals[B]!.pending).toBe(0);
        for (const c of specs[i]!.counts) expect(cell(c.direction, c.category)).toBe(c.count);
      });
      const s1 = reconcileStage(getStage(state, 'stage-1'));
      const cell1 = (d: string, c: string) => s1.cells.find((x) => x.direction === d && x.category === c)!;
      expect(
        [cell1(A, 'military'), cell1(A, 'civilian'), cell1(B, 'military'), cell1(B, 'civilian')].map(
          (c) => c.handedOver,
        ),
      ).toEqual([270, 120, 270, 120]);
    }
  });

  it('publishes "1,000 for 1,000" from the Mediator, cosigned, and the bulletin verifies', async () => {
    await net.cosignAll();
    const { published, file, check } = await net.publish(X);
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    const b = published.bulletin;
    expect(b.stages.map((s) => s.date)).toEqual(scenario.stages.map((s) => s.date));
    expect(b.stages.map((s) => persons(s.cells, A, 'all'))).toEqual(
      scenario.stages.map((s) => s.toUkraine.total),
    );
    expect(b.stages.map((s) => persons(s.cells, B, 'all'))).toEqual(
      scenario.stages.map((s) => s.toRussia.total),
    );
    expect([persons(b.cumulative, A, 'all'), persons(b.cumulative, B, 'all')]).toEqual([
      scenario.totals.toUkraine,
      scenario.totals.toRussia,
    ]);
    expect([persons(b.cumulative, B, 'military'), persons(b.cumulative, B, 'civilian')]).toEqual([880, 120]);
    // Signed by all three: the agreement, and each stage's reconciliation.
    expect(file.agreementSignatures).toHaveLength(3);
    expect(file.confirmations.map((c) => c.packages.length)).toEqual([3, 3, 3]);
    expect(JSON.stringify(file)).not.toMatch(/person:/);
  });
});

describe('a non-parity day: three refuse at the crossing', () => {
  const X = 'e2e-refusals';
  const toA = lines('ra', A, 'military', 100);
  const toB = lines('rb', B, 'military', 100);
  let state: ExchangeState;
  const submit = () => net.submit(X);

  beforeAll(async () => {
    state = await newExchange(X, 100);
    state = await openStage(
      submit(),
      state,
      's1',
      '2025-06-01',
      [
        { direction: A, category: 'military', count: 100 },
        { direction: B, category: 'military', count: 100 },
      ],
      [...toA, ...toB],
    );
    // Each receiving party's field officers record their side of the crossing.
    const t0 = Date.parse('2025-06-01T08:00:00.000Z');
    const at = (i: number) => new Date(t0 + i * 1000).toISOString();
    await submit()(
      A,
      toA.map(
        (e, i): ExchangeEvent => ({ kind: 'handover.recorded', record: handedOver('s1', e.id, at(i)) }),
      ),
    );
    state = await submit()(B, [
      ...toB.slice(0, 3).map(
        (e, i): ExchangeEvent => ({
          kind: 'handover.recorded',
          record: refusedAtCrossing('s1', e.id, at(i)),
        }),
      ),
      ...toB.slice(3).map(
        (e, i): ExchangeEvent => ({
          kind: 'handover.recorded',
          record: handedOver('s1', e.id, at(200 + i)),
        }),
      ),
    ]);
    state = await submit()(A, [{ kind: 'stage.reconciled', stageId: 's1', at: '2025-06-01T18:00:00.000Z' }]);
  }, 120_000);

  it('refuses a confirmation until the breaches are justified, on the signing node, sending nothing', async () => {
    const before = await expectSameStreams(X);
    const rh = reconciliationHash(state.agreement, getStage(state, 's1'));
    await expect(
      submit()(A, [{ kind: 'stage.confirmation_signed', stageId: 's1', signature: sign(A, 'party', rh) }]),
    ).rejects.toThrow(/justification/);
    expect(await expectSameStreams(X)).toBe(before);
  });

  it('records the justification, confirms, and the counts differ (100 vs 97) on every node', async () => {
    const warnings = stageWarnings(state.agreement, getStage(state, 's1'));
    expect(warnings.map((w) => w.kind).sort()).toEqual(['planned_count', 'ratio']);
    state = await submit()(
      B,
      warnings.map(
        (w): ExchangeEvent => ({
          kind: 'breach.justified',
          stageId: 's1',
          justification: {
            warningId: w.id,
            code: 'refusal_at_crossing',
            note: '3 refused at the crossing',
            by: B,
          },
        }),
      ),
    );
    state = await confirm(submit(), state, 's1');
    await expectSameStreams(X);
    for (const n of net.nodes) {
      const st = getStage(await stateOn(n, X), 's1');
      expect(st.status).toBe('confirmed');
      expect(st.justifications.map((j) => [j.code, j.by])).toEqual([
        ['refusal_at_crossing', B],
        ['refusal_at_crossing', B],
      ]);
      const r = reconcileStage(st);
      expect([r.totals[A]!.handedOver, r.totals[B]!.handedOver]).toEqual([100, 97]);
      expect(r.totals[B]!.presented).toBe(100);
      expect(r.totals[B]!.discrepancies).toEqual({ refused_at_crossing: 3 });
      expect((await stateOn(n, X)).refusals.map((x) => x.personRef).sort()).toEqual(
        toB
          .slice(0, 3)
          .map((e) => e.personRef)
          .sort(),
      );
    }
  });

  it('the bulletin says 100 and 97, verifies under the keys the nodes pinned, and a copy claiming parity does not', async () => {
    await net.cosignAll();
    const { published, file, check } = await net.publish(X);
    expect(check.problems).toEqual([]);
    const b = published.bulletin;
    expect([persons(b.stages[0]!.cells, A, 'all'), persons(b.stages[0]!.cells, B, 'all')]).toEqual([100, 97]);
    expect([persons(b.cumulative, A, 'all'), persons(b.cumulative, B, 'all')]).toEqual([100, 97]);
    // Authentic, not only self-consistent: the Mediator's log key and the two parties' witness keys.
    const trusted = {
      logKey: net.m.identity.verifierKey,
      witnessKeys: [await witnessVerifierKey(net.a.database.db), await witnessVerifierKey(net.b.database.db)],
      quorum: 2,
    };
    expect(verifyVerifiableBulletin(file, trusted)).toMatchObject({ ok: true, problems: [] });
    const claimed: Bulletin = structuredClone(b);
    const parity = { ...file, bulletin: claimed };
    for (const cells of [claimed.stages[0]!.cells, claimed.cumulative])
      for (const c of cells)
        if (c.metric.direction === B && c.metric.class !== 'civilian' && c.value === 97) c.value = 100;
    const forged = verifyVerifiableBulletin(parity, trusted);
    expect(forged.ok).toBe(false);
    expect(forged.problems[0]).toMatch(/^count: /);
  });
});

describe('a wrong person presented', () => {
  const X = 'e2e-substitution';
  const main = [...lines('wa', A, 'military', 2), ...lines('wb', B, 'military', 2)];
  const reserve = lines('war', A, 'military', 2, { reserve: true });
  let state: ExchangeState;
  const submit = () => net.submit(X);

  beforeAll(async () => {
    state = await newExchange(X, 10);
    state = await openStage(
      submit(),
      state,
      's1',
      '2025-06-01',
      [
        { direction: A, category: 'military', count: 2 },
        { direction: B, category: 'military', count: 2 },
      ],
      [...main, ...reserve],
    );
  }, 60_000);

  it('refuses a substitution only one party approved, on every node', async () => {
    await submit()(A, [
      { kind: 'handover.recorded', record: wrongPerson('s1', 'wa-0', '2025-06-01T08:00:00.000Z') },
    ]);
    const sub = substitution('s1', 'sub-1', 'wa-0', 'war-0', 'wrong_person_presented');
    if (sub.kind !== 'substitution.approved') throw new Error('unreachable');
    const oneSided: ExchangeEvent = {
      ...sub,
      substitution: { ...sub.substitution, approvals: sub.substitution.approvals.slice(0, 1) },
    };
    const before = await expectSameStreams(X);
    for (const n of net.nodes) expect(await refusalOn(n, X, [oneSided])).toBe('NOT_A_SIGNER');
    expect(await expectSameStreams(X)).toBe(before);
  });

  /**
   * A substitution approved by both parties, each from its own node: the approver signs the approval
   * hash in a package to the others; the proposer's node finds it in its inbox and records the
   * substitution with both approvals, which the other nodes then admit.
   */
  async function approvedAcrossNodes(proposer: DemoNode, approver: DemoNode, body: Substitution) {
    const h = approvalHash(body);
    await net.send(approver, 'substitution.approval', {
      exchangeId: X,
      substitutionId: body.id,
      approvalHash: h,
      signature: { ...sign(approver.party, 'party', h) },
    });
    const approval = (await inbox(proposer, 'substitution.approval', -1))
      .map((r) => r.payload as { substitutionId: string; approvalHash: string; signature: Signature })
      .find((p) => p.substitutionId === body.id && p.approvalHash === h);
    expect(approval?.signature.signer).toBe(approver.party);
    const event: ExchangeEvent = {
      kind: 'substitution.approved',
      substitution: { ...body, approvals: [sign(proposer.party, 'party', h), approval!.signature] },
    };
    return submit()(proposer.party, [event]);
  }
  const body = (id: string, replaces: string, by: string): Substitution => ({
    id,
    stageId: 's1',
    replaces,
    by,
    reason: 'wrong_person_presented',
    approvals: [],
  });

  it('records the discrepancy, substitutes from the reserve twice, and every node keeps the chain', async () => {
    await approvedAcrossNodes(net.a, net.b, body('sub-1', 'wa-0', 'war-0'));
    await submit()(A, [
      { kind: 'handover.recorded', record: wrongPerson('s1', 'war-0', '2025-06-01T08:05:00.000Z') },
    ]);
    await approvedAcrossNodes(net.b, net.a, body('sub-2', 'war-0', 'war-1'));
    // The replaced line is off the manifest now.
    await expect(
      submit()(A, [
        { kind: 'handover.recorded', record: handedOver('s1', 'wa-0', '2025-06-01T08:10:00.000Z') },
      ]),
    ).rejects.toThrow(/no active line/);
    const t0 = Date.parse('2025-06-01T08:10:00.000Z');
    state = await submit()(A, [
      ...['war-1', 'wa-1', 'wb-0', 'wb-1'].map(
        (id, i): ExchangeEvent => ({
          kind: 'handover.recorded',
          record: handedOver('s1', id, new Date(t0 + i * 60_000).toISOString()),
        }),
      ),
      { kind: 'stage.reconciled', stageId: 's1', at: '2025-06-01T18:00:00.000Z' },
    ]);
    state = await confirm(submit(), state, 's1');
    await expectSameStreams(X);
    for (const n of net.nodes) {
      const st = getStage(await stateOn(n, X), 's1');
      expect(st.status).toBe('confirmed');
      expect(substitutionChain(st, 'wa-0')).toEqual(['wa-0', 'war-0', 'war-1']);
      expect(st.substitutions.map((x) => [x.id, x.approvals.map((s) => s.signer).sort()])).toEqual([
        ['sub-1', [A, B]],
        ['sub-2', [A, B]],
      ]);
      const r = reconcileStage(st);
      expect(r.substitutionChains).toEqual([['wa-0', 'war-0', 'war-1']]);
      expect(r.totals[A]).toMatchObject({ planned: 2, presented: 4, handedOver: 2, notHandedOver: 2 });
      expect(r.totals[A]!.discrepancies).toEqual({ wrong_person_presented: 2 });
    }
  });
});

describe('released, then recaptured', () => {
  const X = 'e2e-recapture';
  const person = lines('x', A, 'military', 1);
  const other = lines('y', B, 'military', 1);
  const again = [
    { ...person[0]!, id: 'x-0-again' },
    { ...other[0]!, id: 'y-0-again', personRef: 'person:y-1' },
  ];
  let state: ExchangeState;
  const submit = () => net.submit(X);
  const s2Manifest = ManifestSchema.parse({
    stageId: 's2',
    version: 1,
    parentHash: null,
    reasons: null,
    entries: again,
  });

  beforeAll(async () => {
    state = await newExchange(X, 10);
    const one = [
      { direction: A, category: 'military', count: 1 },
      { direction: B, category: 'military', count: 1 },
    ];
    state = await openStage(submit(), state, 's1', '2025-05-23', one, [...person, ...other]);
    state = await submit()(A, [
      { kind: 'handover.recorded', record: handedOver('s1', 'x-0', '2025-05-23T08:00:00.000Z') },
      { kind: 'handover.recorded', record: handedOver('s1', 'y-0', '2025-05-23T08:01:00.000Z') },
      { kind: 'stage.reconciled', stageId: 's1', at: '2025-05-23T18:00:00.000Z' },
    ]);
    state = await confirm(submit(), state, 's1');
    state = await submit()(A, [plan('s2', '2025-09-01', one, state.agreement.id)]);
  }, 60_000);

  it('refuses the person on a new manifest to the same party on every node before the recapture', async () => {
    const before = await expectSameStreams(X);
    await expect(submit()(A, [{ kind: 'manifest.proposed', manifest: s2Manifest }])).rejects.toThrow(
      /already handed over/,
    );
    for (const n of net.nodes)
      expect(await refusalOn(n, X, [{ kind: 'manifest.proposed', manifest: s2Manifest }])).toBe(
        'DOUBLE_HANDOVER',
      );
    expect(await expectSameStreams(X)).toBe(before);
  });

  it('after the recapture event, a handover dated before it is refused and one after it allowed', async () => {
    // Party B's node records the recapture; the other two admit it from their inboxes.
    await submit()(B, [
      { kind: 'custody.recaptured', personRef: 'person:x-0', occurredAt: '2025-07-10T00:00:00.000Z' },
    ]);
    const h = manifestHash(s2Manifest);
    await submit()(A, [
      { kind: 'manifest.proposed', manifest: s2Manifest },
      { kind: 'manifest.signed', stageId: 's2', version: 1, signature: sign(A, 'party', h) },
    ]);
    await submit()(B, [
      { kind: 'manifest.signed', stageId: 's2', version: 1, signature: sign(B, 'party', h) },
    ]);
    await submit()(A, [{ kind: 'stage.started', stageId: 's2', at: '2025-07-01T06:00:00.000Z' }]);
    const early: ExchangeEvent = {
      kind: 'handover.recorded',
      record: handedOver('s2', 'x-0-again', '2025-07-01T08:00:00.000Z'),
    };
    for (const n of net.nodes) expect(await refusalOn(n, X, [early])).toBe('DOUBLE_HANDOVER');
    state = await submit()(A, [
      { kind: 'handover.recorded', record: handedOver('s2', 'x-0-again', '2025-09-01T08:00:00.000Z') },
      { kind: 'handover.recorded', record: handedOver('s2', 'y-0-again', '2025-09-01T08:01:00.000Z') },
      { kind: 'stage.reconciled', stageId: 's2', at: '2025-09-01T18:00:00.000Z' },
    ]);
    state = await confirm(submit(), state, 's2');
    await expectSameStreams(X);
    for (const n of net.nodes) {
      const s = await stateOn(n, X);
      expect(getStage(s, 's2').status).toBe('confirmed');
      expect(s.recaptures).toEqual([{ personRef: 'person:x-0', occurredAt: '2025-07-10T00:00:00.000Z' }]);
      expect(s.crossings.filter((c) => c.personRef === 'person:x-0').map((c) => c.stageId)).toEqual([
        's1',
        's2',
      ]);
    }
  });
});

describe('a tampered package and a replayed one at a peer inbox', () => {
  const X = 'e2e-tamper';

  /** What must not change on the receiving node: its log, its packages, and the exchange's stream. */
  async function snapshot(n: DemoNode) {
    const log = await n.database.db
      .selectFrom('log_head')
      .select('size')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    const pkgs = await n.database.db
      .selectFrom('packages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const head = (await net.heads(X))[net.nodes.indexOf(n)]!;
    return { logSize: Number(log.size), packages: Number(pkgs.n), head };
  }

  beforeAll(async () => {
    const state = await newExchange(X, 10);
    await net.submit(X)(A, [
      plan('s1', '2025-06-01', [{ direction: A, category: 'military', count: 1 }], state.agreement.id),
    ]);
  }, 60_000);

  it('refuses them with distinct codes and changes nothing on the receiving node', async () => {
    const { a, b } = net;
    const last = await a.database.db
      .selectFrom('packages')
      .select(['bytes', 'sequence'])
      .where('direction', '=', 'sent')
      .where('peer', '=', b.identity.name) // A's chain to B
      .orderBy('sequence', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const genuine = new Uint8Array(last.bytes);
    const parsed = JSON.parse(Buffer.from(genuine).toString('utf8')) as {
      header: Record<string, JsonValue>;
      payload: { exchangeId: string; events: { plan: { planned: { count: number }[] } }[] };
    };
    expect(parsed.payload.exchangeId).toBe(X);
    const before = await snapshot(b);
    expect(before.head.seq).toBeGreaterThan(0);

    // A's next package to B, as A would sign it: tampered in transit below. (A tampered copy of the
    // genuine package itself reuses an accepted sequence number: refused as a replay, unverified.)
    const keys = await loadLogKeys(a.database.db);
    const next = JSON.parse(
      Buffer.from(
        createPackage(
          {
            type: 'exchange.events',
            version: 1,
            recipients: [b.identity.name],
            sequence: Number(last.sequence) + 1,
            previous: packageHash(PackageHeaderSchema.parse(parsed.header)),
            createdAt: new Date(),
            payload: parsed.payload as unknown as JsonValue,
          },
          keys.signer,
        ).bytes,
      ).toString('utf8'),
    ) as typeof parsed;
    // Tampered: one count in the payload changed (still canonical JSON, header and signature intact).
    const payloadAltered = structuredClone(next);
    payloadAltered.payload.events[0]!.plan.planned[0]!.count = 2;
    // Tampered: the header (its type) changed, so its signature no longer verifies.
    const headerAltered = structuredClone(next);
    headerAltered.header.type = 'exchange.confirmation';
    const genuineAltered = structuredClone(parsed);
    genuineAltered.payload.events[0]!.plan.planned[0]!.count = 2;
    // Replayed: another package signed by A's own key reusing a sequence number B already accepted.
    const replay = createPackage(
      {
        type: 'exchange.events',
        version: 1,
        recipients: [b.identity.name],
        sequence: 1,
        previous: null,
        createdAt: new Date(),
        payload: parsed.payload as unknown as JsonValue,
      },
      keys.signer,
    );

    const refusal = async (bytes: Uint8Array) => {
      try {
        await deliver(b, bytes);
      } catch (e) {
        if (e instanceof DeliveryRefused) return [e.status, e.code];
        throw e;
      }
      return [200, 'accepted'];
    };
    const codes = [
      await refusal(canonicalBytes(payloadAltered as unknown as JsonValue)),
      await refusal(canonicalBytes(headerAltered as unknown as JsonValue)),
      await refusal(replay.bytes),
      await refusal(canonicalBytes(genuineAltered as unknown as JsonValue)),
    ];
    expect(codes).toEqual([
      [422, 'PACKAGE_PAYLOAD_ALTERED'],
      [422, 'PACKAGE_BAD_SIGNATURE'],
      [409, 'PACKAGE_REPLAYED'],
      [409, 'PACKAGE_REPLAYED'],
    ]);
    // The genuine package delivered again is a retry: answered, not accepted twice.
    expect((await deliver(b, genuine)).alreadyAccepted).toBe(true);

    await net.admitPending();
    expect(await snapshot(b)).toEqual(before);
    const st = getStage(await stateOn(b, X), 's1');
    expect(st.plan.planned.map((p) => p.count)).toEqual([1]);
    await expectSameStreams(X);
  });
});

describe('content a peer accepts as a package but refuses to apply', () => {
  const X = 'e2e-content';
  let manifestH = '';

  /** The receiving node's stream head, log size and what it recorded about the last package. */
  async function outcome(n: DemoNode) {
    const head = (await net.heads(X))[net.nodes.indexOf(n)]!;
    const last = await n.database.db
      .selectFrom('package_applications')
      .select(['status', 'code', 'message', 'type'])
      .orderBy('log_index', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    return { head, last };
  }

  beforeAll(async () => {
    const state = await newExchange(X, 10);
    const entries = lines('ct', A, 'military', 2);
    const manifest = ManifestSchema.parse({
      stageId: 's1',
      version: 1,
      parentHash: null,
      reasons: null,
      entries,
    });
    manifestH = manifestHash(manifest);
    await net.submit(X)(A, [
      plan('s1', '2025-06-01', [{ direction: A, category: 'military', count: 2 }], state.agreement.id),
      { kind: 'manifest.proposed', manifest },
    ]);
  }, 60_000);

  it("refuses a party's signature made with another node's key, and logs the package as evidence", async () => {
    const { a, b, m } = net;
    const before = await Promise.all([b, m].map(outcome));
    const logBefore = await Promise.all([b, m].map(loggedOtherThanRecords));
    // Party A's node claims Party B signed the manifest, signing it with A's own key.
    const forged = signWith((await loadLogKeys(a.database.db)).signer, {
      signer: B,
      role: 'party',
      contentHash: manifestH,
      signedAt: '2025-06-01T05:00:00.000Z',
    });
    await net.send(a, 'exchange.events', {
      exchangeId: X,
      events: [
        { kind: 'manifest.signed', stageId: 's1', version: 1, signature: forged },
      ] as unknown as JsonValue,
    });
    for (const [i, n] of [b, m].entries()) {
      const after = await outcome(n);
      expect(after.head).toEqual(before[i]!.head);
      expect(after.last).toMatchObject({
        status: 'refused',
        code: 'VALIDATION_FAILED',
        type: 'exchange.events',
      });
      expect(after.last.message).toMatch(/signature of party-b: signed with key .*expected/);
      // The package itself is in the log (the rows its refusal wrote are in `records` entries).
      expect(await loggedOtherThanRecords(n)).toBe(logBefore[i]! + 1);
    }
    // B's own signature, made by B's node, is admitted everywhere.
    await net.submit(X)(B, [
      { kind: 'manifest.signed', stageId: 's1', version: 1, signature: sign(B, 'party', manifestH) },
    ]);
    const st = getStage(await stateOn(m, X), 's1');
    expect(st.manifestSignatures[0]?.map((s) => s.signer)).toEqual([B]);
    expect(st.manifestSignatures[0]?.[0]?.value).toMatch(/^[A-Za-z0-9+/]{86}==$/); // a real Ed25519 value
    expect((await outcome(m)).last.status).toBe('applied');
    await expectSameStreams(X);
  });

  it('refuses events from a key trusted for packages but not pinned for this agreement', async () => {
    const { b } = net;
    const outsider = ed25519NoteSigner('outsider.test', new Uint8Array(32).fill(9));
    await b.database.transaction((tx) =>
      pinKey(b.ctx, tx, formatVerifierKey({ name: 'outsider.test', type: 1, publicKey: outsider.publicKey })),
    );
    const pkg = createPackage(
      {
        type: 'exchange.events',
        version: 1,
        recipients: [b.identity.name],
        sequence: 1,
        previous: null,
        createdAt: new Date(),
        payload: {
          exchangeId: X,
          events: [{ kind: 'stage.started', stageId: 's1', at: '2025-06-01T06:00:00.000Z' }],
        },
      },
      outsider,
    );
    const before = await outcome(b);
    const r = await deliver(b, pkg.bytes);
    expect(r.application).toMatchObject({ status: 'refused', code: 'KEY_NOT_PINNED_FOR_AGREEMENT' });
    expect((await outcome(b)).head).toEqual(before.head);
  });

  it('sends nothing with a field outside the whitelist: nothing signed, nothing logged', async () => {
    const { a } = net;
    const size = await logSize(a);
    const event = {
      kind: 'stage.started',
      stageId: 's1',
      at: '2025-06-01T06:00:00.000Z',
      healthNote: 'synthetic: must not leave',
    };
    const refused = await net.send(a, 'exchange.events', { exchangeId: X, events: [event] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDomainError(refused) && refused.code).toBe('NOT_WHITELISTED');
    expect(isDomainError(refused) && refused.details?.paths).toEqual(['events[0].healthNote']);
    expect(String((refused as Error).message)).not.toContain('must not leave');
    expect(await logSize(a)).toBe(size);
  });

  it('applies a package accepted before a crash on the next pass, once', async () => {
    const { a, b, m } = net;
    await net.submit(X)(A, [
      { kind: 'manifest.signed', stageId: 's1', version: 1, signature: sign(A, 'party', manifestH) },
    ]);
    // A records "started" and sends it; M accepts the file without applying it (as if it crashed).
    const events: ExchangeEvent[] = [
      { kind: 'stage.started', stageId: 's1', at: '2025-06-01T06:00:00.000Z' },
    ];
    const pkg = await a.database.transaction(async (tx) => {
      await recordExchangeEvents(a.ctx, tx, X, events);
      return sendPackage(a.ctx, tx, {
        type: 'exchange.events',
        version: 1,
        recipients: [b.identity.name, m.identity.name],
        payload: { exchangeId: X, events: events as unknown as JsonValue },
      });
    });
    const to = (n: DemoNode) => pkg.all.find((p) => p.recipient === n.identity.name)!.bytes;
    expect((await deliver(b, to(b))).application.status).toBe('applied');
    await m.database.transaction((tx) => acceptPackages(m.ctx, tx, [to(m)]));
    expect(getStage(await stateOn(m, X), 's1').status).toBe('manifest_locked');
    const applied = await applyPendingPackages(m.database, nodeContext(m.identity, 'apply-package'));
    expect(applied.map((x) => [x.type, x.status])).toEqual([['exchange.events', 'applied']]);
    expect(getStage(await stateOn(m, X), 's1').status).toBe('in_progress');
    expect(await applyPendingPackages(m.database, nodeContext(m.identity, 'apply-package'))).toEqual([]);
    await expectSameStreams(X);
  });
});

/** Log entries of every kind but `records` (the record commitments a change adds besides its own). */
async function loggedOtherThanRecords(n: DemoNode): Promise<number> {
  const row = await n.database.db
    .selectFrom('log_entries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('kind', '<>', 'records')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function logSize(n: DemoNode): Promise<number> {
  const row = await n.database.db
    .selectFrom('log_head')
    .select('size')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.size);
}

describe('lists between nodes', () => {
  const X = 'e2e-lists';
  const secret = 'SYNTHETIC-SECRET-CONTACT';
  let ourVersion = '';
  let sentBytes = '';

  beforeAll(async () => {
    await newExchange(X, 10);
    const { a, b } = net;
    // Party A asks for three of its servicemembers; Party B's registry knows one of them.
    const rng = createRng(42);
    const people = [1, 2, 3].map((i) => generatePerson(rng, i).input);
    const ids = await a.database.transaction(async (tx) => {
      const out: string[] = [];
      for (const p of people)
        out.push(
          (
            await registerPerson(a.ctx, tx, {
              ...p,
              category: 'servicemember',
              contacts: [{ name: 'Demo Contact', relation: 'мати', phone: `+380 00 000 0000 ${secret}` }],
              health: [{ flag: 'seriously wounded', determination: `${secret} physician` }],
            })
          ).id,
        );
      return out;
    });
    await b.database.transaction((tx) =>
      registerPerson(b.ctx, tx, { ...people[0]!, category: 'servicemember' }),
    );
    const v = await a.database.transaction(async (tx) => {
      const created = await createListVersion(a.ctx, tx, {
        exchangeId: X,
        kind: 'our_request',
        createdAt: '2025-05-17T09:00:00.000Z',
        entries: ids.map((id, i) => ({
          id: `req-${i}`,
          subject: { kind: 'registry' as const, personId: id },
          category: 'military',
        })),
      });
      return signListVersion(a.ctx, tx, X, created.id);
    });
    ourVersion = v.id;
  }, 120_000);

  it("sends A's signed request to B and the Mediator: B holds it as their request, matched and flagged; no restricted field left A", async () => {
    const { a, b, m } = net;
    const sent = await a.database.transaction((tx) => sendListVersion(a.ctx, tx, X, ourVersion));
    expect(sent.recipients.sort()).toEqual([b.identity.name, m.identity.name].sort());
    const bytesTo = (n: DemoNode) => sent.packages.find((p) => p.recipient === n.identity.name)!.bytes;
    sentBytes = Buffer.from(bytesTo(b)).toString('utf8');
    for (const n of [b, m]) {
      const text = Buffer.from(bytesTo(n)).toString('utf8');
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/\+380|physician|seriously wounded/);
    }
    // One package to each, over HTTP (sendListVersion only signs and logs; the outbox delivers).
    for (const n of [b, m]) {
      const r = await deliver(n, bytesTo(n));
      expect(r.application.status).toBe(n === m ? 'kept' : 'applied');
    }
    const theirs = (await listListVersions(b.database.db, b.ctx, X)).filter(
      (v) => v.kind === 'their_request',
    );
    expect(theirs.map((v) => [v.owner, v.version, v.entryCount, v.signed])).toEqual([[A, 1, 3, true]]);
    const detail = await loadListVersion(b.database.db, b.ctx, X, theirs[0]!.id);
    const flags = detail.entries.map((e) => e.flags.filter((f) => f === 'matched' || f === 'unknown'));
    expect(flags).toEqual([['matched'], ['unknown'], ['unknown']]);
    expect(detail.entries.map((e) => e.nomination.subject.kind)).toEqual([
      'counterpart',
      'counterpart',
      'counterpart',
    ]);
    expect((await listListVersions(m.database.db, m.ctx, X).catch(() => [])).length).toBe(0);
  });

  it("B's answers come back to A's version by its hash and A's nomination ids", async () => {
    const { a, b } = net;
    const theirs = (await listListVersions(b.database.db, b.ctx, X)).find((v) => v.kind === 'their_request')!;
    const sent = await b.database.transaction(async (tx) => {
      await recordListResponses(b.ctx, tx, X, theirs.id, {
        responder: B,
        entries: [
          { nominationId: 'row-2', response: 'accepted' },
          { nominationId: 'row-3', response: 'not_held' },
        ],
      });
      return sendListResponses(b.ctx, tx, X, theirs.id);
    });
    expect(sent.count).toBe(2);
    for (const n of [a, net.m]) {
      const pkg = sent.packages.find((p) => p.recipient === n.identity.name)!;
      expect((await deliver(n, pkg.bytes)).application.status).toBe(n === a ? 'applied' : 'kept');
    }
    const ours = await loadListVersion(a.database.db, a.ctx, X, ourVersion);
    expect(ours.entries.map((e) => [e.nomination.id, e.response])).toEqual([
      ['req-0', 'accepted'],
      ['req-1', 'not_held'],
      ['req-2', null],
    ]);
  });

  it('refuses a list a node sends as if another party owned it', async () => {
    const { a, b } = net;
    const row = JSON.parse(sentBytes) as { payload: { list: { owner: string } } };
    const forged = { ...row.payload, list: { ...row.payload.list, owner: B } };
    const bytes = await a.database.transaction(async (tx) =>
      sendPackage(a.ctx, tx, {
        type: 'list.version',
        version: 1,
        recipients: [b.identity.name],
        payload: forged as unknown as JsonValue,
      }),
    );
    expect((await deliver(b, bytes.bytes)).application).toMatchObject({
      status: 'refused',
      code: 'KEY_NOT_PINNED_FOR_AGREEMENT',
    });
    const theirs = (await listListVersions(b.database.db, b.ctx, X)).filter((v) =>
      v.kind.startsWith('their'),
    );
    expect(theirs.length).toBe(1);
  });

  it('accepts a list whose record has an impossible birth date: kept as written, flagged impossible_date', async () => {
    const { a, b, m } = net;
    const record = {
      source: { fileSha256: 'ab'.repeat(32), row: 2 },
      fields: { id: 'P-1', family_name: 'Синтетичний', given_name: 'Тест', birth_date: '1938-11-31' },
    };
    const sent = await a.database.transaction(async (tx) => {
      const created = await createListVersion(a.ctx, tx, {
        exchangeId: X,
        kind: 'our_offer',
        createdAt: '2025-05-18T09:00:00.000Z',
        entries: [{ id: 'off-0', subject: { kind: 'counterpart' as const, record }, category: 'military' }],
      });
      await signListVersion(a.ctx, tx, X, created.id);
      return sendListVersion(a.ctx, tx, X, created.id);
    });
    for (const n of [b, m]) {
      const bytes = sent.packages.find((p) => p.recipient === n.identity.name)!.bytes;
      expect((await deliver(n, bytes)).application.status).toBe(n === m ? 'kept' : 'applied');
    }
    const offer = (await listListVersions(b.database.db, b.ctx, X)).find((v) => v.kind === 'their_offer')!;
    const detail = await loadListVersion(b.database.db, b.ctx, X, offer.id);
    expect(detail.flagCounts.impossible_date).toBe(1);
    expect(detail.entries[0]!.flags).toContain('impossible_date');
    const subject = detail.entries[0]!.nomination.subject;
    expect(subject.kind === 'counterpart' && subject.record.fields.birth_date).toBe('1938-11-31');
  });
});

describe("what a node's screens record reaches the other nodes", () => {
  const X = 'e2e-outbox';

  beforeAll(async () => {
    const state = await newExchange(X, 10);
    const entries = [...lines('ob', A, 'military', 2), ...lines('obb', B, 'military', 2)];
    await openStage(
      net.submit(X),
      state,
      's1',
      '2025-06-02',
      [
        { direction: A, category: 'military', count: 2 },
        { direction: B, category: 'military', count: 2 },
      ],
      entries,
    );
  }, 60_000);

  const handover = (entryId: string, at: string) =>
    net.a.database.transaction((tx) =>
      recordHandover(net.a.ctx, tx, X, 's1', {
        entryId,
        identityCheck: { method: 'document', result: 'confirmed' },
        willingness: 'willing',
        fitness: 'fit',
        outcome: 'handed_over',
        crossedAt: at,
        discrepancies: [],
      }),
    );

  it('signs a package for each handover recorded on the board and delivers it, in order, retrying an unreachable peer', async () => {
    const { a, m } = net;
    // The Mediator's node is unreachable for a while.
    await a.database.transaction((tx) => setPeer(a.ctx, tx, m.identity.name, 'http://127.0.0.1:9'));
    await handover('ob-0', '2025-06-02T08:00:00.000Z');
    await handover('ob-1', '2025-06-02T08:01:00.000Z');
    const first = await deliverOutbox(a.database, nodeContext(a.identity, 'deliver-outbox'));
    expect(first.delivered).toBe(2); // both to Party B
    expect(first.failed).toEqual([
      { recipient: m.identity.name, reason: expect.stringMatching(/^unreachable/) },
    ]);
    const [ha, hb, hm] = await net.heads(X);
    expect(hb).toEqual(ha);
    expect(hm!.seq).toBe(ha!.seq - 2);
    // Back online: the two packages arrive in order and the streams agree.
    await a.database.transaction((tx) => setPeer(a.ctx, tx, m.identity.name, m.url));
    expect(await deliverOutbox(a.database, nodeContext(a.identity, 'deliver-outbox'))).toEqual({
      delivered: 2,
      failed: [],
    });
    expect(await deliverOutbox(a.database, nodeContext(a.identity, 'deliver-outbox'))).toEqual({
      delivered: 0,
      failed: [],
    });
    await expectSameStreams(X);
    const st = getStage(await stateOn(m, X), 's1');
    expect(st.records.map((r) => r.entryId)).toEqual(['ob-0', 'ob-1']);
    const attempts = await a.database.db
      .selectFrom('package_deliveries')
      .select(['recipient', 'status'])
      .where('recipient', '=', m.identity.name)
      .orderBy('id')
      .execute();
    expect(attempts.map((x) => x.status).slice(-3)).toEqual(['failed', 'delivered', 'delivered']);
  });

  it('carries packages as files to a node that cannot be reached, in order, and does not send them again', async () => {
    const { a, m } = net;
    await a.database.transaction((tx) => setPeer(a.ctx, tx, m.identity.name, 'http://127.0.0.1:9'));
    await handover('obb-0', '2025-06-02T08:02:00.000Z');
    await deliverOutbox(a.database, nodeContext(a.identity, 'deliver-outbox')); // reaches Party B; the Mediator is away
    const files = await undelivered(a.ctx, a.database.db, m.identity.name);
    expect(files.map((f) => f.type)).toEqual(['exchange.events']);
    // On the Mediator's node: `homeward package accept FILE…` does this.
    await m.database.transaction((tx) =>
      acceptPackages(
        m.ctx,
        tx,
        files.map((f) => f.bytes),
      ),
    );
    await applyPendingPackages(m.database, nodeContext(m.identity, 'apply-package'));
    await markDelivered(
      a.ctx,
      a.database.db,
      m.identity.name,
      files.map((f) => f.hash),
      'hand-carried',
    );
    expect(await undelivered(a.ctx, a.database.db, m.identity.name)).toEqual([]);
    await a.database.transaction((tx) => setPeer(a.ctx, tx, m.identity.name, m.url));
    expect(await deliverOutbox(a.database, nodeContext(a.identity, 'deliver-outbox'))).toEqual({
      delivered: 0,
      failed: [],
    });
    await expectSameStreams(X);
  });

  it('is audited as the node and the peer that did the work, never as a made-up user', async () => {
    const { a, b } = net;
    await handover('obb-1', '2025-06-02T08:03:00.000Z');
    expect(await deliverOutbox(a.database, nodeContext(a.identity, 'deliver-outbox'))).toMatchObject({
      failed: [],
    });
    const rows = async (n: DemoNode, action: string) =>
      n.database.db
        .selectFrom('audit_events')
        .select(['actor_kind', 'actor_name', 'actor_id'])
        .distinct()
        .where('action', '=', action)
        .execute();
    const aKey = `${(await loadLogKeys(a.database.db)).signer.name}+`;
    // On A: the operator records the handover; the node signs what it shares and delivers it.
    expect(await rows(a, 'exchange.events_recorded')).toContainEqual(
      expect.objectContaining({ actor_kind: 'operator' }),
    );
    expect(await rows(a, 'package.sent')).toContainEqual({
      actor_kind: 'node',
      actor_name: `node:${a.identity.name}/share-events`,
      actor_id: null,
    });
    expect(await rows(a, 'package.delivered')).toEqual([
      { actor_kind: 'node', actor_name: `node:${a.identity.name}/deliver-outbox`, actor_id: null },
    ]);
    // On B: A's package accepted as the peer A (its key pinned under the agreement), applied by B's node.
    const accepted = await rows(b, 'package.accepted');
    expect(accepted).toContainEqual(expect.objectContaining({ actor_kind: 'peer', actor_id: null }));
    expect(accepted.some((r) => r.actor_kind === 'peer' && r.actor_name.startsWith(`peer:${aKey}`))).toBe(
      true,
    );
    expect(await rows(b, 'exchange.events_recorded')).toContainEqual({
      actor_kind: 'node',
      actor_name: `node:${b.identity.name}/apply-package`,
      actor_id: null,
    });
    // Nowhere does system work pose as a user or a coordinator at the shell.
    for (const n of net.nodes) {
      const made = await n.database.db
        .selectFrom('audit_events')
        .select('actor_name')
        .where((eb) =>
          eb.or([
            eb('actor_name', 'like', 'cli:outbox%'),
            eb('actor_name', '=', 'cli:peer-inbox'),
            eb('actor_kind', 'is', null),
          ]),
        )
        .execute();
      expect(made, n.label).toEqual([]);
    }
  });
});

describe('agreeing across nodes', () => {
  const X = 'e2e-agree';
  const draft = () =>
    ({
      ...numericAgreement(20, { id: 'agr-e2e-agree', title: 'test agreeing' }),
      signatures: [],
    }) as Agreement;

  it('refuses to propose before every signer’s key is pinned for the agreement, naming who is missing', async () => {
    const { a } = net;
    const e = await a.database
      .transaction((tx) => proposeAgreement(a.ctx, tx, { exchangeId: X, agreement: draft() }))
      .catch((x: unknown) => x);
    expect(isDomainError(e) && e.code).toBe('VALIDATION_FAILED');
    expect((e as Error).message).toBe(
      'no key pinned under agreement agr-e2e-agree for party-a, party-b, mediator-m: pin them first',
    );
  });

  it('collects the signatures from each node, refuses one sent in another signer’s name, and starts when all are held', async () => {
    const { a, b, m } = net;
    for (const n of net.nodes)
      for (const o of net.nodes)
        await n.database.transaction((tx) =>
          pinAgreementKey(n.ctx, tx, {
            agreementId: 'agr-e2e-agree',
            signer: o.party,
            role: roleOf(o.party),
            vkey: o.identity.verifierKey,
          }),
        );
    const proposed = await a.database.transaction((tx) =>
      proposeAgreement(a.ctx, tx, { exchangeId: X, agreement: draft() }),
    );
    expect(proposed).toMatchObject({ proposedBy: A, awaiting: [A, B, M], started: false });
    await deliverOutbox(a.database, nodeContext(a.identity, 'deliver-outbox'));
    await b.database.transaction((tx) => signAgreementVersion(b.ctx, tx, X));
    await deliverOutbox(b.database, nodeContext(b.identity, 'deliver-outbox'));
    expect(await agreementStatus(m.ctx, m.database.db, X)).toMatchObject({
      awaiting: [A, M],
      started: false,
    });
    // Party B's node sends a "signature of the Mediator" made with B's key: refused on A and M.
    const forged = signWith((await loadLogKeys(b.database.db)).signer, {
      signer: M,
      role: 'mediator',
      contentHash: proposed.agreementHash,
      signedAt: '2025-05-16T12:00:00.000Z',
    });
    await net.send(b, 'agreement.signature', {
      exchangeId: X,
      agreementId: 'agr-e2e-agree',
      agreementHash: proposed.agreementHash,
      signature: forged as unknown as JsonValue,
    });
    for (const n of [a, m]) {
      const last = await n.database.db
        .selectFrom('package_applications')
        .select(['status', 'message'])
        .orderBy('log_index', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      expect(last).toEqual({
        status: 'refused',
        message: 'agreement signature: a signature of mediator-m sent with the key of party-b',
      });
    }
    expect(await agreementStatus(a.ctx, a.database.db, X)).toMatchObject({
      awaiting: [A, M],
      started: false,
    });
    await a.database.transaction((tx) => signAgreementVersion(a.ctx, tx, X));
    await deliverOutbox(a.database, nodeContext(a.identity, 'deliver-outbox'));
    await m.database.transaction((tx) => signAgreementVersion(m.ctx, tx, X));
    await deliverOutbox(m.database, nodeContext(m.identity, 'deliver-outbox'));
    for (const n of net.nodes)
      expect(await agreementStatus(n.ctx, n.database.db, X)).toMatchObject({ awaiting: [], started: true });
    // Signing twice is refused.
    const again = await b.database
      .transaction((tx) => signAgreementVersion(b.ctx, tx, X))
      .catch((x: unknown) => x);
    expect(isDomainError(again) && again.code).toBe('CONFLICT');
    expect(await stateOn(m, X)).toMatchObject({ agreement: { id: 'agr-e2e-agree' } });
  });
});

describe('a substitution approved by both parties from their own nodes', () => {
  const X = 'e2e-substitute';

  beforeAll(async () => {
    const state = await newExchange(X, 10);
    const entries = [...lines('sa', A, 'military', 2), ...lines('sar', A, 'military', 1, { reserve: true })];
    await openStage(
      net.submit(X),
      state,
      's1',
      '2025-06-03',
      [{ direction: A, category: 'military', count: 2 }],
      entries,
    );
    // A wrong person is presented on line sa-0.
    await net.submit(X)(A, [
      { kind: 'handover.recorded', record: wrongPerson('s1', 'sa-0', '2025-06-03T08:00:00.000Z') },
    ]);
  }, 60_000);

  it('is proposed on one node, approved on the other, recorded once, and held by all three', async () => {
    const { a, b, m } = net;
    const proposed = await a.database.transaction((tx) =>
      proposeSubstitution(a.ctx, tx, X, 's1', {
        replaces: 'sa-0',
        by: 'sar-0',
        reason: 'wrong_person_presented',
      }),
    );
    expect(proposed).toMatchObject({ approvedBy: [A], awaiting: [B], canApprove: false });
    await deliverOutbox(a.database, nodeContext(a.identity, 'deliver-outbox'));
    const onB = await pendingSubstitutions(b.database.db, b.ctx, X, 's1');
    expect(onB).toMatchObject([
      { substitutionId: proposed.substitutionId, approvedBy: [A], canApprove: true },
    ]);
    // The Mediator cannot approve a substitution; a second approval by A is refused.
    await expect(
      m.database.transaction((tx) => approveSubstitution(m.ctx, tx, X, proposed.substitutionId)),
    ).rejects.toMatchObject({ details: { violation: 'NOT_A_SIGNER' } });
    await expect(
      a.database.transaction((tx) => approveSubstitution(a.ctx, tx, X, proposed.substitutionId)),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const r = await b.database.transaction((tx) =>
      approveSubstitution(b.ctx, tx, X, proposed.substitutionId),
    );
    expect(r).toEqual({ recorded: true });
    await deliverOutbox(b.database, nodeContext(b.identity, 'deliver-outbox'));
    await expectSameStreams(X);
    for (const n of net.nodes) {
      const st = getStage(await stateOn(n, X), 's1');
      expect(substitutionChain(st, 'sa-0')).toEqual(['sa-0', 'sar-0']);
      expect(st.substitutions[0]!.approvals.map((s) => s.signer)).toEqual([A, B]);
    }
    expect(await pendingSubstitutions(a.database.db, a.ctx, X, 's1')).toEqual([]);
  });

  it('refuses a proposal the stage does not allow, before anything is signed or sent', async () => {
    const { a } = net;
    const size = await logSize(a);
    await expect(
      a.database.transaction((tx) =>
        proposeSubstitution(a.ctx, tx, X, 's1', { replaces: 'sa-1', by: 'sar-0', reason: 'withdrawn' }),
      ),
    ).rejects.toMatchObject({ details: { violation: 'UNKNOWN_REFERENCE' } }); // sar-0 is used already
    expect(await logSize(a)).toBe(size);
  });
});

describe("a category agreement: the counterpart's list of 640 names", () => {
  const X = 'e2e-640';
  type Kind = 'young' | 'too_old' | 'released';
  const pad = (n: number) => String(n).padStart(2, '0');
  const people: {
    id: string;
    kind: Kind;
    family: string;
    given: string;
    patronymic: string;
    birth: string;
    sn: string;
  }[] = [];
  /** Names of 40 more synthetic people, not in A's registry. */
  let others: { family: string; given?: string | null; patronymic?: string | null }[] = [];

  beforeAll(async () => {
    const { a } = net;
    await net.agree(
      X,
      { ...categoryAgreement(), id: 'agr-e2e-640', signatures: [] } as Agreement,
      '2025-06-02T12:00:00.000Z',
    );
    // Party A's registry: 500 servicemembers aged 18–25 on 2025-06-02, 50 older, 50 young already released.
    const source = [...generatePersons(640640, 1400)].filter((p) => p.input.names[0]?.script === 'Cyrl');
    others = source.slice(700, 740).map((p) => p.input.names[0]!);
    const kinds: Kind[] = [
      ...Array<Kind>(500).fill('young'),
      ...Array<Kind>(50).fill('too_old'),
      ...Array<Kind>(50).fill('released'),
    ];
    const stored = kinds.map((kind, i) => {
      const n = source[i]!.input.names[0]!;
      const d = `${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`;
      const birth = kind === 'too_old' ? `${1975 + (i % 10)}-${d}` : `${2001 + (i % 5)}-${d}`;
      const p = {
        id: randomUUID(),
        kind,
        family: n.family,
        given: n.given ?? '',
        patronymic: n.patronymic ?? '',
        birth,
        sn: `SN${700000 + i}`,
      };
      people.push(p);
      return {
        id: p.id,
        events: [],
        input: PersonInputSchema.parse({
          names: [{ script: 'Cyrl', lang: 'uk', family: p.family, given: p.given, patronymic: p.patronymic }],
          sex: 'male',
          birth: { date: birth, precision: 'day' },
          category: 'servicemember',
          military: { serviceNumber: p.sn },
        }),
      };
    });
    await a.database.transaction(async (tx) => {
      await storeNewPersons(a.ctx, tx, stored, 'test');
      // Fixture shortcut: released in an earlier exchange, as their fate status says.
      await tx
        .updateTable('persons')
        .set({ fate_status: 'released_in_exchange' })
        .where(
          'id',
          'in',
          people.filter((p) => p.kind === 'released').map((p) => p.id),
        )
        .execute();
    });
  }, 240_000);

  it("reaches A as a signed package from B, every entry flagged, and the disputed ones in A's dossier", async () => {
    const { a, b } = net;
    const cells = (p: (typeof people)[number], id: string) => ({
      id,
      family_name: p.family,
      given_name: p.given,
      patronymic: p.patronymic,
      birth_date: p.birth,
      service_number: p.sn,
      person_category: 'servicemember',
    });
    // B's offer: the 600, and 40 people A's registry does not know; B's own records, kept verbatim.
    const strangers = others.map((n, i) => ({
      ...people[0]!,
      family: n.family,
      given: n.given ?? '',
      patronymic: n.patronymic ?? '',
      birth: `2004-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`,
      sn: `ZZ${900000 + i}`,
    }));
    const offered = [
      ...people.map((p, i) => cells(p, `B-${i + 1}`)),
      ...strangers.map((p, i) => cells(p, `S-${i + 1}`)),
    ];
    expect(offered).toHaveLength(640);
    const listVersion = await b.database.transaction(async (tx) => {
      const v = await createListVersion(b.ctx, tx, {
        exchangeId: X,
        kind: 'our_offer',
        createdAt: '2025-06-05T09:00:00.000Z',
        entries: offered.map((f, i) => ({
          id: `offer-${i + 1}`,
          subject: {
            kind: 'counterpart' as const,
            record: { source: { fileSha256: 'ab'.repeat(32), row: i + 2 }, fields: f },
          },
          category: 'young',
        })),
      });
      await signListVersion(b.ctx, tx, X, v.id);
      return sendListVersion(b.ctx, tx, X, v.id);
    });
    for (const n of [a, net.m]) {
      const p = listVersion.packages.find((x) => x.recipient === n.identity.name)!;
      expect((await deliver(n, p.bytes)).application.status).toBe(n === a ? 'applied' : 'kept');
    }
    const theirs = (await listListVersions(a.database.db, a.ctx, X)).find((v) => v.kind === 'their_offer')!;
    expect(theirs).toMatchObject({ owner: B, entryCount: 640, signed: true });
    const detail = await loadListVersion(a.database.db, a.ctx, X, theirs.id);
    expect(detail.flagCounts).toMatchObject({
      matched: 600,
      unknown: 40,
      ineligible_for_category: 50,
      already_released: 50,
    });
    const flagsOf = (i: number) => detail.entries[i]!.flags;
    expect(flagsOf(0)).toEqual(['matched']);
    expect(flagsOf(500)).toEqual(['matched', 'ineligible_for_category']);
    expect(flagsOf(550)).toEqual(['matched', 'already_released']);
    expect(flagsOf(600)).toEqual(['unknown']);
    const html = await renderReport(a.ctx, a.database.db, { kind: 'dossier', exchangeId: X });
    const disputed = [...html.matchAll(/data-list-entry="([^"]+)"/g)].map((m) => m[1]);
    expect(disputed).toHaveLength(140); // 50 ineligible + 50 already released + 40 unknown
    expect(html).toContain('<code>already_released</code>');
    expect(html).toContain('<code>ineligible_for_category</code>');
  }, 120_000);
});

describe("a stage planned and its manifest locked from the parties' own nodes", () => {
  const X = 'e2e-plan';

  it('plans on A, signs the manifest on A and on B, starts, and every node holds the locked manifest', async () => {
    const { a, b, m } = net;
    await newExchange(X, 10);
    await a.database.transaction((tx) =>
      planStage(a.ctx, tx, X, {
        stageId: 's1',
        date: '2025-06-10',
        crossingPoint: 'crossing-1',
        planned: [
          { direction: A, category: 'military', count: 2 },
          { direction: B, category: 'military', count: 2 },
        ],
      }),
    );
    const proposed = await a.database.transaction((tx) =>
      proposeManifest(a.ctx, tx, X, 's1', {
        entries: [...lines('pl', A, 'military', 2), ...lines('plb', B, 'military', 2)],
      }),
    );
    expect(proposed).toMatchObject({ version: 1, status: 'planned' });
    await a.database.transaction((tx) =>
      signManifest(a.ctx, tx, X, 's1', 1, { expectedHash: proposed.manifestHash }),
    );
    await deliverOutbox(a.database, nodeContext(a.identity, 'deliver-outbox'));
    // B signs what it holds; a hash it was not shown is refused, and so is the Mediator's signature.
    await expect(
      b.database.transaction((tx) => signManifest(b.ctx, tx, X, 's1', 1, { expectedHash: 'ab'.repeat(32) })),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(m.database.transaction((tx) => signManifest(m.ctx, tx, X, 's1', 1))).rejects.toMatchObject({
      details: { violation: 'NOT_A_SIGNER' },
    });
    const locked = await b.database.transaction((tx) =>
      signManifest(b.ctx, tx, X, 's1', 1, { expectedHash: proposed.manifestHash }),
    );
    expect(locked.status).toBe('manifest_locked');
    await deliverOutbox(b.database, nodeContext(b.identity, 'deliver-outbox'));
    await a.database.transaction((tx) => startStage(a.ctx, tx, X, 's1'));
    await deliverOutbox(a.database, nodeContext(a.identity, 'deliver-outbox'));
    await expectSameStreams(X);
    for (const n of net.nodes) {
      const st = getStage(await stateOn(n, X), 's1');
      expect(st.status).toBe('in_progress');
      expect(st.manifestSignatures[0]!.map((s) => s.signer)).toEqual([A, B]);
    }
  });
});
