import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildBulletin, cellValue, verifyBulletin } from './bulletin.ts';
import { violationOf } from './errors.ts';
import { type ExchangeState, getStage, stages, startExchange } from './operation.ts';
import { P } from './predicate.ts';
import { reconcileStage } from './reconcile.ts';
import { agreementWarnings, stageWarnings } from './rules.ts';
import { substitutionChain } from './stage.ts';
import {
  A,
  apply,
  B,
  handedOver,
  handOverAll,
  lines,
  lockManifest,
  numericAgreement,
  plan,
  reconcileAndConfirm,
  refusedAtCrossing,
  substitution,
  testSalt,
  wrongPerson,
} from './testing.ts';

interface ScenarioStage {
  date: string;
  toUkraine: { total: number; military?: number; civilians?: number };
  toRussia: { total: number; military?: number; civilians?: number };
}
const MAY = JSON.parse(
  readFileSync(new URL('../../demo/scenarios/may-2025.json', import.meta.url), 'utf8'),
) as {
  agreement: { target: number };
  stages: ScenarioStage[];
  totals: { toUkraine: number; toRussia: number; toRussiaBreakdown: { military: number; civilians: number } };
};

/** Party A stands for the side the file calls Ukraine, party B for the other; people are synthetic. */
function split(side: ScenarioStage['toUkraine'], fallbackMilitary?: number) {
  const military = side.military ?? fallbackMilitary ?? side.total - (side.civilians ?? 0);
  return { military, civilian: side.total - military };
}

function runStage(state: ExchangeState, n: number, st: ScenarioStage): ExchangeState {
  const id = `stage-${n}`;
  const toA = split(st.toUkraine);
  // The file gives only a total to the other side on 24 May; the 880/120 breakdown of the totals
  // puts every civilian in the first stage, so the later stages are all military.
  const toB = split(
    st.toRussia,
    st.toRussia.civilians === undefined && st.toRussia.military === undefined ? st.toRussia.total : undefined,
  );
  const planned = [
    { direction: A, category: 'military', count: toA.military },
    { direction: A, category: 'civilian', count: toA.civilian },
    { direction: B, category: 'military', count: toB.military },
    { direction: B, category: 'civilian', count: toB.civilian },
  ];
  const entries = [
    ...lines(`a${n}m`, A, 'military', toA.military),
    ...lines(`a${n}c`, A, 'civilian', toA.civilian),
    ...lines(`b${n}m`, B, 'military', toB.military),
    ...lines(`b${n}c`, B, 'civilian', toB.civilian),
  ];
  let s = apply(state, plan(id, st.date, planned));
  s = lockManifest(s, id, entries);
  s = apply(s, { kind: 'stage.started', stageId: id, at: `${st.date}T06:00:00.000Z` });
  s = handOverAll(
    s,
    id,
    entries.map((e) => e.id),
    `${st.date}T08:00:00.000Z`,
  );
  return reconcileAndConfirm(s, id);
}

describe('the May 2025 exchange, at the pure level', () => {
  const agreement = numericAgreement(MAY.agreement.target);
  let state = startExchange(agreement);
  MAY.stages.forEach((st, i) => {
    state = runStage(state, i + 1, st);
  });

  it('confirms three stages with the scenario counts per direction and category', () => {
    expect(stages(state).map((s) => s.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    MAY.stages.forEach((st, i) => {
      const r = reconcileStage(getStage(state, `stage-${i + 1}`));
      expect(r.totals[A]!.handedOver).toBe(st.toUkraine.total);
      expect(r.totals[B]!.handedOver).toBe(st.toRussia.total);
      expect(r.totals[A]!.planned).toBe(st.toUkraine.total);
    });
    const s1 = reconcileStage(getStage(state, 'stage-1'));
    const cell = (d: string, c: string) =>
      s1.cells.find((x) => x.direction === d && x.category === c)!.handedOver;
    expect([cell(A, 'military'), cell(A, 'civilian'), cell(B, 'military'), cell(B, 'civilian')]).toEqual([
      270, 120, 270, 120,
    ]);
  });

  it('raises no warning: parity each day, targets met at the end', () => {
    for (const s of stages(state)) expect(stageWarnings(agreement, s)).toEqual([]);
    expect(agreementWarnings(agreement, { stages: stages(state), final: true })).toEqual([]);
  });

  it('publishes "1,000 for 1,000" as a bulletin anyone can recount', () => {
    const { bulletin, disclosures } = buildBulletin({ state, saltOf: testSalt });
    const m = (direction: string, cls: 'all' | 'military' | 'civilian') =>
      cellValue(bulletin.cumulative, { direction, exchange: 'in', subject: 'persons', class: cls });
    expect([m(A, 'all'), m(B, 'all')]).toEqual([MAY.totals.toUkraine, MAY.totals.toRussia]);
    expect([m(B, 'military'), m(B, 'civilian')]).toEqual([
      MAY.totals.toRussiaBreakdown.military,
      MAY.totals.toRussiaBreakdown.civilians,
    ]);
    expect([m(A, 'military'), m(A, 'civilian')]).toEqual([880, 120]);
    expect(
      bulletin.stages.map((s) =>
        cellValue(s.cells, { direction: A, exchange: 'in', subject: 'persons', class: 'all' }),
      ),
    ).toEqual(MAY.stages.map((s) => s.toUkraine.total));
    expect(verifyBulletin(bulletin, disclosures)).toEqual({ ok: true, problems: [] });
  });
});

describe('a non-parity day: three refuse at the crossing', () => {
  const agreement = numericAgreement(100);
  let state = startExchange(agreement);
  state = apply(
    state,
    plan('s1', '2025-06-01', [
      { direction: A, category: 'military', count: 100 },
      { direction: B, category: 'military', count: 100 },
    ]),
  );
  const toA = lines('a', A, 'military', 100);
  const toB = lines('b', B, 'military', 100);
  state = lockManifest(state, 's1', [...toA, ...toB]);
  state = apply(state, { kind: 'stage.started', stageId: 's1', at: '2025-06-01T06:00:00.000Z' });
  state = apply(
    state,
    ...toB
      .slice(0, 3)
      .map((e) => ({ kind: 'handover.recorded' as const, record: refusedAtCrossing('s1', e.id) })),
  );
  state = handOverAll(
    state,
    's1',
    [...toA, ...toB.slice(3)].map((e) => e.id),
    '2025-06-01T08:00:00.000Z',
  );
  const reconciled = apply(state, {
    kind: 'stage.reconciled',
    stageId: 's1',
    at: '2025-06-01T18:00:00.000Z',
  });

  it('counts differ, and the stage cannot be confirmed until the breaches are justified', () => {
    const r = reconcileStage(getStage(reconciled, 's1'));
    expect([r.totals[A]!.handedOver, r.totals[B]!.handedOver]).toEqual([100, 97]);
    expect(r.totals[B]!.presented).toBe(100);
    expect(r.totals[B]!.discrepancies).toEqual({ refused_at_crossing: 3 });
    const kinds = stageWarnings(agreement, getStage(reconciled, 's1'))
      .map((w) => w.kind)
      .sort();
    expect(kinds).toEqual(['planned_count', 'ratio']);
    expect(() => reconcileAndConfirm(state, 's1')).toThrow(/justification/);
    try {
      reconcileAndConfirm(state, 's1');
    } catch (e) {
      expect(violationOf(e)).toBe('UNJUSTIFIED_BREACH');
    }
  });

  it('confirms with refusal_at_crossing recorded, and the bulletin says 100 and 97', () => {
    const done = reconcileAndConfirm(state, 's1', 'refusal_at_crossing');
    expect(getStage(done, 's1').status).toBe('confirmed');
    expect(getStage(done, 's1').justifications.map((j) => j.code)).toEqual([
      'refusal_at_crossing',
      'refusal_at_crossing',
    ]);
    const { bulletin, disclosures } = buildBulletin({ state: done, saltOf: testSalt });
    const v = (d: string) =>
      cellValue(bulletin.cumulative, { direction: d, exchange: 'in', subject: 'persons', class: 'all' });
    expect([v(A), v(B)]).toEqual([100, 97]);
    expect(verifyBulletin(bulletin, disclosures).ok).toBe(true);
  });

  it('never puts the three on a later manifest to the party they refused', () => {
    const done = reconcileAndConfirm(state, 's1', 'refusal_at_crossing');
    const next = apply(done, plan('s2', '2025-06-08', [{ direction: B, category: 'military', count: 3 }]));
    expect(() => lockManifest(next, 's2', toB.slice(0, 1))).toThrow(/refused repatriation/);
  });
});

describe('a wrong person presented', () => {
  const agreement = numericAgreement(10);
  let state = startExchange(agreement);
  state = apply(
    state,
    plan('s1', '2025-06-01', [
      { direction: A, category: 'military', count: 2 },
      { direction: B, category: 'military', count: 2 },
    ]),
  );
  const main = [...lines('a', A, 'military', 2), ...lines('b', B, 'military', 2)];
  const reserve = lines('ar', A, 'military', 2, { reserve: true });
  state = lockManifest(state, 's1', [...main, ...reserve]);
  state = apply(state, { kind: 'stage.started', stageId: 's1', at: '2025-06-01T06:00:00.000Z' });

  it('records the discrepancy, substitutes from the reserve twice, and keeps the chain', () => {
    let s = apply(
      state,
      { kind: 'handover.recorded', record: wrongPerson('s1', 'a-0') },
      substitution('s1', 'sub-1', 'a-0', 'ar-0', 'wrong_person_presented'),
      { kind: 'handover.recorded', record: wrongPerson('s1', 'ar-0') },
      substitution('s1', 'sub-2', 'ar-0', 'ar-1', 'wrong_person_presented'),
    );
    // The replaced line cannot be handed over any more: it is off the manifest now.
    expect(() =>
      apply(s, { kind: 'handover.recorded', record: handedOver('s1', 'a-0', '2025-06-01T08:00:00.000Z') }),
    ).toThrow(/no active line/);
    s = handOverAll(s, 's1', ['ar-1', 'a-1', 'b-0', 'b-1'], '2025-06-01T08:00:00.000Z');
    s = reconcileAndConfirm(s, 's1');
    const st = getStage(s, 's1');
    expect(st.status).toBe('confirmed');
    expect(substitutionChain(st, 'a-0')).toEqual(['a-0', 'ar-0', 'ar-1']);
    const r = reconcileStage(st);
    expect(r.substitutionChains).toEqual([['a-0', 'ar-0', 'ar-1']]);
    expect(r.totals[A]).toMatchObject({ planned: 2, presented: 4, handedOver: 2, notHandedOver: 2 });
    expect(r.totals[A]!.discrepancies).toEqual({ wrong_person_presented: 2 });
  });

  it('refuses a substitution the counterpart did not approve', () => {
    const sub = substitution('s1', 'sub-1', 'a-0', 'ar-0', 'wrong_person_presented');
    if (sub.kind !== 'substitution.approved') throw new Error('unreachable');
    const oneSided = {
      ...sub,
      substitution: { ...sub.substitution, approvals: sub.substitution.approvals.slice(0, 1) },
    };
    expect(() => apply(state, oneSided)).toThrow(/both parties/);
  });
});

describe('released, then recaptured', () => {
  const agreement = numericAgreement(10);
  let state = startExchange(agreement);
  const person = lines('x', A, 'military', 1);
  const other = lines('y', B, 'military', 1);
  state = apply(
    state,
    plan('s1', '2025-05-23', [
      { direction: A, category: 'military', count: 1 },
      { direction: B, category: 'military', count: 1 },
    ]),
  );
  state = lockManifest(state, 's1', [...person, ...other]);
  state = apply(state, { kind: 'stage.started', stageId: 's1', at: '2025-05-23T06:00:00.000Z' });
  state = handOverAll(state, 's1', ['x-0', 'y-0'], '2025-05-23T08:00:00.000Z');
  state = reconcileAndConfirm(state, 's1');
  state = apply(
    state,
    plan('s2', '2025-09-01', [
      { direction: A, category: 'military', count: 1 },
      { direction: B, category: 'military', count: 1 },
    ]),
  );
  const again = [
    { ...person[0]!, id: 'x-0-again' },
    { ...other[0]!, id: 'y-0-again', personRef: 'person:y-1' },
  ];

  it('refuses a second handover before the recapture', () => {
    try {
      lockManifest(state, 's2', again);
      expect.unreachable();
    } catch (e) {
      expect(violationOf(e)).toBe('DOUBLE_HANDOVER');
    }
  });

  it('allows it once a recapture dated after the first handover is recorded', () => {
    let s = apply(state, {
      kind: 'custody.recaptured',
      personRef: 'person:x-0',
      occurredAt: '2025-07-10T00:00:00.000Z',
    });
    s = lockManifest(s, 's2', again);
    s = apply(s, { kind: 'stage.started', stageId: 's2', at: '2025-09-01T06:00:00.000Z' });
    s = handOverAll(s, 's2', ['x-0-again', 'y-0-again'], '2025-09-01T08:00:00.000Z');
    s = reconcileAndConfirm(s, 's2');
    expect(s.crossings.filter((c) => c.personRef === 'person:x-0').map((c) => c.stageId)).toEqual([
      's1',
      's2',
    ]);
  });
});

const OTHER = JSON.parse(
  readFileSync(new URL('../../demo/scenarios/other-exchanges.json', import.meta.url), 'utf8'),
) as {
  exchanges: {
    type?: string;
    received?: { date: string; count: number }[];
    total?: number;
    sentOther?: { date: string; count: number }[];
  }[];
};

describe('repatriation of remains in five transfers (June 2025)', () => {
  const remains = OTHER.exchanges.find((x) => x.type === 'remains')!;
  const agreement = numericAgreement(0, {
    id: 'agr-remains',
    title: 'Repatriation of remains',
    ordinal: null,
    type: 'remains',
    categories: [
      { id: 'remains', label: 'Remains', subject: 'remains', class: 'military', predicate: P.always() },
    ],
    ratioRules: [],
    targets: [],
  });
  let state = startExchange(agreement);
  remains.received!.forEach((t, i) => {
    const id = `t${i + 1}`;
    const sent = remains.sentOther!.find((x) => x.date === t.date)?.count ?? 0;
    const planned = [
      { direction: A, category: 'remains', count: t.count },
      ...(sent ? [{ direction: B, category: 'remains', count: sent }] : []),
    ];
    state = apply(state, plan(id, t.date, planned, 'agr-remains'));
    const es = [...lines(`ra${i}`, A, 'remains', t.count), ...lines(`rb${i}`, B, 'remains', sent)];
    state = lockManifest(state, id, es);
    state = apply(state, { kind: 'stage.started', stageId: id, at: `${t.date}T06:00:00.000Z` });
    state = handOverAll(
      state,
      id,
      es.map((e) => e.id),
      `${t.date}T08:00:00.000Z`,
    );
    state = reconcileAndConfirm(state, id);
  });

  it('counts remains, not persons, and needs no parity', () => {
    const { bulletin, disclosures } = buildBulletin({ state, saltOf: testSalt });
    const total = (d: string) =>
      cellValue(bulletin.cumulative, { direction: d, exchange: 'in', subject: 'remains', class: 'all' });
    expect([total(A), total(B)]).toEqual([remains.total, 27]);
    expect(bulletin.stages.map((s) => s.records)).toEqual([1212 + 27, 1200, 1200, 1200, 1245]);
    expect(
      cellValue(bulletin.cumulative, { direction: A, exchange: 'in', subject: 'persons', class: 'all' }),
    ).toBeUndefined();
    expect(verifyBulletin(bulletin, disclosures).ok).toBe(true);
  });
});
