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
