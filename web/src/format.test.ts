import { describe, expect, it } from 'vitest';
import { birthToInput, parseBirthInput } from './format.ts';

describe('birth date input', () => {
  it('accepts the forms the import accepts and round-trips them', () => {
    for (const s of ['1994-03-12', '1994-03', '1994', '~1994']) {
      const parsed = parseBirthInput(s);
      expect(parsed, s).toBeTruthy();
      expect(birthToInput(parsed)).toBe(s);
    }
    expect(parseBirthInput('12.03.1994')).toEqual({ date: '1994-03-12', precision: 'day' });
  });
  it('tells empty (no date) from invalid', () => {
    expect(parseBirthInput('  ')).toBeNull();
    expect(parseBirthInput('1994-02-30')).toBeUndefined();
    expect(parseBirthInput('12/03/1994')).toBeUndefined();
  });
});
