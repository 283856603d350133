import type { Cell, CellValue } from 'exceljs';
import ExcelJS from 'exceljs';
import { exportCellText } from './csv.ts';
import { ErrorSink, RowErrorCodes, WHOLE_FILE } from './row-error.ts';
import type { CellInput, SheetReadResult, SheetRecord } from './sheet.ts';
import { checkXlsxArchive } from './zip.ts';

/**
 * A workbook whose parts declare more than this unpacked is refused before it is inflated: the
 * spreadsheet library holds the whole workbook in memory (about 450,000 rows of 10 columns fit).
 */
export const MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024;
/** Rows a worksheet can hold in Excel. */
const MAX_XLSX_ROWS = 1_048_576;

type CellText = { text: string; problem?: undefined } | { problem: string };

/**
 * Reads the first visible worksheet of an XLSX workbook: row 1 is the header, each later non-empty
 * row a record numbered as the spreadsheet shows it. Cells become text: dates → `YYYY-MM-DD` (UTC),
 * numbers → plain decimals (no exponent, no `.0`, zero-padded when formatted as `000…`), rich text →
 * its plain text, formulas → their saved result. Never throws: an unreadable file is an error entry.
 */
export async function readXlsx(bytes: Uint8Array): Promise<SheetReadResult> {
  const sink = new ErrorSink();
  const fail = (
    code: typeof RowErrorCodes.INVALID_XLSX | typeof RowErrorCodes.EMPTY_FILE,
    message: string,
  ) => {
    sink.add({ line: WHOLE_FILE, column: null, code, message });
    return { sheet: null, errors: sink.errors, total: sink.total };
  };
  const archiveProblem = checkXlsxArchive(bytes, MAX_XLSX_UNPACKED_BYTES);
  if (archiveProblem) return fail(RowErrorCodes.INVALID_XLSX, archiveProblem);

  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return fail(RowErrorCodes.INVALID_XLSX, 'the file is not a readable XLSX workbook (it may be damaged)');
  }
  const worksheet = workbook.worksheets.find((ws) => ws.state === 'visible') ?? workbook.worksheets[0];
  if (!worksheet) return fail(RowErrorCodes.INVALID_XLSX, 'the workbook has no worksheets');

  // First pass: every non-empty row as text, and the widest column holding anything.
  const rows: { line: number; cells: (CellText & { address: string })[] }[] = [];
  let width = 0;
  worksheet.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: (CellText & { address: string })[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const converted = cellText(cell);
      cells[col - 1] = { ...converted, address: cell.address };
      if (converted.problem !== undefined || converted.text !== '') width = Math.max(width, col);
    });
    rows.push({ line, cells });
  });
  if (rows.length === 0) return fail(RowErrorCodes.EMPTY_FILE, 'the first worksheet is empty');
  const first = rows[0]!;
  if (first.line !== 1 || !first.cells.some((c) => c && (c.problem !== undefined || c.text.trim() !== ''))) {
    sink.add({
      line: 1,
      column: null,
      code: RowErrorCodes.NO_HEADER,
      message: 'row 1 is empty; it must hold the column names',
    });
    return { sheet: null, errors: sink.errors, total: sink.total };
  }

  const header: string[] = [];
  const records: SheetRecord[] = [];
  for (const row of rows) {
    const texts: string[] = [];
    let ok = true;
    for (let col = 0; col < width; col++) {
      const cell = row.cells[col];
      if (cell?.problem !== undefined) {
        ok = false;
        const name = row.line === 1 ? '' : (header[col] ?? '').trim();
        sink.add({
          line: row.line,
          column: name === '' ? null : name,
          code: RowErrorCodes.UNSUPPORTED_CELL,
          message: `cell ${cell.address} ${cell.problem}`,
        });
      } else texts.push(cell?.text ?? '');
    }
    if (row.line === 1) {
      if (!ok) return { sheet: null, errors: sink.errors, total: sink.total };
      header.push(...texts);
    } else if (ok && texts.some((t) => t !== '')) {
      // Rows listed only for their formatting (or empty merged cells) are not records.
      records.push({ line: row.line, cells: texts });
    }
  }
  return { sheet: { header, records }, errors: sink.errors, total: sink.total };
}

function cellText(cell: Cell): CellText {
  if (cell.type === ExcelJS.ValueType.Merge) {
    // Part of a merged range: the value belongs to the range's first cell.
    const master = valueText(cell.master.value, cell.master.numFmt);
    if (master.problem === undefined && master.text === '') return master;
    return { problem: 'is part of merged cells; unmerge them and fill in each cell' };
  }
  return valueText(cell.value, cell.numFmt);
}

function valueText(value: CellValue, numFmt: string | undefined): CellText {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { problem: 'holds a number that cannot be read' };
    return { text: padToFormat(plainNumber(value), value, numFmt) };
  }
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) {
    const time = value.getTime();
    if (Number.isNaN(time) || value.getUTCFullYear() < 1 || value.getUTCFullYear() > 9999) {
      return { problem: 'holds a date that cannot be read' };
    }
    // exceljs turns the serial number into a UTC instant; local time would shift some dates by a day.
    return { text: value.toISOString().slice(0, 10) };
  }
  if ('formula' in value || 'sharedFormula' in value) {
    const result = value.result;
    if (result === undefined || result === null) {
      return {
        problem:
          'is a formula without a saved result; open the file in a spreadsheet program and save it again',
      };
    }
    if (typeof result === 'object' && 'error' in result)
      return { problem: 'holds a spreadsheet error value' };
    return valueText(result, numFmt);
  }
  if ('richText' in value) return { text: value.richText.map((run) => run.text).join('') };
  if ('hyperlink' in value) return valueText(value.text as CellValue, numFmt);
  if ('error' in value) return { problem: 'holds a spreadsheet error value' };
  return { problem: 'holds a value of a kind that cannot be read' };
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

/** A format like `000000` shows leading zeros (service numbers); keep what the user sees. */
function padToFormat(text: string, value: number, numFmt: string | undefined): string {
  if (numFmt && /^0+$/.test(numFmt) && Number.isInteger(value) && value >= 0) {
    return text.padStart(numFmt.length, '0');
  }
  return text;
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
