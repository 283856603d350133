/** A birth date as far as it is known: YYYY, YYYY-MM or YYYY-MM-DD. */
export interface PartialDate {
  year: number;
  /** 0 when only the year is known. */
  month: number;
  /** 0 when the day is not known. */
  day: number;
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a real calendar date, year 1000–2999); undefined if not one. */
export function parsePartialDate(text: string): PartialDate | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : 0;
  const day = m[3] ? Number(m[3]) : 0;
  if (year < 1000 || year > 2999) return undefined;
  if (m[2] && (month < 1 || month > 12)) return undefined;
  if (m[3] && (day < 1 || day > daysIn(year, month))) return undefined;
  return { year, month, day };
}

/** Whether two numbers written with the same number of digits differ in exactly one digit. */
export function oneDigitApart(a: number, b: number): boolean {
  if (a === b) return false;
  let diff = 0;
  while (a > 0 || b > 0) {
    if (a % 10 !== b % 10) diff++;
    a = Math.floor(a / 10);
    b = Math.floor(b / 10);
  }
  return diff === 1;
}

/**
 * A counterpart list's birth date, kept as written: a real date as `parsePartialDate` reads it, or
 * an impossible one in the same forms (day beyond the month's length, Feb 29 in a common year, month
 * or day 00, month above 12) read as far as it is real: the year, and the month when it is 01–12.
 * Undefined for text that is not a date in these forms at all.
 */
export function readListDate(text: string): { date: PartialDate; impossible: boolean } | undefined {
  const exact = parsePartialDate(text);
  if (exact) return { date: exact, impossible: false };
  const m = DATE_RE.exec(text.trim());
  if (!m?.[2]) return undefined;
  const year = Number(m[1]);
  if (year < 1000 || year > 2999) return undefined;
  const month = Number(m[2]);
  return { date: { year, month: month >= 1 && month <= 12 ? month : 0, day: 0 }, impossible: true };
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as far as the date is known. */
export function formatPartialDate(d: PartialDate): string {
  const two = (n: number) => String(n).padStart(2, '0');
  if (!d.month) return String(d.year);
  return d.day ? `${d.year}-${two(d.month)}-${two(d.day)}` : `${d.year}-${two(d.month)}`;
}
