import { formatMessage, type MessageParamValues } from '../../src/i18n/messages.ts';
import type { Language } from './i18n.ts';

/**
 * Text the server sends as a code with parameters (rule warnings, predicate descriptions, import row
 * errors), rendered in the reader's language from the shared catalogues (src/i18n/locales). The
 * English `message` the server also sends is the fallback when a response carries no code.
 */
export interface CodedText {
  code?: string;
  params?: MessageParamValues;
  message: string;
}

/** How the page names a party and a category by id (the params of warnings carry ids). */
export interface Names {
  party: (id: string) => string;
  category: (id: string) => string;
}

const PARTY_PARAMS = new Set(['direction', 'partyX', 'partyY']);

/** A warning's text in `lang`, parties and categories by their names when `names` is given. */
export function warningText(lang: Language, w: CodedText, names?: Names): string {
  if (!w.code) return w.message;
  const params: MessageParamValues = {};
  for (const [k, v] of Object.entries(w.params ?? {}))
    params[k] =
      typeof v !== 'string' || !names
        ? v
        : k === 'category'
          ? names.category(v)
          : PARTY_PARAMS.has(k)
            ? names.party(v)
            : v;
  return formatMessage(lang, w.code, params);
}

/** A category predicate in `lang`: its parts rendered one by one and joined; the English text without parts. */
export function predicateText(
  lang: Language,
  c: { predicate: string; predicateParts?: readonly { code: string; params: MessageParamValues }[] },
): string {
  if (!c.predicateParts?.length) return c.predicate;
  return c.predicateParts.map((p) => formatMessage(lang, p.code, p.params)).join('');
}

/** An import row error in `lang`: English keeps the detailed message; other languages its code's text. */
export function rowErrorText(
  lang: Language,
  r: { code: string; params?: MessageParamValues; message: string },
): string {
  return lang === 'en' ? r.message : formatMessage(lang, `msg.row.${r.code}`, r.params ?? {});
}

/**
 * A metric definition signed in a bulletin, in `lang`: the catalogue's translation when the signed
 * text is the one it translates (its English entry, verbatim), else the signed text itself (English).
 */
export function bulletinDefinitionText(
  lang: Language,
  key: string,
  signed: string,
): { text: string; lang: Language } {
  const code = `msg.bulletin.definition.${key}`;
  return formatMessage('en', code) === signed
    ? { text: formatMessage(lang, code), lang }
    : { text: signed, lang: 'en' };
}
