import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysInMonth, type PartialDate, type PlainDate } from '../plain-date.ts';
import { ageOn, birthRange, evaluate, P, type PersonSnapshot, PredicateSchema } from './predicate.ts';

const born = (date: string, precision: PartialDate['precision']): PersonSnapshot => ({
  birth: { date: date as PlainDate, precision },
});
const ON = '2025-06-02';
const young = P.ageBetween(18, 25, ON);

describe('age on a reference date', () => {
  it('decides day-precision birth dates exactly, bounds inclusive', () => {
    expect(evaluate(young, born('2007-06-02', 'day')).value).toBe('true'); // 18th birthday that day
    expect(evaluate(young, born('2007-06-03', 'day')).value).toBe('false'); // 17 until tomorrow
    expect(evaluate(young, born('1999-06-03', 'day')).value).toBe('true'); // still 25
    expect(evaluate(young, born('1999-06-02', 'day')).value).toBe('false'); // 26 that day
  });

  it('says unknown when a birth year alone straddles a bound, and says why', () => {
    const r = evaluate(young, born('1999-01-01', 'year'));
    expect(r.value).toBe('unknown');
    expect(r.reason).toMatch(/year precision: aged 25 to 26 on 2025-06-02/);
    expect(evaluate(young, born('2003-01-01', 'year')).value).toBe('true');
    expect(evaluate(young, born('1990-01-01', 'year')).value).toBe('false');
  });

  it('uses month precision when it suffices', () => {
    expect(evaluate(young, born('2007-05-01', 'month')).value).toBe('true'); // all of May 2007
    expect(evaluate(young, born('2007-06-01', 'month')).value).toBe('unknown'); // June 2007 straddles
    expect(evaluate(young, born('2007-07-01', 'month')).value).toBe('false');
  });

  it('widens approximate years by two either side', () => {
    expect(birthRange({ date: '2000-01-01', precision: 'approximate' })).toEqual({
      earliest: '1998-01-01',
      latest: '2002-12-31',
    });
    expect(evaluate(young, born('2002-01-01', 'approximate')).value).toBe('true');
    expect(evaluate(young, born('2000-01-01', 'approximate')).value).toBe('unknown');
  });

  it('is unknown without a birth date, and counts 29 February birthdays from 1 March', () => {
    expect(evaluate(young, {}).value).toBe('unknown');
    expect(ageOn('2004-02-29', '2022-02-28')).toBe(17);
    expect(ageOn('2004-02-29', '2022-03-01')).toBe(18);
  });
});

describe('other predicates and three-valued logic', () => {
  const wounded = P.seriouslyWounded();
  it('needs a medical determination for "seriously wounded"', () => {
    expect(
      evaluate(wounded, { health: [{ flag: 'seriously_wounded', determination: 'medical_commission' }] })
        .value,
    ).toBe('true');
    expect(
      evaluate(wounded, { health: [{ flag: 'seriously_wounded', determination: 'counterpart_claim' }] }),
    ).toEqual({
      value: 'unknown',
      reason: 'seriously_wounded claimed without a medical determination',
    });
    expect(evaluate(wounded, { health: [] }).value).toBe('false');
    expect(evaluate(wounded, {}).value).toBe('unknown');
  });

  it('combines with Kleene logic: false wins in all, true wins in any', () => {
    const june = P.any(wounded, young);
    expect(evaluate(june, { health: [], birth: born('2003-04-04', 'day').birth }).value).toBe('true');
    expect(evaluate(june, { health: [], birth: born('1980-04-04', 'day').birth }).value).toBe('false');
    expect(evaluate(june, { birth: born('1980-04-04', 'day').birth }).value).toBe('unknown');
    expect(evaluate(P.all(P.servicemember(), young), { category: 'detained_civilian' }).value).toBe('false');
    expect(evaluate(P.not(P.civilian()), { category: 'servicemember' }).value).toBe('true');
    expect(evaluate(P.not(P.civilian()), {}).value).toBe('unknown');
  });

  it('checks status, sex and citizenship', () => {
    const held = { op: 'status', dimension: 'fate', in: ['in_custody_confirmed'] } as const;
    expect(evaluate({ ...held, in: [...held.in] }, { fate: 'in_custody_confirmed' }).value).toBe('true');
    expect(evaluate({ op: 'sex', in: ['female'] }, { sex: 'unknown' }).value).toBe('unknown');
    expect(evaluate({ op: 'citizenship', in: ['UA'] }, { citizenships: ['PL'] }).value).toBe('false');
  });

  it('round-trips through its schema and refuses malformed predicates', () => {
    const june = P.any(P.seriouslyWounded(), young);
    expect(PredicateSchema.parse(JSON.parse(JSON.stringify(june)))).toEqual(june);
    expect(PredicateSchema.safeParse({ op: 'age', on: ON }).success).toBe(false);
    expect(PredicateSchema.safeParse({ op: 'age', on: '2025-02-30', min: 1 }).success).toBe(false);
    expect(PredicateSchema.safeParse({ op: 'status', dimension: 'fate', in: ['nonsense'] }).success).toBe(
      false,
    );
  });
});

const dayArb = fc
  .record({
    y: fc.integer({ min: 1950, max: 2012 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
  })
  .map(
    ({ y, m, d }) =>
      `${y}-${String(m).padStart(2, '0')}-${String(Math.min(d, daysInMonth(y, m))).padStart(2, '0')}`,
  );

describe('properties', () => {
  it('a coarser birth date never contradicts the exact one: it agrees or says unknown', () => {
    fc.assert(
      fc.property(
        dayArb,
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom('month', 'year', 'approximate' as const),
        (day, min, width, precision) => {
          const p = P.ageBetween(min, min + width, ON);
          const exact = evaluate(p, born(day, 'day'));
          expect(exact.value).not.toBe('unknown');
          const coarse = evaluate(
            p,
            born(precision === 'month' ? `${day.slice(0, 7)}-01` : `${day.slice(0, 4)}-01-01`, precision),
          );
          if (coarse.value !== 'unknown') expect(coarse.value).toBe(exact.value);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('not(p) flips true and false and keeps unknown', () => {
    fc.assert(
      fc.property(dayArb, fc.constantFrom('day', 'year' as const), (day, precision) => {
        const s = born(precision === 'year' ? `${day.slice(0, 4)}-01-01` : day, precision);
        const r = evaluate(young, s).value;
        const n = evaluate(P.not(young), s).value;
        expect(n).toBe(r === 'unknown' ? 'unknown' : r === 'true' ? 'false' : 'true');
      }),
      { numRuns: 200 },
    );
  });
});
