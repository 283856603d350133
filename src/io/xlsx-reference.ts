// For the tests: the exceljs-based whole-workbook reader, the reference for the streaming reader.
import type { Cell, CellValue } from 'exceljs';
import ExcelJS from 'exceljs';
import { plainNumber } from './plain-number.ts';
import { ErrorSink, RowErrorCodes, WHOLE_FILE } from './row-error.ts';
import type { SheetReadResult, SheetRecord } from './sheet.ts';

type CellText = { text: string; problem?: undefined } | { problem: string };

/**
 * The whole-workbook reader over exceljs that the node used before `streamXlsx`: kept as the
 * reference the streaming reader is checked against. Holds the whole workbook in memory and has no
 * guard against decompression bombs: for tests only.
 */
export async function readXlsxWhole(bytes: Uint8Array): Promise<SheetReadResult> {
  const sink = new ErrorSink();
  const fail = (
    code: typeof RowErrorCodes.INVALID_XLSX | typeof RowErrorCodes.EMPTY_FILE,
    message: string,
  ) => {
    sink.add({ line: WHOLE_FILE, column: null, code, message });
    return { sheet: null, errors: sink.errors, total: sink.total };
  };
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

/** A format like `000000` shows leading zeros (service numbers); keep what the user sees. */
function padToFormat(text: string, value: number, numFmt: string | undefined): string {
  if (numFmt && /^0+$/.test(numFmt) && Number.isInteger(value) && value >= 0) {
    return text.padStart(numFmt.length, '0');
  }
  return text;
}
