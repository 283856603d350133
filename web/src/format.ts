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

/**
 * An instant (ISO string) in the reader's language, with the zone named: in `timeZone` (an IANA
 * zone such as the crossing's, "Europe/Kyiv") when given, else in the reader's own zone.
 */
export function formatInstant(iso: string | null | undefined, i18n: I18n, timeZone?: string): string {
  if (!iso) return i18n.t('common.empty');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dateTimeFormat(i18n, timeZone, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(d);
}

/**
 * The time of day of an instant (ISO string or Date) in the reader's language: in `timeZone` with
 * the zone named when given (a crossing's clock), else in the reader's own zone.
 */
export function formatTime(at: string | Date | null | undefined, i18n: I18n, timeZone?: string): string {
  if (!at) return i18n.t('common.empty');
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return String(at);
  return dateTimeFormat(i18n, timeZone, {
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZoneName: 'short' } : {}),
  }).format(d);
}

/**
 * A calendar date (YYYY-MM-DD: a stage's day, an agreement's conclusion) in the reader's language.
 * It names a day, not an instant, so no time zone may shift it: it is formatted as that day in UTC.
 */
export function formatDate(date: string | null | undefined, i18n: I18n): string {
  if (!date) return i18n.t('common.empty');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCDate() !== Number(m[3])) return date;
  return new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/**
 * A match explanation as the matching engine writes it ("family_name=exact(+12.1); birth_date=
 * same_year(+5.3)": field, agreement level, weight in bits) in the reader's language, one field a
 * line. Text in another form is shown as it is.
 */
export function explainMatch(explanation: string, i18n: I18n): string {
  const parts = explanation
    .split(';')
    .map((p) => /^\s*([a-z_]+)=([a-z_]+)\(([+-]?\d+(?:\.\d+)?)\)\s*$/.exec(p));
  if (parts.length === 0 || parts.some((m) => m === null)) return explanation;
  const bits = new Intl.NumberFormat(i18n.locale, { signDisplay: 'exceptZero', maximumFractionDigits: 1 });
  return parts
    .map((m) => {
      const [, field = '', level = '', weight = '0'] = m ?? [];
      return `${i18n.code('matchField', field)}: ${i18n.code('matchLevel', level)} (${bits.format(Number(weight))})`;
    })
    .join('\n');
}

/** A count or other number with the reader's language's digit grouping and decimal sign. */
export function formatNumber(n: number, i18n: I18n, options?: Intl.NumberFormatOptions): string {
  return n.toLocaleString(i18n.locale, options);
}

/** A fraction 0..1 as a percentage with one decimal, in the reader's language ("97,5 %" in uk). */
export function formatPercent(fraction: number, i18n: I18n): string {
  return formatNumber(fraction, i18n, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
}

function dateTimeFormat(
  i18n: I18n,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(i18n.locale, { ...options, ...(timeZone ? { timeZone } : {}) });
  } catch {
    // An unknown zone name: the reader's own zone, still named, rather than no time at all.
    return new Intl.DateTimeFormat(i18n.locale, { ...options, timeZoneName: 'short' });
  }
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
