import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import {
  birthToInput,
  errorMessage,
  explainMatch,
  formatDate,
  formatInstant,
  formatNumber,
  formatTime,
  parseBirthInput,
} from './format.ts';
import { type Language, makeI18n } from './i18n.ts';

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

describe('dates and times per language', () => {
  const i18n = (lang: Language) => makeI18n(lang, () => {});
  it('shows a calendar date in the reader’s language, never shifted a day by a zone', () => {
    expect(formatDate('2026-03-01', i18n('en'))).toBe('1 Mar 2026');
    expect(formatDate('2026-03-01', i18n('uk'))).toBe('1 бер. 2026 р.');
    expect(formatDate('2026-03-01', i18n('ru'))).toBe('1 мар. 2026 г.');
    expect(formatDate('2026-02-30', i18n('en'))).toBe('2026-02-30'); // not a day: shown as given
    expect(formatDate(null, i18n('en'))).toBe('—');
  });
  it('shows an instant in the crossing’s time zone when one is given, with the zone named', () => {
    // 22:30 UTC on 1 March is 00:30 on 2 March in Kyiv (UTC+2 in winter).
    const at = '2026-03-01T22:30:00Z';
    expect(formatInstant(at, i18n('en'), 'Europe/Kyiv')).toBe('2 Mar 2026, 00:30 EET');
    expect(formatInstant(at, i18n('uk'), 'Europe/Kyiv')).toBe('2 бер. 2026 р., 00:30 GMT+2');
    expect(formatTime(at, i18n('ru'), 'Europe/Kyiv')).toBe('00:30 GMT+2');
    expect(formatTime(at, i18n('en'), 'UTC')).toBe('22:30 UTC');
    // An unknown zone name still shows the time (in the reader's zone, named) rather than failing.
    expect(formatInstant(at, i18n('en'), 'Nowhere/Nothing')).toMatch(/2026/);
  });
  it('groups digits as the language does', () => {
    expect(formatNumber(1000, i18n('en'))).toBe('1,000');
    expect(formatNumber(1000, i18n('uk'))).toBe('1\u00a0000');
  });
});

describe('match explanations', () => {
  it('name each field and level in the reader’s language, weights in its number format', () => {
    const why = 'family_name=exact(+12.1); birth_date=same_year(+5.3); unit=different(-2.0)';
    expect(
      explainMatch(
        why,
        makeI18n('en', () => {}),
      ),
    ).toBe('Family name: exact (+12.1)\nBirth date: same year (+5.3)\nUnit: different (-2)');
    const uk = explainMatch(
      why,
      makeI18n('uk', () => {}),
    );
    expect(uk.split('\n')).toHaveLength(3);
    expect(uk).toContain('+12,1');
    expect(uk).not.toMatch(/family_name|exact|same_year/);
  });
  it('shows text in another form as it is', () => {
    expect(
      explainMatch(
        'score 0.9',
        makeI18n('uk', () => {}),
      ),
    ).toBe('score 0.9');
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
