import { describe, expect, it } from 'vitest';
import { formatPartialDate, isValidPlainDate, parsePartialDate } from './plain-date.ts';

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
