import { describe, expect, it } from 'vitest';
import { Roles } from '../../src/domain/access.ts';
import { AgreementTypes, RuleScopes } from '../../src/domain/exchange/agreement.ts';
import { PersonClasses, SignerRoles, Subjects } from '../../src/domain/exchange/common.ts';
import { Violations } from '../../src/domain/exchange/errors.ts';
import { WarningKinds } from '../../src/domain/exchange/rules.ts';
import { JustificationCodes } from '../../src/domain/exchange/stage.ts';
import { PersonCategories, Sexes } from '../../src/domain/person.ts';
import { DatePrecisions } from '../../src/domain/plain-date.ts';
import {
  INITIAL,
  SourceTypes,
  StatusDimensions,
  statusValues,
  VerificationLevels,
} from '../../src/domain/status.ts';
import { dictionaries, type Language, Languages, makeI18n } from './i18n.ts';

// Every code the server can send must have a label in every language, or users see raw codes.
const codes = [
  ...StatusDimensions.map((d) => `dimension.${d}`),
  `status.${INITIAL}`,
  ...StatusDimensions.flatMap((d) => statusValues[d].map((v) => `status.${v}`)),
  ...PersonCategories.map((c) => `category.${c}`),
  ...Sexes.map((s) => `sex.${s}`),
  ...DatePrecisions.map((p) => `precision.${p}`),
  ...SourceTypes.map((s) => `source.${s}`),
  ...VerificationLevels.map((v) => `verification.${v}`),
  ...Roles.map((r) => `role.${r}`),
  ...JustificationCodes.map((c) => `justification.${c}`),
  ...WarningKinds.map((k) => `warningKind.${k}`),
  ...AgreementTypes.map((t) => `agreementType.${t}`),
  ...RuleScopes.map((s) => `ruleScope.${s}`),
  ...SignerRoles.map((r) => `signerRole.${r}`),
  ...Subjects.map((s) => `countSubject.${s}`),
  ...PersonClasses.map((c) => `countClass.${c}`),
  ...Object.keys(Violations).map((v) => `violation.${v}`),
];

describe('UI dictionaries', () => {
  for (const lang of Languages) {
    it(`${lang} labels every domain code`, () => {
      const dict = dictionaries[lang] as Record<string, string>;
      const missing = codes.filter((k) => !dict[k]?.trim());
      expect(missing).toEqual([]);
    });
  }
  it('Ukrainian and Russian are translated, not copies of English', () => {
    const same = (lang: 'uk' | 'ru') =>
      Object.keys(dictionaries.en).filter(
        (k) =>
          (dictionaries[lang] as Record<string, string>)[k] ===
          (dictionaries.en as Record<string, string>)[k],
      );
    // Codes such as "ICAO" may legitimately coincide; whole-dictionary copies may not.
    expect(same('uk').length).toBeLessThan(Object.keys(dictionaries.en).length / 10);
    expect(same('ru').length).toBeLessThan(Object.keys(dictionaries.en).length / 10);
  });
});

describe('t: ICU messages', () => {
  const render = (lang: Language, count: number) => makeI18n(lang, () => {}).t('lists.entries', { count });
  it('counts in each language with its plural forms', () => {
    expect([1, 2, 5, 21].map((n) => render('en', n))).toEqual([
      '1 entry',
      '2 entries',
      '5 entries',
      '21 entries',
    ]);
    expect([1, 2, 5, 21].map((n) => render('uk', n))).toEqual([
      '1 запис',
      '2 записи',
      '5 записів',
      '21 запис',
    ]);
    expect([1, 2, 5, 21].map((n) => render('ru', n))).toEqual([
      '1 запись',
      '2 записи',
      '5 записей',
      '21 запись',
    ]);
    expect(makeI18n('uk', () => {}).t('board.pendingLeft', { n: 3 })).toBe(
      '3 рядки ще не мають запису: запишіть їх перед звіркою.',
    );
  });
  it('keeps literal apostrophes and fills simple arguments', () => {
    expect(makeI18n('uk', () => {}).t('form.nameN', { n: 2 })).toBe("Ім'я 2");
    expect(makeI18n('en', () => {}).t('board.title', { stage: 'S-1' })).toBe('Stage board: S-1');
  });
  it('shows a message whose argument is missing instead of failing', () => {
    expect(makeI18n('en', () => {}).t('board.title')).toContain('Stage board');
  });
  it('translates codes and leaves unknown codes as they are', () => {
    const { code } = makeI18n('ru', () => {});
    expect(code('stageStatus', 'in_progress')).toBe(dictionaries.ru['stageStatus.in_progress']);
    expect(code('stageStatus', 'no_such_status')).toBe('no_such_status');
    expect(code('stageStatus', null)).toBe('—');
  });
});
