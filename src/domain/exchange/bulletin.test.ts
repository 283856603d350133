import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Bulletin,
  buildBulletin,
  bulletinHash,
  canonicalBulletin,
  cellValue,
  type Disclosure,
  verifyBulletin,
} from './bulletin.ts';
import { type ExchangeState, startExchange } from './operation.ts';
import {
  A,
  apply,
  B,
  exception,
  handOverAll,
  lines,
  lockManifest,
  numericAgreement,
  plan,
  reconcileAndConfirm,
  testSalt,
} from './testing.ts';

/**
 * 19 March 2025, shaped: 175 for 175 in the exchange, plus 22 seriously wounded to A "outside the
 * exchange", and (for suppression) 3 civilians to B within the 175.
 */
function march(): ExchangeState {
  let s = startExchange(numericAgreement(175));
  s = apply(
    s,
    plan('s1', '2025-03-19', [
      { direction: A, category: 'military', count: 175 },
      { direction: B, category: 'military', count: 172 },
      { direction: B, category: 'civilian', count: 3 },
    ]),
  );
  const entries = [
    ...lines('a', A, 'military', 175),
    ...lines('b', B, 'military', 172),
    ...lines('bc', B, 'civilian', 3),
  ];
  s = lockManifest(s, 's1', entries);
  s = apply(s, { kind: 'stage.started', stageId: 's1', at: '2025-03-19T06:00:00.000Z' });
  const outside = lines('w', A, 'military', 22, { outsideExchange: true });
  s = apply(
    s,
    ...outside.map((entry, i) =>
      exception({
        id: `x${i}`,
        stageId: 's1',
        entry: { ...entry, eligibility: 'true' },
        reason: 'seriously wounded, outside the exchange',
      }),
    ),
  );
  s = handOverAll(
    s,
    's1',
    [...entries, ...outside].map((e) => e.id),
    '2025-03-19T08:00:00.000Z',
  );
  return reconcileAndConfirm(s, 's1');
}

const state = march();
const { bulletin, disclosures } = buildBulletin({ state, saltOf: testSalt });
const v = (
  b: Bulletin,
  direction: string,
  exchange: 'in' | 'outside',
  cls: 'all' | 'military' | 'civilian',
) => cellValue(b.cumulative, { direction, exchange, subject: 'persons', class: cls });

describe('the public bulletin', () => {
  it('counts in and outside the exchange separately, each with its metric', () => {
    expect(v(bulletin, A, 'in', 'all')).toBe(175);
    expect(v(bulletin, A, 'outside', 'all')).toBe(22);
    expect(v(bulletin, B, 'in', 'all')).toBe(175);
    expect(bulletin.definitions.exchange).toMatch(/outside the exchange/);
    expect(verifyBulletin(bulletin, disclosures)).toEqual({ ok: true, problems: [] });
  });

  it('withholds a small class cell and its complement, never the group total', () => {
    expect(bulletin.threshold).toBe(5);
    expect(v(bulletin, B, 'in', 'civilian')).toBeNull();
    expect(v(bulletin, B, 'in', 'military')).toBeNull();
    expect(v(bulletin, A, 'in', 'military')).toBe(175);
    const leavesB = disclosures[0]!.leaves.filter((l) => l.direction === B);
    expect(new Set(leavesB.map((l) => l.class))).toEqual(new Set(['withheld']));
  });

  it('carries no names and no ids of people or records', () => {
    const text = canonicalBulletin(bulletin) + JSON.stringify(disclosures);
    expect(text).not.toMatch(/person:|rec-|"a-\d|officer/);
    expect(canonicalBulletin(bulletin)).toBe(canonicalBulletin(JSON.parse(JSON.stringify(bulletin))));
    expect(bulletinHash(bulletin)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deterministic: the same records give the same bytes', () => {
    const again = buildBulletin({ state: structuredClone(state), saltOf: testSalt });
    expect(canonicalBulletin(again.bulletin)).toBe(canonicalBulletin(bulletin));
    expect(again.disclosures).toEqual(disclosures);
  });
});

describe('verification fails when anything is altered', () => {
  const clone = <T>(x: T): T => structuredClone(x);

  it('an altered count', () => {
    const b = clone(bulletin);
    b.stages[0]!.cells.find((c) => c.metric.direction === A && c.metric.class === 'all')!.value = 176;
    expect(verifyBulletin(b, disclosures).ok).toBe(false);
  });

  it('an altered cumulative total', () => {
    const b = clone(bulletin);
    b.cumulative[0]!.value = (b.cumulative[0]!.value ?? 0) + 1;
    expect(verifyBulletin(b, disclosures).problems).toContain(
      'the cumulative totals are not the sums of the stages',
    );
  });

  it('an altered commitment', () => {
    const b = clone(bulletin);
    b.stages[0]!.commitment = '0'.repeat(64);
    expect(verifyBulletin(b, disclosures).ok).toBe(false);
  });

  it('a shown small cell', () => {
    const b = clone(bulletin);
    for (const c of b.stages[0]!.cells)
      if (c.metric.direction === B && c.metric.exchange === 'in' && c.metric.class === 'civilian')
        c.value = 3;
    expect(verifyBulletin(b, disclosures).ok).toBe(false);
  });

  it('any single altered, dropped or added leaf', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.constantFrom('direction', 'exchange', 'class', 'salt', 'drop', 'add'),
        (i, how) => {
          const d: Disclosure[] = clone(disclosures);
          const leaves = d[0]!.leaves;
          const k = i % leaves.length;
          const leaf = leaves[k]!;
          if (how === 'direction') leaf.direction = leaf.direction === A ? B : A;
          if (how === 'exchange') leaf.exchange = leaf.exchange === 'in' ? 'outside' : 'in';
          if (how === 'class') leaf.class = leaf.class === 'military' ? 'civilian' : 'military';
          if (how === 'salt') leaf.salt = leaf.salt.replace(/^./, (c) => (c === '0' ? '1' : '0'));
          if (how === 'drop') leaves.splice(k, 1);
          if (how === 'add') leaves.push({ ...leaf, salt: 'f'.repeat(64) });
          expect(verifyBulletin(bulletin, d).ok).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('malformed input is reported, never thrown', () => {
    expect(verifyBulletin({ format: 'x' }, disclosures).ok).toBe(false);
    expect(verifyBulletin(bulletin, [{ stageId: 's1' }]).ok).toBe(false);
    expect(verifyBulletin(bulletin, []).problems).toEqual([
      'stage s1: no disclosure',
      'the cumulative totals are not the sums of the stages',
    ]);
  });
});
