import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PersonCategories, Sexes } from '../person.ts';
import { describePredicate } from './describe-predicate.ts';
import { P, type Predicate, PredicateSchema } from './predicate.ts';
import { categoryAgreement, numericAgreement } from './testing.ts';

describe('describePredicate', () => {
  it('reads the agreements of the scenarios as their text does', () => {
    const june = categoryAgreement().categories.map((c) => describePredicate(c.predicate));
    expect(june).toEqual([
      'seriously wounded (medical determination)',
      'servicemember and aged 18–25 on 2025-06-02',
    ]);
    const may = numericAgreement().categories.map((c) => describePredicate(c.predicate));
    expect(may).toEqual(['servicemember', 'civilian']);
  });

  it('says which bound an open age range has', () => {
    expect(describePredicate({ op: 'age', on: '2025-06-02', min: 60 })).toBe(
      'aged 60 or older on 2025-06-02',
    );
    expect(describePredicate({ op: 'age', on: '2025-06-02', max: 17 })).toBe(
      'aged 17 or younger on 2025-06-02',
    );
    expect(describePredicate({ op: 'age', on: '2025-06-02', min: 18, max: 18 })).toBe(
      'aged 18 on 2025-06-02',
    );
  });

  it('keeps the grouping of compound predicates', () => {
    const p = P.all(P.servicemember(), P.any(P.seriouslyWounded(), P.ageBetween(18, 25, '2025-06-02')));
    expect(describePredicate(p)).toBe(
      'servicemember and (seriously wounded (medical determination) or aged 18–25 on 2025-06-02)',
    );
    expect(describePredicate(P.not(P.any(P.civilian(), P.category('child'))))).toBe(
      'not (civilian or child)',
    );
    expect(describePredicate(P.category('civilian_internee', 'detained_civilian'))).toBe(
      'civilian internee or detained civilian',
    );
    expect(describePredicate({ op: 'health', flag: 'seriously_ill', medical: false })).toBe(
      'seriously ill (as recorded)',
    );
    expect(describePredicate({ op: 'citizenship', in: ['UA', 'PL', 'GE'] })).toBe('citizen of UA, PL or GE');
    expect(describePredicate({ op: 'status', dimension: 'fate', in: ['in_custody_confirmed'] })).toBe(
      'fate status in custody confirmed',
    );
    expect(describePredicate(P.always())).toBe('anyone');
  });

  it('gives every valid predicate a readable phrase (no codes with underscores, no "undefined")', () => {
    const leaf: fc.Arbitrary<Predicate> = fc.oneof(
      fc.constant(P.always()),
      fc
        .record({ a: fc.integer({ min: 0, max: 150 }), b: fc.integer({ min: 0, max: 150 }), k: fc.nat(2) })
        .map(({ a, b, k }): Predicate => {
          const [min, max] = [Math.min(a, b), Math.max(a, b)];
          return k === 0
            ? { op: 'age', on: '2025-06-02', min, max }
            : k === 1
              ? { op: 'age', on: '2025-06-02', min }
              : { op: 'age', on: '2025-06-02', max };
        }),
      fc
        .uniqueArray(fc.constantFrom(...PersonCategories), { minLength: 1 })
        .map((xs): Predicate => ({ op: 'category', in: xs })),
      fc.boolean().map((medical): Predicate => ({ op: 'health', flag: 'seriously_wounded', medical })),
      fc
        .uniqueArray(fc.constantFrom(...Sexes), { minLength: 1 })
        .map((xs): Predicate => ({ op: 'sex', in: xs })),
    );
    const tree = fc.letrec<{ p: Predicate }>((tie) => ({
      p: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('p'), { minLength: 1, maxLength: 3 }).map((of): Predicate => ({ op: 'all', of })),
        fc.array(tie('p'), { minLength: 1, maxLength: 3 }).map((of): Predicate => ({ op: 'any', of })),
        tie('p').map((of): Predicate => ({ op: 'not', of })),
      ),
    })).p;
    fc.assert(
      fc.property(tree, (p) => {
        expect(PredicateSchema.safeParse(p).success).toBe(true);
        const text = describePredicate(p);
        expect(text.length).toBeGreaterThan(0);
        expect(text).not.toMatch(/undefined|_|\(\)/);
      }),
      { numRuns: 300 },
    );
  });
});
