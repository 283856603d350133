import { describe, expect, it } from 'vitest';
import { formatFrom } from './format.ts';

describe('formatFrom', () => {
  it('renders ICU plurals in each language', () => {
    const uk = { n: '{count, plural, one {# запис} few {# записи} many {# записів} other {# запису}}' };
    expect([1, 2, 5].map((count) => formatFrom(uk, 'uk', 'n', { count }))).toEqual([
      '1 запис',
      '2 записи',
      '5 записів',
    ]);
    const en = { n: '{count, plural, one {# entry} other {# entries}}' };
    expect([1, 2].map((count) => formatFrom(en, 'en', 'n', { count }))).toEqual(['1 entry', '2 entries']);
  });
  it('answers the key when the catalogue lacks it', () => {
    expect(formatFrom({}, 'en', 'missing.key')).toBe('missing.key');
  });
});
