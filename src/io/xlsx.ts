import ExcelJS from 'exceljs';
import { exportCellText } from './csv.ts';
import type { CellInput, SheetReadResult } from './sheet.ts';

/** Rows a worksheet can hold in Excel. */
const MAX_XLSX_ROWS = 1_048_576;

/**
 * Reads the first visible worksheet of an XLSX workbook: row 1 is the header, each later non-empty
 * row a record numbered as the spreadsheet shows it. Cells become text: dates → `YYYY-MM-DD` (UTC),
 * numbers → plain decimals (no exponent, no `.0`, zero-padded when formatted as `000…`), rich text →
 * its plain text, formulas → their saved result. Never throws: an unreadable file is an error entry.
 * Reads with `streamXlsx` (`xlsx-stream.ts`, which imports this module: hence the late import);
 * a file on disk is better read with `readXlsxStream({ file })`, which never holds it whole.
 */
export async function readXlsx(bytes: Uint8Array): Promise<SheetReadResult> {
  const { readXlsxStream } = await import('./xlsx-stream.ts');
  return readXlsxStream({ bytes });
}

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

export interface XlsxWriteOptions {
  /** Worksheet name; default `Sheet1`. */
  sheetName?: string;
}

/**
 * Writes a table as a one-sheet XLSX workbook. Every cell is a string cell (numbers too, never a
 * formula), neutralised against formula injection like CSV; the header row is bold and frozen.
 */
export async function toXlsx(
  header: string[],
  rows: CellInput[][],
  options: XlsxWriteOptions = {},
): Promise<Buffer> {
  if (header.length === 0) throw new RangeError('toXlsx needs at least one column');
  if (rows.length + 1 > MAX_XLSX_ROWS) throw new RangeError(`toXlsx: more rows than a worksheet holds`);
  const workbook = new ExcelJS.Workbook();
  const worksheet = workbook.addWorksheet(options.sheetName ?? 'Sheet1', {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  worksheet.addRow(header.map(xlsxCellText));
  worksheet.getRow(1).font = { bold: true };
  rows.forEach((row, index) => {
    if (row.length !== header.length) {
      throw new RangeError(
        `toXlsx: row ${index} has ${row.length} cells but the header has ${header.length}`,
      );
    }
    worksheet.addRow(row.map(xlsxCellText));
  });
  const written = await workbook.xlsx.writeBuffer();
  return Buffer.from(written as unknown as Uint8Array);
}

function xlsxCellText(value: CellInput): string {
  return escapeXlsxText(exportCellText(value));
}

/**
 * Makes text survive the XML inside XLSX the way Excel does it: characters XML cannot carry (control
 * characters, CR, which XML turns into LF) become `_xHHHH_`, and an `_` that would read as the start
 * of such an escape becomes `_x005F_`. Lone surrogates, which cannot be encoded at all, become U+FFFD.
 */
export function escapeXlsxText(s: string): string {
  return s
    .replace(/_(?=x[0-9A-Fa-f]{4})/g, '_x005F_')
    .replace(
      /(?![\t\n])\p{Cc}|[\uFFFE\uFFFF]/gu,
      (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`,
    )
    .replace(/\p{Cs}/gu, '\uFFFD');
}
