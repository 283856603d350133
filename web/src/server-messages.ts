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

/** A warning's text in `lang`. */
export function warningText(lang: Language, w: CodedText): string {
  return w.code ? formatMessage(lang, w.code, w.params ?? {}) : w.message;
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
