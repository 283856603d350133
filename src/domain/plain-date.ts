/** A calendar date as `YYYY-MM-DD`, never a JS Date (which shifts by a day across time zones). */
export type PlainDate = string & { readonly __brand: 'PlainDate' };

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidPlainDate(s: string): s is PlainDate {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1800 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** How much of a birth date is known. */
export const DatePrecisions = ['day', 'month', 'year', 'approximate'] as const;
export type DatePrecision = (typeof DatePrecisions)[number];

/**
 * A birth date as written in a list: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, or `~YYYY` (approximate).
 * Stored as a full PlainDate (missing parts set to 01) plus its precision.
 */
export interface PartialDate {
  date: PlainDate;
  precision: DatePrecision;
}

export function parsePartialDate(input: string): PartialDate | undefined {
  const s = input.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return isValidPlainDate(s) ? { date: s, precision: 'day' } : undefined;
  m = /^(\d{4})-(\d{2})$/.exec(s);
  if (m) {
    const d = `${s}-01`;
    return isValidPlainDate(d) ? { date: d, precision: 'month' } : undefined;
  }
  m = /^(~|ca\.?\s*)?(\d{4})$/.exec(s);
  if (m) {
    const d = `${m[2]}-01-01`;
    if (!isValidPlainDate(d)) return undefined;
    return { date: d, precision: m[1] ? 'approximate' : 'year' };
  }
  // DD.MM.YYYY, the form used in Ukrainian and Russian documents.
  m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(s);
  if (m) {
    const d = `${m[3]}-${m[2]}-${m[1]}`;
    return isValidPlainDate(d) ? { date: d, precision: 'day' } : undefined;
  }
  return undefined;
}

/**
 * A birth date as a counterpart wrote it, read as far as it is a real date. The counterpart's data
 * is kept as written, so an impossible date in an accepted form (a day beyond the month's length,
 * Feb 29 in a common year, month 00 or 13, day 00) is not refused: it keeps what it does say, the
 * year and the month if that is real, and is marked `impossible`. Registry imports stay strict
 * (`parsePartialDate`).
 */
export interface WrittenDate {
  date: PartialDate;
  impossible: boolean;
}

/**
 * `parsePartialDate`, and for an impossible date in one of its forms (`YYYY-MM-DD`, `YYYY-MM`,
 * `DD.MM.YYYY`, a year from 1800 on) the year and, when it is 01–12, the month. Undefined for text
 * that is not a date at all.
 */
export function readWrittenDate(input: string): WrittenDate | undefined {
  const exact = parsePartialDate(input);
  if (exact) return { date: exact, impossible: false };
  const s = input.trim();
  const iso = /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(s);
  const dotted = /^\d{2}\.(\d{2})\.(\d{4})$/.exec(s);
  const year = iso?.[1] ?? dotted?.[2];
  const mm = iso?.[2] ?? dotted?.[1];
  if (!year || !mm || !isValidPlainDate(`${year}-01-01`)) return undefined;
  const month = Number(mm);
  if (month >= 1 && month <= 12)
    return { date: { date: `${year}-${mm}-01` as PlainDate, precision: 'month' }, impossible: true };
  return { date: { date: `${year}-01-01` as PlainDate, precision: 'year' }, impossible: true };
}

/** Render a partial date back to its shortest exact form. */
export function formatPartialDate(p: PartialDate): string {
  switch (p.precision) {
    case 'day':
      return p.date;
    case 'month':
      return p.date.slice(0, 7);
    case 'year':
      return p.date.slice(0, 4);
    case 'approximate':
      return `~${p.date.slice(0, 4)}`;
  }
}

export function birthYear(p: PartialDate): number {
  return Number(p.date.slice(0, 4));
}
