import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { birthToInput, errorMessage, parseBirthInput } from './format.ts';
import { makeI18n } from './i18n.ts';

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

describe('error messages', () => {
  it("say an exchange rule's refusal in the reader's language, by its violation code", () => {
    const refusal = new ApiError(409, 'DUPLICATE', 'this warning is already justified', {
      violation: 'ALREADY_JUSTIFIED',
      warningId: 'w-1',
    });
    const say = (lang: 'en' | 'uk' | 'ru') =>
      errorMessage(
        refusal,
        makeI18n(lang, () => {}),
      );
    expect(say('en')).toBe('This warning is already justified.');
    expect(say('uk')).toBe('Це попередження вже обґрунтовано.');
    expect(say('ru')).toBe('Это предупреждение уже обосновано.');
    // A code the web does not know yet: the server's message, as before.
    const unknown = new ApiError(409, 'DUPLICATE', 'server text', { violation: 'SOMETHING_NEW' });
    expect(
      errorMessage(
        unknown,
        makeI18n('uk', () => {}),
      ),
    ).toBe('server text');
  });
});
