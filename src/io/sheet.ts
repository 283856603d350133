import type { RowError } from './row-error.ts';

/** One data record of a CSV or spreadsheet file, as text cells. */
export interface SheetRecord {
  /** The line (CSV: where the record starts) or row number (XLSX) a user sees; the header is 1. */
  line: number;
  cells: string[];
}

/** A table read from a file: the header (line 1) and the data records after it. */
export interface Sheet {
  header: string[];
  records: SheetRecord[];
}

/**
 * The outcome of reading a file as a table. `sheet` is null when the file cannot be read at all;
 * otherwise records that could not be read are left out of `sheet.records` and listed in `errors`.
 */
export interface SheetReadResult {
  sheet: Sheet | null;
  /** Errors in line order, at most `MAX_ERRORS`; `finishErrors` turns them into the list users see. */
  errors: RowError[];
  /** How many errors there were in all. */
  total: number;
}

/** A cell value a writer accepts; null and undefined are written as empty cells. */
export type CellInput = string | number | null | undefined;
