import { ErrorSink, RowErrorCodes, WHOLE_FILE } from './row-error.ts';
import type { CellInput, Sheet, SheetReadResult, SheetRecord } from './sheet.ts';
import { decodeUtf8Text } from './utf8.ts';

export type CsvDelimiter = ',' | ';';

export interface CsvReadResult extends SheetReadResult {
  delimiter: CsvDelimiter;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Reads a CSV file (RFC 4180, strict) from its bytes: UTF-8 only (a BOM is skipped), `,` or — when
 * line 1 has no comma but has semicolons, as Excel writes in a Ukrainian locale — `;`. Line breaks
 * are CRLF, LF or a lone CR. Each record carries the physical line it starts on (header = line 1),
 * so a quoted value spanning lines moves later records down as a text editor shows them. Records
 * with errors are reported and left out; blank lines are skipped.
 */
export function parseCsv(bytes: Uint8Array): CsvReadResult {
  const sink = new ErrorSink();
  const text = decodeUtf8Text(bytes, sink);
  if (text === null) return { sheet: null, errors: sink.errors, total: sink.total, delimiter: ',' };
  return withoutResume(parseWith(text, sink));
}

const withoutResume = ({ resume: _, ...read }: CsvReadResult & { resume: unknown }): CsvReadResult => read;

/** Same as `parseCsv` for text already decoded (a leading BOM character is skipped). */
export function parseCsvText(text: string): CsvReadResult {
  return withoutResume(parseWith(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, new ErrorSink()));
}

/** `,` unless line 1 holds no comma outside quotes but does hold a semicolon. */
export function detectDelimiter(text: string): CsvDelimiter {
  let quoted = false;
  let semicolon = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === ',') return ',';
    else if (c === ';') semicolon = true;
    else if (c === '\n' || c === '\r') break;
  }
  return semicolon ? ';' : ',';
}

/**
 * Where a piece of a larger CSV text starts: the delimiter and header found in line 1 and the
 * physical line the piece starts on. Pieces must start at the start of a line, outside quotes.
 */
export interface CsvResume {
  delimiter: CsvDelimiter;
  header: string[];
  line: number;
}

/**
 * Parses one piece of a CSV text that is read piece by piece (`src/io/person-file-stream.ts`): the
 * first piece with `resume` undefined (it holds line 1), later pieces with the state the previous
 * one returned. Errors go to `sink`, as `parseCsv` reports them.
 */
export function parseCsvPiece(
  text: string,
  sink: ErrorSink,
  resume?: CsvResume,
): CsvReadResult & { resume: CsvResume | null } {
  return parseWith(text, sink, resume);
}

function parseWith(
  text: string,
  sink: ErrorSink,
  resume?: CsvResume,
): CsvReadResult & { resume: CsvResume | null } {
  const delimiter = resume?.delimiter ?? detectDelimiter(text);
  const n = text.length;
  if (n === 0 && !resume) {
    sink.add({
      line: WHOLE_FILE,
      column: null,
      code: RowErrorCodes.EMPTY_FILE,
      message: 'the file is empty',
    });
    return { sheet: null, errors: sink.errors, total: sink.total, delimiter, resume: null };
  }
  const delim = delimiter.charCodeAt(0);
  const delimName = delimiter === ',' ? 'commas' : 'semicolons';
  let i = 0;
  let line = resume?.line ?? 1;
  let lineStart = 0;
  let header: string[] | null = resume?.header ?? null;
  const records: SheetRecord[] = [];

  const done = (): CsvReadResult & { resume: CsvResume | null } => {
    const sheet: Sheet | null = header ? { header, records } : null;
    return {
      sheet,
      errors: sink.errors,
      total: sink.total,
      delimiter,
      resume: header ? { delimiter, header, line } : null,
    };
  };
  /** 1-based character column of `index` on the current physical line (code points, like an editor). */
  const positionOf = (index: number): number => {
    let p = 1;
    for (let k = lineStart; k < index; k++) {
      const c = text.charCodeAt(k);
      if (c < 0xdc00 || c > 0xdfff) p += 1;
    }
    return p;
  };
  /** Counts the line breaks inside text[from, to) — the inside of a quoted value. */
  const passLineBreaks = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (c === LF || (c === CR && text.charCodeAt(k + 1) !== LF)) {
        line += 1;
        lineStart = k + 1;
      }
    }
  };
  /** The header name of the field being read, once the header is known. */
  const columnOf = (field: number): string | null => header?.[field]?.trim() || null;
  const strayQuote = (index: number, field: number, what: string) => {
    const position = positionOf(index);
    return {
      line,
      column: columnOf(field),
      code: RowErrorCodes.STRAY_QUOTE,
      position,
      message: `line ${line}, column ${position}: ${what}; a value containing quotes must be enclosed in quotes, with each quote inside doubled ("")`,
    } as const;
  };

  while (i < n) {
    const recordLine = line;
    // A blank (or whitespace-only) physical line is not a record.
    let j = i;
    while (j < n && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j++;
    if (j === n || text.charCodeAt(j) === LF || text.charCodeAt(j) === CR) {
      if (header === null) {
        sink.add({
          line: 1,
          column: null,
          code: RowErrorCodes.NO_HEADER,
          message: 'line 1 is empty; it must hold the column names',
        });
        return done();
      }
      i = endLine(j);
      continue;
    }

    const fields: string[] = [];
    let problem: ReturnType<typeof strayQuote> | null = null;
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        const openLine = line;
        const openPosition = positionOf(i);
        i += 1;
        let value = '';
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            sink.add({
              line: openLine,
              column: columnOf(fields.length),
              code: RowErrorCodes.UNTERMINATED_QUOTE,
              position: openPosition,
              message: `line ${openLine}, column ${openPosition}: a quoted value is never closed; add the closing quote (") or double each quote inside the value ("")`,
            });
            return done();
          }
          passLineBreaks(i, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(i, q + 1);
            i = q + 2;
          } else {
            value += text.slice(i, q);
            i = q + 1;
            break;
          }
        }
        fields.push(value);
        const c = text.charCodeAt(i);
        if (i < n && c !== delim && c !== LF && c !== CR) {
          problem ??= strayQuote(i, fields.length - 1, 'unexpected text after a closing quote');
          i = skipUnquoted(i);
        }
      } else {
        const from = i;
        for (; i < n; i++) {
          const c = text.charCodeAt(i);
          if (c === delim || c === LF || c === CR) break;
          if (c === QUOTE) {
            problem ??= strayQuote(
              i,
              fields.length,
              'a quote inside a value that does not start with a quote',
            );
          }
        }
        fields.push(text.slice(from, i));
      }
      if (i < n && text.charCodeAt(i) === delim) {
        i += 1;
        continue;
      }
      break;
    }
    i = endLine(i);

    if (problem) {
      sink.add(problem);
      if (header === null) return done();
    } else if (header === null) {
      header = fields;
    } else if (fields.length !== header.length) {
      sink.add({
        line: recordLine,
        column: null,
        code: RowErrorCodes.FIELD_COUNT,
        params: { found: fields.length, expected: header.length },
        message: `line ${recordLine} has ${fields.length} ${fields.length === 1 ? 'value' : 'values'} but the header has ${header.length}; values containing ${delimName} must be enclosed in quotes`,
      });
    } else {
      records.push({ line: recordLine, cells: fields });
    }
  }
  return done();

  /** Skips one line break at `k` (if any) and starts the next physical line. */
  function endLine(k: number): number {
    const c = text.charCodeAt(k);
    if (c === CR) k += text.charCodeAt(k + 1) === LF ? 2 : 1;
    else if (c === LF) k += 1;
    else return k;
    line += 1;
    lineStart = k;
    return k;
  }

  /** Error recovery: skips to the next delimiter or line end, treating quotes as plain text. */
  function skipUnquoted(k: number): number {
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === delim || c === LF || c === CR) break;
      k++;
    }
    return k;
  }
}

/**
 * Makes a cell safe to open in a spreadsheet (OWASP "CSV injection"): a value starting with `=`,
 * `+`, `-`, `@`, tab or carriage return could run as a formula, so it gets a leading `'`.
 */
export function neutraliseCell(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/**
 * Undo `neutraliseCell` when reading a file back: a `'` before a formula character is the guard an
 * export (ours or a spreadsheet's) put there, not part of the value, so exported files re-import
 * unchanged.
 */
export function unneutraliseCell(s: string): string {
  return /^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s;
}

/**
 * Text of a cell for export: strings are neutralised; numbers are written as they are (a number's
 * text cannot form a formula); null and undefined are empty.
 */
export function exportCellText(value: CellInput): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return neutraliseCell(value);
}

export interface CsvWriteOptions {
  /** Start with a UTF-8 byte order mark, which Excel needs to show Cyrillic correctly. Default false. */
  bom?: boolean;
}

/**
 * Writes a table as RFC 4180 CSV with `,` and CRLF (after every line, the last too). Values are
 * quoted when they hold a quote, comma, semicolon, line break or edge whitespace; string cells are
 * neutralised against formula injection. Every row must have as many cells as the header.
 */
export function toCsv(header: string[], rows: CellInput[][], options: CsvWriteOptions = {}): string {
  if (header.length === 0) throw new RangeError('toCsv needs at least one column');
  const out: string[] = [];
  const writeRow = (cells: readonly CellInput[]) => {
    const texts = cells.map((c) => quoteCsv(exportCellText(c)));
    // A lone empty value would be a blank line, which readers skip.
    if (texts.length === 1 && texts[0] === '') texts[0] = '""';
    out.push(texts.join(','), '\r\n');
  };
  writeRow(header);
  rows.forEach((row, index) => {
    if (row.length !== header.length) {
      throw new RangeError(`toCsv: row ${index} has ${row.length} cells but the header has ${header.length}`);
    }
    writeRow(row);
  });
  return (options.bom ? '\uFEFF' : '') + out.join('');
}

function quoteCsv(s: string): string {
  // Edge whitespace and a leading U+FEFF would be lost by readers that skip blank lines or a BOM.
  return /[",;\r\n]|^[ \t\uFEFF]|[ \t]$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
