import { describe, expect, it } from 'vitest';
import { agreementHash, amendAgreement, signAgreement } from './agreement.ts';
import { violationOf } from './errors.ts';
import { manifestHash } from './handover.ts';
import {
  admitExchangeEvent,
  type ExchangeEvent,
  type ExchangeState,
  getStage,
  replayExchange,
  startExchange,
} from './operation.ts';
import { agreementWarnings, stageWarnings } from './rules.ts';
import { availableStageActions, StageStatuses, stageTransitions } from './stage.ts';
import {
  A,
  apply,
  B,
  exception,
  handedOver,
  handOverAll,
  lines,
  lockManifest,
  M,
  notPresented,
  numericAgreement,
  plan,
  reconcileAndConfirm,
  sign,
  wrongPerson,
} from './testing.ts';

const violationIn = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return violationOf(e);
  }
  return undefined;
};

const agreement = numericAgreement(10);
const twoEach = plan('s1', '2025-05-23', [
  { direction: A, category: 'military', count: 2 },
  { direction: B, category: 'military', count: 2 },
]);
const entries = [...lines('a', A, 'military', 2), ...lines('b', B, 'military', 2)];
const started = (s: ExchangeState) =>
  apply(s, { kind: 'stage.started', stageId: 's1', at: '2025-05-23T06:00:00.000Z' });

describe('the stage state machine', () => {
  it('is a table: every state lists its actions, terminal states none', () => {
    expect(Object.keys(stageTransitions).sort()).toEqual([...StageStatuses].sort());
    expect(availableStageActions('confirmed')).toEqual([]);
    expect(availableStageActions('cancelled')).toEqual([]);
    expect(availableStageActions('in_progress')).toContain('record_handover');
    expect(availableStageActions('planned')).not.toContain('record_handover');
  });

  it('runs planned → manifest_locked → in_progress → reconciled → confirmed', () => {
    let s = apply(startExchange(agreement), twoEach);
    expect(getStage(s, 's1').status).toBe('planned');
    s = lockManifest(s, 's1', entries);
    expect(getStage(s, 's1').status).toBe('manifest_locked');
    s = started(s);
    expect(getStage(s, 's1').status).toBe('in_progress');
    s = handOverAll(
      s,
      's1',
      entries.map((e) => e.id),
      '2025-05-23T08:00:00.000Z',
    );
    s = reconcileAndConfirm(s, 's1');
    expect(getStage(s, 's1').status).toBe('confirmed');
    expect(violationIn(() => apply(s, { kind: 'stage.cancelled', stageId: 's1', reason: 'late' }))).toBe(
      'STAGE_TRANSITION',
    );
  });

  it('does not lock a manifest on one party’s signature, nor start a stage without a lock', () => {
    let s = apply(startExchange(agreement), twoEach);
    expect(violationIn(() => started(s))).toBe('STAGE_TRANSITION');
    s = lockManifest(s, 's1', entries);
    const v2 = {
      stageId: 's1',
      version: 2,
      parentHash: manifestHash(getStage(s, 's1').manifests[0]!),
      reasons: null,
      entries: entries.slice(1),
    };
    expect(violationIn(() => apply(s, { kind: 'manifest.proposed', manifest: v2 }))).toBe(
      'INCONSISTENT_RECORD',
    );
    s = apply(s, {
      kind: 'manifest.proposed',
      manifest: { ...v2, reasons: 'one person withdrawn by agreement' },
    });
    const h = manifestHash(getStage(s, 's1').manifests[1]!);
    s = apply(s, { kind: 'manifest.signed', stageId: 's1', version: 2, signature: sign(A, 'party', h) });
    // Version 1 stays locked until the counterpart signs version 2; the day cannot start meanwhile.
    expect(getStage(s, 's1').lockedVersion).toBe(1);
    expect(violationIn(() => started(s))).toBe('STAGE_TRANSITION');
    s = apply(s, { kind: 'manifest.signed', stageId: 's1', version: 2, signature: sign(B, 'party', h) });
    expect(getStage(s, 's1').lockedVersion).toBe(2);
    expect(getStage(s, 's1').manifests[0]!.entries).toHaveLength(4);
  });

  it('refuses a handover off the manifest unless both parties approved an exception (invariant 2)', () => {
    let s = started(lockManifest(apply(startExchange(agreement), twoEach), 's1', entries));
    expect(
      violationIn(() =>
        apply(s, { kind: 'handover.recorded', record: handedOver('s1', 'z-0', '2025-05-23T08:00:00.000Z') }),
      ),
    ).toBe('OFF_MANIFEST');
    const entry = { ...lines('z', A, 'military', 1)[0]!, eligibility: 'true' as const };
    const x = exception({ id: 'x1', stageId: 's1', entry, reason: 'agreed at the crossing' });
    if (x.kind !== 'exception.approved') throw new Error('unreachable');
    expect(violationIn(() => apply(s, { ...x, exception: { ...x.exception, approvals: [] } }))).toBe(
      'NOT_A_SIGNER',
    );
    s = apply(s, x, {
      kind: 'handover.recorded',
      record: handedOver('s1', 'z-0', '2025-05-23T08:00:00.000Z'),
    });
    expect(s.crossings.map((c) => c.personRef)).toEqual(['person:z-0']);
  });

  it('keeps one current record per line; corrections supersede and recount', () => {
    let s = started(lockManifest(apply(startExchange(agreement), twoEach), 's1', entries));
    const first = notPresented('s1', 'a-0');
    s = apply(s, { kind: 'handover.recorded', record: first });
    expect(
      violationIn(() =>
        apply(s, { kind: 'handover.recorded', record: handedOver('s1', 'a-0', '2025-05-23T09:00:00.000Z') }),
      ),
    ).toBe('RECORD_EXISTS');
    s = apply(s, {
      kind: 'handover.recorded',
      record: { ...handedOver('s1', 'a-0', '2025-05-23T09:00:00.000Z'), supersedes: first.id },
    });
    expect(s.crossings).toHaveLength(1);
  });

  it('refuses a record inconsistent in itself', () => {
    const s = started(lockManifest(apply(startExchange(agreement), twoEach), 's1', entries));
    const bad = {
      ...wrongPerson('s1', 'a-0'),
      outcome: 'handed_over' as const,
      crossedAt: '2025-05-23T08:00:00.000Z',
    };
    expect(violationIn(() => apply(s, { kind: 'handover.recorded', record: bad }))).toBe(
      'INCONSISTENT_RECORD',
    );
  });

  it('puts a person on one open line at a time across stages (invariant 1)', () => {
    let s = lockManifest(apply(startExchange(agreement), twoEach), 's1', entries);
    s = apply(s, plan('s2', '2025-05-24', [{ direction: A, category: 'military', count: 1 }]));
    // A stage id is used once: another meaning than one person twice.
    expect(violationIn(() => apply(s, plan('s2', '2025-05-25', [])))).toBe('DUPLICATE_ID');
    expect(violationIn(() => lockManifest(s, 's2', lines('a', A, 'military', 1)))).toBe('DUPLICATE_PERSON');
    // Once the line has a record (not presented), the person may be planned again.
    s = apply(started(s), { kind: 'handover.recorded', record: notPresented('s1', 'a-0') });
    expect(getStage(lockManifest(s, 's2', lines('a', A, 'military', 1)), 's2').status).toBe(
      'manifest_locked',
    );
  });

  it('cancels only before anyone crossed', () => {
    let s = started(lockManifest(apply(startExchange(agreement), twoEach), 's1', entries));
    s = apply(s, { kind: 'handover.recorded', record: handedOver('s1', 'a-0', '2025-05-23T08:00:00.000Z') });
    expect(violationIn(() => apply(s, { kind: 'stage.cancelled', stageId: 's1', reason: 'shelling' }))).toBe(
      'STAGE_TRANSITION',
    );
  });

  it('needs both parties and a mediator witness over the same reconciliation', () => {
    let s = started(lockManifest(apply(startExchange(agreement), twoEach), 's1', entries));
    s = handOverAll(
      s,
      's1',
      entries.map((e) => e.id),
      '2025-05-23T08:00:00.000Z',
    );
    s = apply(s, { kind: 'stage.reconciled', stageId: 's1', at: '2025-05-23T18:00:00.000Z' });
    expect(
      violationIn(() =>
        apply(s, {
          kind: 'stage.confirmation_signed',
          stageId: 's1',
          signature: sign(A, 'party', '0'.repeat(64)),
        }),
      ),
    ).toBe('HASH_MISMATCH');
    expect(
      violationIn(() =>
        apply(s, {
          kind: 'stage.confirmation_signed',
          stageId: 's1',
          signature: sign(M, 'party', '0'.repeat(64)),
        }),
      ),
    ).toBe('HASH_MISMATCH');
  });

  it('replays a stored stream to the same state, and names the first event that does not fit', () => {
    const events: ExchangeEvent[] = [
      twoEach,
      { kind: 'stage.started', stageId: 's1', at: '2025-05-23T06:00:00.000Z' },
    ];
    const r = replayExchange(agreement, events);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.at).toBe(1);
    expect(replayExchange(agreement, [twoEach]).ok).toBe(true);
  });

  it('starts only under an agreement in force', () => {
    const draft = amendAgreement(agreement, 'more', {});
    expect(violationIn(() => startExchange(draft))).toBe('STAGE_TRANSITION');
    const signedByA = signAgreement(draft, sign(A, 'party', agreementHash(draft)));
    expect(violationIn(() => startExchange(signedByA))).toBe('STAGE_TRANSITION');
  });

  it('refuses a direction a unilateral release does not have', () => {
    const uni = amendAgreement(agreement, 'made unilateral', {
      type: 'unilateral',
      releasingParty: B,
      ratioRules: [],
      targets: [],
    });
    const h = agreementHash(uni);
    const inForce = [sign(A, 'party', h), sign(B, 'party', h), sign(M, 'mediator', h)].reduce(
      signAgreement,
      uni,
    );
    const s = startExchange(inForce);
    expect(violationIn(() => admitExchangeEvent(s, twoEach))).toBe('UNKNOWN_REFERENCE');
  });
});

describe('rules', () => {
  it('warns when a category crossed before the last of a "first" category (ordering)', () => {
    const ordered = numericAgreement(10, {
      orderingRules: [{ id: 'civilians-first', first: 'civilian', after: 'military', scope: 'both' }],
    });
    let s = apply(
      startExchange(ordered),
      plan('s1', '2025-05-23', [
        { direction: A, category: 'military', count: 1 },
        { direction: A, category: 'civilian', count: 1 },
        { direction: B, category: 'military', count: 2 },
      ]),
    );
    const es = [
      ...lines('m', A, 'military', 1),
      ...lines('c', A, 'civilian', 1),
      ...lines('b', B, 'military', 2),
    ];
    s = started(lockManifest(s, 's1', es));
    s = handOverAll(s, 's1', ['m-0', 'c-0', 'b-0', 'b-1'], '2025-05-23T08:00:00.000Z');
    const ws = stageWarnings(ordered, getStage(s, 's1'));
    expect(ws.map((w) => w.id)).toEqual([`ordering:civilians-first:s1:${A}`]);
    expect(
      agreementWarnings(ordered, { stages: [getStage(s, 's1')], final: false }).map((w) => w.kind),
    ).toEqual(['ordering']);
  });

  it('warns on handovers whose category predicate failed or is unknown, one warning per category', () => {
    let s = apply(startExchange(agreement), twoEach);
    const es = entries.map((e, i) => ({
      ...e,
      eligibility: (['false', 'unknown', 'true', 'true'] as const)[i]!,
    }));
    s = started(lockManifest(s, 's1', es));
    s = handOverAll(
      s,
      's1',
      es.map((e) => e.id),
      '2025-05-23T08:00:00.000Z',
    );
    expect(stageWarnings(agreement, getStage(s, 's1')).map((w) => w.id)).toEqual([
      'category_breach:s1:military',
      'category_unverified:s1:military',
    ]);
  });

  it('checks targets at the end, and all-for-all against the accepted entries', () => {
    let s = started(lockManifest(apply(startExchange(agreement), twoEach), 's1', entries));
    s = handOverAll(
      s,
      's1',
      entries.map((e) => e.id),
      '2025-05-23T08:00:00.000Z',
    );
    const st = [getStage(s, 's1')];
    expect(agreementWarnings(agreement, { stages: st, final: false })).toEqual([]);
    expect(agreementWarnings(agreement, { stages: st, final: true }).map((w) => w.id)).toEqual([
      `target:${A}:*`,
      `target:${B}:*`,
    ]);
  });
});
