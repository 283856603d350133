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
 * Reads with `streamXlsx` (`xlsx-stream.ts`, imported when called: writing a workbook loads no reader);
 * a file on disk is better read with `readXlsxStream({ file })`, which never holds it whole.
 */
export async function readXlsx(bytes: Uint8Array): Promise<SheetReadResult> {
  const { readXlsxStream } = await import('./xlsx-stream.ts');
  return readXlsxStream({ bytes });
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
