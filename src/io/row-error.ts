/**
 * Problems found in an import file, each tied to the line (CSV) or row (XLSX) a user sees.
 * Messages say what is wrong and what is expected; they never repeat cell values, which may be
 * personal data and may reach logs.
 */
export const RowErrorCodes = {
  /** The file is larger than the import limit; it was not read. */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** The file has no content. */
  EMPTY_FILE: 'EMPTY_FILE',
  /** The file is neither CSV nor XLSX (by name and by content). */
  UNSUPPORTED_FILE_TYPE: 'UNSUPPORTED_FILE_TYPE',
  /** The bytes are not valid UTF-8 text (or the text is UTF-16). */
  INVALID_ENCODING: 'INVALID_ENCODING',
  /** A quoted CSV field is never closed. */
  UNTERMINATED_QUOTE: 'UNTERMINATED_QUOTE',
  /** A quote character where RFC 4180 does not allow one. */
  STRAY_QUOTE: 'STRAY_QUOTE',
  /** A CSV line has more or fewer fields than the header. */
  FIELD_COUNT: 'FIELD_COUNT',
  /** The file claims to be XLSX but is not a readable workbook. */
  INVALID_XLSX: 'INVALID_XLSX',
  /** A spreadsheet cell cannot be read as text (error value, formula without result, merged cell). */
  UNSUPPORTED_CELL: 'UNSUPPORTED_CELL',
  /** Line 1 does not hold column names. */
  NO_HEADER: 'NO_HEADER',
  /** A column holds values but has no name in the header. */
  EMPTY_HEADER: 'EMPTY_HEADER',
  /** A header names a column this import does not know. */
  UNKNOWN_COLUMN: 'UNKNOWN_COLUMN',
  /** The same column name appears twice in the header. */
  DUPLICATE_COLUMN: 'DUPLICATE_COLUMN',
  /** A required column is absent from the header. */
  MISSING_COLUMN: 'MISSING_COLUMN',
  /** The file has a header but no data rows. */
  NO_ROWS: 'NO_ROWS',
  /** A required cell is empty. */
  REQUIRED: 'REQUIRED',
  /** A cell is longer than its column allows. */
  TOO_LONG: 'TOO_LONG',
  /** A cell contains control characters (or line breaks where a single line is expected). */
  INVALID_CHARACTERS: 'INVALID_CHARACTERS',
  /** A birth date is not in an accepted form or is not a real date. */
  INVALID_DATE: 'INVALID_DATE',
  /** A sex value is not one of the accepted codes. */
  INVALID_SEX: 'INVALID_SEX',
  /** A category is not one of the person categories. */
  INVALID_CATEGORY: 'INVALID_CATEGORY',
  /** The same id appears on two rows of the file. */
  DUPLICATE_ID: 'DUPLICATE_ID',
  /** The row does not form a valid person record (a safety net behind the checks above). */
  INVALID_ROW: 'INVALID_ROW',
  /** The file could not be read for a reason not covered above. */
  UNREADABLE_FILE: 'UNREADABLE_FILE',
  /** The last entry of a capped error list: how many further errors were left out. */
  TOO_MANY_ERRORS: 'TOO_MANY_ERRORS',
} as const;

export type RowErrorCode = (typeof RowErrorCodes)[keyof typeof RowErrorCodes];

/**
 * The parameters of each code's translated message (catalogue key `msg.row.<CODE>`, rendered in the
 * reader's language); `message` keeps the detailed English text for the CLI and API clients.
 */
export const RowErrorMessageParams = {
  FILE_TOO_LARGE: [],
  EMPTY_FILE: [],
  UNSUPPORTED_FILE_TYPE: [],
  INVALID_ENCODING: [],
  UNTERMINATED_QUOTE: [],
  STRAY_QUOTE: [],
  FIELD_COUNT: ['found', 'expected'],
  INVALID_XLSX: [],
  UNSUPPORTED_CELL: [],
  NO_HEADER: [],
  EMPTY_HEADER: [],
  UNKNOWN_COLUMN: [],
  DUPLICATE_COLUMN: [],
  MISSING_COLUMN: [],
  NO_ROWS: [],
  REQUIRED: [],
  TOO_LONG: ['max'],
  INVALID_CHARACTERS: [],
  INVALID_DATE: [],
  INVALID_SEX: [],
  INVALID_CATEGORY: [],
  DUPLICATE_ID: ['firstLine'],
  INVALID_ROW: [],
  UNREADABLE_FILE: [],
  TOO_MANY_ERRORS: ['omitted'],
} as const satisfies Record<RowErrorCode, readonly string[]>;

/** The catalogue key of a row error's message. */
export const rowErrorMessageCode = (code: RowErrorCode): string => `msg.row.${code}`;

export interface RowError {
  /** 1-based line (CSV) or row (XLSX) as a user sees it; the header is line 1; 0 means the whole file. */
  line: number;
  /** The column's header name when known, otherwise null. */
  column: string | null;
  code: RowErrorCode;
  /** English text for the CLI and API clients; readers see `msg.row.<code>` with `params` translated. */
  message: string;
  /** Parameters of the translated message (`RowErrorMessageParams`); absent when the code has none. */
  params?: Record<string, string | number>;
  /** 1-based character position within the line, for errors found while decoding or parsing text. */
  position?: number;
}

/** Line used for problems with the file as a whole (too large, not a workbook, ...). */
export const WHOLE_FILE = 0;

/** At most this many errors are returned; a final entry says how many more there were. */
export const MAX_ERRORS = 1000;

/**
 * Collects errors in the order they are found (line order, for a sequential reader), keeping only
 * the first `MAX_ERRORS` but counting all, so huge broken files cost bounded memory.
 */
export class ErrorSink implements ErrorBatch {
  readonly errors: RowError[] = [];
  total = 0;

  add(error: RowError): void {
    this.total += 1;
    if (this.errors.length < MAX_ERRORS) this.errors.push(error);
  }
}

/** Errors kept from one reader or validator (at most `MAX_ERRORS`, in line order) and how many in all. */
export interface ErrorBatch {
  readonly errors: readonly RowError[];
  readonly total: number;
}

/**
 * Merges error batches into one list sorted by line (stable, so errors of one line keep their order),
 * capped at `MAX_ERRORS` entries plus a final entry counting the ones left out.
 */
export function finishErrors(...batches: ErrorBatch[]): RowError[] {
  const all = batches.flatMap((b) => b.errors);
  const total = batches.reduce((n, b) => n + b.total, 0);
  all.sort((a, b) => a.line - b.line);
  if (total <= MAX_ERRORS) return all;
  const shown = all.slice(0, MAX_ERRORS);
  const omitted = total - shown.length;
  shown.push({
    line: shown.at(-1)?.line ?? WHOLE_FILE,
    column: null,
    code: RowErrorCodes.TOO_MANY_ERRORS,
    params: { omitted },
    message: `${omitted} more ${omitted === 1 ? 'error was' : 'errors were'} omitted; fix the errors above and import again`,
  });
  return shown;
}
