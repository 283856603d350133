import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  daysInMonth,
  formatPartialDate,
  isValidPlainDate,
  parsePartialDate,
  readWrittenDate,
} from './plain-date.ts';

describe('plain dates', () => {
  it('accepts real calendar dates and rejects impossible ones', () => {
    expect(isValidPlainDate('1994-03-12')).toBe(true);
    expect(isValidPlainDate('2000-02-29')).toBe(true);
    expect(isValidPlainDate('1900-02-29')).toBe(false);
    expect(isValidPlainDate('1994-13-01')).toBe(false);
    expect(isValidPlainDate('1994-3-12')).toBe(false);
  });
  it('parses the partial forms lists use, keeping precision', () => {
    expect(parsePartialDate('1994-03')).toEqual({ date: '1994-03-01', precision: 'month' });
    expect(parsePartialDate('1994')).toEqual({ date: '1994-01-01', precision: 'year' });
    expect(parsePartialDate('~1994')).toEqual({ date: '1994-01-01', precision: 'approximate' });
    expect(parsePartialDate('12.03.1994')).toEqual({ date: '1994-03-12', precision: 'day' });
    expect(parsePartialDate('31.02.1994')).toBeUndefined();
    expect(formatPartialDate({ date: '1994-03-01' as never, precision: 'month' })).toBe('1994-03');
  });
});

describe('dates as a counterpart wrote them', () => {
  const two = (n: number) => String(n).padStart(2, '0');
  it('property: an impossible date in any accepted form keeps its year and real month, flagged; a real one is exact', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1800, max: 2999 }),
        fc.nat(99),
        fc.nat(99),
        fc.boolean(),
        (y, m, d, dotted) => {
          const text = dotted ? `${two(d)}.${two(m)}.${y}` : `${y}-${two(m)}-${two(d)}`;
          const real = m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
          const read = readWrittenDate(text);
          if (real) {
            expect(read).toEqual({
              date: { date: `${y}-${two(m)}-${two(d)}`, precision: 'day' },
              impossible: false,
            });
            expect(read?.date).toEqual(parsePartialDate(text));
          } else {
            expect(parsePartialDate(text)).toBeUndefined();
            expect(read).toEqual({
              date:
                m >= 1 && m <= 12
                  ? { date: `${y}-${two(m)}-01`, precision: 'month' }
                  : { date: `${y}-01-01`, precision: 'year' },
              impossible: true,
            });
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads the examples of the issue, and leaves text that is no date to the reader', () => {
    expect(readWrittenDate('1938-11-31')).toEqual({
      date: { date: '1938-11-01', precision: 'month' },
      impossible: true,
    });
    expect(readWrittenDate('31.02.1990')).toEqual({
      date: { date: '1990-02-01', precision: 'month' },
      impossible: true,
    });
    expect(readWrittenDate('1990-13')).toEqual({
      date: { date: '1990-01-01', precision: 'year' },
      impossible: true,
    });
    expect(readWrittenDate('~1990')).toEqual({
      date: { date: '1990-01-01', precision: 'approximate' },
      impossible: false,
    });
    for (const garbage of ['1799-02-30', '1990/05/01', 'May 1990', '1.5.1990', '90', '1990-1-5', ''])
      expect(readWrittenDate(garbage)).toBeUndefined();
  });
});
