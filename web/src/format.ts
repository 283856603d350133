import { parsePartialDate } from '../../src/domain/plain-date.ts';
import { ApiError, type BirthDate, type PersonName } from './api.ts';
import type { I18n } from './i18n.ts';

/** "Family Given Patronymic", the order used in Ukrainian and Russian lists. */
export function fullName(n: PersonName): string {
  return [n.family, n.given, n.patronymic].filter((p) => p?.trim()).join(' ');
}

/** The first name form written in a script, if any. */
export function nameInScript(names: readonly PersonName[], script: 'Cyrl' | 'Latn'): PersonName | undefined {
  return names.find((n) => n.script === script);
}

/** A birth date shown only as precisely as it is known (never through a JS Date). */
export function formatBirth(birth: BirthDate | null | undefined, i18n: I18n): string {
  if (!birth) return i18n.t('common.empty');
  const [y = '', m = '', d = ''] = birth.date.split('-');
  const dotted = i18n.lang !== 'en';
  switch (birth.precision) {
    case 'day':
      return dotted ? `${d}.${m}.${y}` : `${y}-${m}-${d}`;
    case 'month':
      return dotted ? `${m}.${y}` : `${y}-${m}`;
    case 'year':
      return y;
    case 'approximate':
      return i18n.t('date.approx', { year: y });
    default:
      return birth.date;
  }
}

/** Birth date back to the shortest form the form's input accepts. */
export function birthToInput(birth: BirthDate | null | undefined): string {
  if (!birth) return '';
  switch (birth.precision) {
    case 'month':
      return birth.date.slice(0, 7);
    case 'year':
      return birth.date.slice(0, 4);
    case 'approximate':
      return `~${birth.date.slice(0, 4)}`;
    default:
      return birth.date;
  }
}

/**
 * Parse what a person types as a birth date, with the same forms the import accepts:
 * YYYY-MM-DD, YYYY-MM, YYYY, ~YYYY (approximate), DD.MM.YYYY. Returns null for empty, undefined if bad.
 * The rules are the server's own (src/domain/plain-date.ts), so the form and the import agree.
 */
export function parseBirthInput(input: string): BirthDate | null | undefined {
  if (!input.trim()) return null;
  return parsePartialDate(input);
}

/** An instant (ISO string) in the reader's local time, with the zone named. */
export function formatInstant(iso: string | null | undefined, i18n: I18n): string {
  if (!iso) return i18n.t('common.empty');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(d);
}

/** Current local time as a value for <input type="datetime-local">. */
export function nowLocalInput(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A message for an error, translated where the code has a general meaning. */
export function errorMessage(e: unknown, i18n: I18n): string {
  if (e instanceof ApiError) {
    if (e.code === 'NETWORK') return i18n.t('common.networkError');
    if (e.code === 'NOT_FOUND') return i18n.t('common.notFound');
    if (e.code === 'FORBIDDEN') return i18n.t('common.forbidden');
    if (e.code === 'UNAUTHENTICATED') return i18n.t('common.sessionExpired');
    // An exchange rule's refusal names its violation: say it in the reader's language.
    const violation = e.details?.violation;
    if (typeof violation === 'string') {
      const text = i18n.code('violation', violation);
      if (text !== violation) return text;
    }
    return e.message;
  }
  return i18n.t('common.unexpected', { message: e instanceof Error ? e.message : String(e) });
}

/** Blank strings become null, so optional fields are sent as "not set" rather than "". */
export function blankToNull(s: string | null | undefined): string | null {
  const v = s?.trim();
  return v ? v : null;
}
