import { type Catalogue, formatFrom, type Locale, Locales } from './format.ts';
import en from './locales/en.json' with { type: 'json' };
import ru from './locales/ru.json' with { type: 'json' };
import uk from './locales/uk.json' with { type: 'json' };

/**
 * Server messages: text a user reads (rule warnings, import row errors, predicate descriptions,
 * report labels and values) travels as a code with parameters and is rendered in the reader's
 * language from the same catalogues the web uses. Codes are catalogue keys prefixed `msg.`.
 */
export interface Message {
  code: string;
  params: MessageParamValues;
}
export type MessageParamValues = Record<string, string | number>;

export const catalogues: Record<Locale, Catalogue> = { en, uk, ru };

/** `code` rendered in `locale` with `params`; the code itself when no catalogue has it. */
export function formatMessage(locale: Locale, code: string, params?: MessageParamValues): string {
  return formatFrom(catalogues[locale], locale, code, params);
}

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (Locales as readonly string[]).includes(value);

/**
 * The reader's language: an explicit `lang` (query) wins, then the first supported language of an
 * Accept-Language header (by quality); undefined when neither names one.
 */
export function negotiateLocale(
  lang: string | undefined,
  acceptLanguage: string | undefined,
): Locale | undefined {
  if (lang !== undefined) {
    const primary = lang.trim().toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  if (!acceptLanguage) return undefined;
  const ranked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((r) => r.trim()).find((r) => r.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return {
        primary: tag.trim().toLowerCase().split('-')[0],
        quality: Number.isFinite(quality) ? quality : 0,
        i,
      };
    })
    .filter((x) => x.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.i - b.i);
  return ranked.map((x) => x.primary).find(isLocale);
}
