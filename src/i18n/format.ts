import { IntlMessageFormat } from 'intl-messageformat';

/**
 * Message catalogues: one ICU MessageFormat catalogue per locale (src/i18n/locales/*.json), read by
 * the server (reports, messages it renders) and by the web. Pure: no Node built-ins, so the browser
 * bundle imports it too.
 */
export const Locales = ['uk', 'en', 'ru'] as const;
export type Locale = (typeof Locales)[number];

/** BCP 47 tags for Intl formatting. */
export const localeTags: Record<Locale, string> = { uk: 'uk-UA', en: 'en-GB', ru: 'ru-RU' };

export type Catalogue = Record<string, string>;
export type MessageParams = Record<string, string | number | Date>;

const compiled = new WeakMap<Catalogue, Map<string, IntlMessageFormat>>();

/** Renders `key` of `catalogue` with `params`; the key itself when the catalogue lacks it. */
export function formatFrom(
  catalogue: Catalogue,
  locale: Locale,
  key: string,
  params?: MessageParams,
): string {
  const source = catalogue[key];
  if (source === undefined) return key;
  let byKey = compiled.get(catalogue);
  if (!byKey) {
    byKey = new Map();
    compiled.set(catalogue, byKey);
  }
  let format = byKey.get(key);
  if (!format) {
    format = new IntlMessageFormat(source, localeTags[locale]);
    byKey.set(key, format);
  }
  return String(format.format(params));
}
