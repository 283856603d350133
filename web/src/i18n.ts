import { createContext, useContext } from 'react';
import { type Catalogue, formatFrom, Locales, localeTags } from '../../src/i18n/format.ts';
import type en from '../../src/i18n/locales/en.json';
import { catalogues } from '../../src/i18n/messages.ts';

/**
 * Every string the interface shows, from the ICU MessageFormat catalogues in src/i18n/locales (one per
 * language, flat keys, sorted; rendered with intl-messageformat, counts as ICU plurals). English is
 * the reference: `MessageKey` is its keys, so a misspelt key fails `tsc`; src/i18n/catalogue.test.ts
 * fails when another language lacks a key, a message does not parse or its arguments differ.
 * Status, category and other codes from the API are looked up as `<prefix>.<code>`.
 */
export type MessageKey = keyof typeof en;

export const Languages = Locales;
export type Language = (typeof Languages)[number];

/** The catalogues the server renders its messages from: one set for both. */
export const dictionaries: Record<Language, Catalogue> = catalogues;

/** Names of the languages in themselves, for the switcher. */
export const languageNames: Record<Language, string> = { uk: 'Українська', en: 'English', ru: 'Русский' };

/** BCP 47 locale used for number and date formatting. */
export const locales: Record<Language, string> = localeTags;

const STORAGE_KEY = 'homeward.lang';

function isLanguage(s: string | null): s is Language {
  return s !== null && (Languages as readonly string[]).includes(s);
}

/** The stored choice, else the browser's language, else English. */
export function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage may be disabled; fall through to the browser language.
  }
  const nav = navigator.language.toLowerCase();
  if (nav.startsWith('uk')) return 'uk';
  if (nav.startsWith('ru')) return 'ru';
  return 'en';
}

export function storeLanguage(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not fatal: the choice lasts for this page only.
  }
}

export type Params = Record<string, string | number>;

export interface I18n {
  lang: Language;
  locale: string;
  setLang: (lang: Language) => void;
  t: (key: MessageKey, params?: Params) => string;
  /** Translate an API code such as a status ("status", "missing"); unknown codes are shown as is. */
  code: (prefix: CodePrefix, value: string | null | undefined) => string;
}

export type CodePrefix =
  | 'status'
  | 'category'
  | 'sex'
  | 'precision'
  | 'script'
  | 'source'
  | 'verification'
  | 'role'
  | 'dimension'
  | 'matchField'
  | 'matchLevel'
  | 'matches.kind'
  | 'matches.band'
  | 'matches.status'
  | 'stageStatus'
  | 'exchangeCategory'
  | 'discrepancy'
  | 'justification'
  | 'warningKind'
  | 'agreementType'
  | 'signerRole'
  | 'ruleScope'
  | 'countSubject'
  | 'countClass'
  | 'violation';

/**
 * Renders `key` in `lang`. A message whose arguments are not all given (a caller's slip the type
 * check cannot see) shows its placeholders rather than breaking the page.
 */
export function translate(lang: Language, key: string, params?: Params): string {
  const catalogue = dictionaries[lang];
  try {
    return formatFrom(catalogue, lang, key, params);
  } catch {
    return catalogue[key] ?? key;
  }
}

export function makeI18n(lang: Language, setLang: (lang: Language) => void): I18n {
  const dict = dictionaries[lang];
  const t = (key: MessageKey, params?: Params) => translate(lang, key, params);
  const code = (prefix: CodePrefix, value: string | null | undefined) => {
    if (value === null || value === undefined || value === '') return t('common.empty');
    const key = `${prefix}.${value}`;
    return key in dict ? translate(lang, key) : value;
  };
  return { lang, locale: locales[lang], setLang, t, code };
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nContext');
  return ctx;
}
