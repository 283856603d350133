/**
 * A number as a plain decimal, rounded to the 15 significant digits a spreadsheet shows: never an
 * exponent (1e21 → 1000000000000000000000, 1e-7 → 0.0000001) and never a trailing `.0`.
 */
export function plainNumber(n: number): string {
  if (n === 0) return '0';
  const rounded = Number(n.toPrecision(15));
  // Near the largest double, rounding to 15 digits overflows to Infinity; keep the exact value then.
  const s = String(Number.isFinite(rounded) ? rounded : n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}
