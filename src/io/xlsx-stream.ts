/**
 * Reads the first visible worksheet of an XLSX workbook as a stream, from a file or from bytes, with
 * memory bounded by the file size: the zip is read with `yauzl` (random access to the file, each
 * entry inflated as a stream, entry sizes checked against the directory, Zip64), the XML with the
 * `saxes` SAX parser. Only the shared strings (bounded by the entry size limit), the number formats
 * and the merged ranges are held; rows go to the caller in batches as they are read.
 *
 * The worksheet is read twice: the first pass finds the merged ranges (listed after the rows) and
 * the widest column holding anything, the second hands out the rows. What comes out is what
 * `readXlsx` (the whole-workbook reader over exceljs) makes of the same workbook — the same text
 * per cell, the same problems by row and column — which a property test checks.
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import yauzl from 'yauzl';
import { plainNumber } from './plain-number.ts';
import { ErrorSink, RowErrorCodes, WHOLE_FILE } from './row-error.ts';
import type { SheetReadResult, SheetRecord } from './sheet.ts';
import { startsLikeZip } from './zip.ts';

/** A workbook whose parts unpack to more than this (declared or actually inflated) is refused. */
export const MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024;
/**
 * And to more than this many times the file's own size (but always 10 MB): real workbooks unpack to
 * 3–20 times their size, a decompression bomb to up to 1,030 times. Tied to the file so that a 1 MB
 * bomb stops within 50 MB of XML (read twice: about a second of parsing), not 200 MB.
 */
export const MAX_XLSX_EXPANSION = 50;
const MIN_UNPACKED_ALLOWANCE = 10 * 1024 * 1024;
const MAX_SHARED_STRINGS_BYTES = 50 * 1024 * 1024;
/** Columns a worksheet can hold in Excel. */
const MAX_COLUMNS = 16_384;
const MAX_ROWS = 1_048_576;
const MAX_ENTRIES = 10_000;
const MAX_MERGES = 1_000_000;
const MAX_MERGED_CELLS = 5_000_000;

export type XlsxSource = { file: string } | { bytes: Uint8Array };

export interface XlsxStreamOptions {
  /** Refuse a workbook whose parts unpack to more than this; default MAX_XLSX_UNPACKED_BYTES. */
  maxUnpackedBytes?: number | undefined;
  /** The shared strings (held in memory) may unpack to at most this; default 50 MB (the upload limit). */
  maxSharedStringsBytes?: number | undefined;
  /** Records per batch; default 1000. */
  batchRows?: number | undefined;
}

export interface XlsxHandler {
  /** Row 1 as text, widened to the widest column holding anything. */
  header(header: string[]): void | Promise<void>;
  /**
   * Data records in row order (rows with a bad cell are reported to the sink and left out), with
   * the share of the worksheet read so far (0–1; the first pass over it is not counted).
   */
  records(records: SheetRecord[], fractionRead: number): void | Promise<void>;
}

/** A problem with the whole file: its message is for the user (never quotes the file). */
class XlsxProblem extends Error {
  constructor(
    readonly code: typeof RowErrorCodes.INVALID_XLSX | typeof RowErrorCodes.EMPTY_FILE,
    message: string,
  ) {
    super(message);
  }
}

const DAMAGED = 'the XLSX file is damaged or incomplete';
const UNREADABLE = 'the file is not a readable XLSX workbook (it may be damaged)';
const TOO_LARGE = 'the workbook is too large when unpacked; split it into smaller files';

/**
 * Streams the worksheet: `handler.header` once, then `handler.records` batches. Problems go to
 * `sink` (whole-file problems as one WHOLE_FILE entry). Returns false when the worksheet could not be
 * read at all (no header was handed out). Throws only what the handler throws.
 */
export async function streamXlsx(
  source: XlsxSource,
  sink: ErrorSink,
  handler: XlsxHandler,
  opts: XlsxStreamOptions = {},
): Promise<boolean> {
  let zip: Zip | undefined;
  try {
    zip = await Zip.open(source, opts.maxUnpackedBytes ?? MAX_XLSX_UNPACKED_BYTES);
    const book = await readWorkbook(zip, opts.maxSharedStringsBytes ?? MAX_SHARED_STRINGS_BYTES);
    const pass1 = await prescan(zip, book);
    return await emitRows(zip, book, pass1, sink, handler, opts.batchRows ?? 1000);
  } catch (e) {
    if (e instanceof HandlerError) throw e.cause;
    const problem = e instanceof XlsxProblem ? e : new XlsxProblem(RowErrorCodes.INVALID_XLSX, UNREADABLE);
    sink.add({ line: WHOLE_FILE, column: null, code: problem.code, message: problem.message });
    return false;
  } finally {
    zip?.close();
  }
}

/** The whole worksheet as a table (small files, tests): `streamXlsx` collected. */
export async function readXlsxStream(
  source: XlsxSource,
  opts: XlsxStreamOptions = {},
): Promise<SheetReadResult> {
  const sink = new ErrorSink();
  let header: string[] = [];
  const records: SheetRecord[] = [];
  const ok = await streamXlsx(
    source,
    sink,
    {
      header: (h) => {
        header = h;
      },
      records: (r) => {
        records.push(...r);
      },
    },
    opts,
  );
  return { sheet: ok ? { header, records } : null, errors: sink.errors, total: sink.total };
}

class HandlerError extends Error {}

// ---------------------------------------------------------------------------------------------
// The zip archive

class Zip {
  /** Bytes actually inflated from each entry (the most of its reads: a worksheet is read twice). */
  private readonly inflated = new Map<string, number>();
  private constructor(
    private readonly file: yauzl.ZipFile,
    readonly entries: Map<string, yauzl.Entry>,
    private readonly maxBytes: number,
  ) {}

  static async open(source: XlsxSource, maxUnpacked: number): Promise<Zip> {
    if (!startsLikeZip(await head(source)))
      throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, 'the file is not an XLSX workbook');
    const fileBytes =
      'bytes' in source ? source.bytes.byteLength : (await fs.promises.stat(source.file)).size;
    const maxBytes = Math.min(maxUnpacked, Math.max(MIN_UNPACKED_ALLOWANCE, MAX_XLSX_EXPANSION * fileBytes));
    const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false };
    let file: yauzl.ZipFile;
    try {
      file = await new Promise<yauzl.ZipFile>((resolve, reject) => {
        const done = (err: Error | null, z: yauzl.ZipFile) => (err ? reject(err) : resolve(z));
        if ('file' in source) yauzl.open(source.file, options, done);
        else
          yauzl.fromBuffer(
            Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength),
            options,
            done,
          );
      });
    } catch {
      throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, `${DAMAGED} (its zip directory is missing)`);
    }
    const entries = new Map<string, yauzl.Entry>();
    try {
      await new Promise<void>((resolve, reject) => {
        file.on('entry', (entry: yauzl.Entry) => {
          if (entries.size >= MAX_ENTRIES)
            return reject(new XlsxProblem(RowErrorCodes.INVALID_XLSX, UNREADABLE));
          entries.set(entry.fileName, entry);
          file.readEntry();
        });
        file.on('end', () => resolve());
        file.on('error', reject);
        file.readEntry();
      });
    } catch (e) {
      file.close();
      if (e instanceof XlsxProblem) throw e;
      throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, DAMAGED);
    }
    const zip = new Zip(file, entries, maxBytes);
    if (!entries.has('xl/workbook.xml')) {
      zip.close();
      throw new XlsxProblem(
        RowErrorCodes.INVALID_XLSX,
        'the file is a zip archive but not an Excel workbook',
      );
    }
    let declared = 0;
    for (const e of entries.values()) declared += e.uncompressedSize;
    if (declared > maxBytes) {
      zip.close();
      throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, TOO_LARGE);
    }
    return zip;
  }

  close(): void {
    this.file.close();
  }

  /**
   * Inflates `name` through `parser`, yielding after each piece so `between` can hand out what the
   * piece completed. The bytes actually inflated (not what the directory declares) are held to the
   * limit, all entries together, and to `maxEntryBytes` for this one.
   */
  async parse(
    name: string,
    parser: SaxesParser,
    between?: (fractionRead: number) => Promise<void>,
    maxEntryBytes?: number,
  ): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, UNREADABLE);
    let stream: Readable;
    try {
      stream = await new Promise<Readable>((resolve, reject) =>
        this.file.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
      );
    } catch {
      throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, DAMAGED);
    }
    const decoder = new TextDecoder('utf-8');
    const others = [...this.inflated].reduce((sum, [n, b]) => (n === name ? sum : sum + b), 0);
    const limit = Math.min(this.maxBytes - others, maxEntryBytes ?? Number.POSITIVE_INFINITY);
    let read = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        read += chunk.length;
        if (read > limit) throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, TOO_LARGE);
        parser.write(decoder.decode(chunk, { stream: true }));
        if (between)
          await between(entry.uncompressedSize > 0 ? Math.min(1, read / entry.uncompressedSize) : 1);
      }
      parser.write(decoder.decode());
      parser.close();
      if (between) await between(1);
    } catch (e) {
      if (e instanceof XlsxProblem || e instanceof HandlerError) throw e;
      throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, UNREADABLE);
    } finally {
      stream.destroy();
      this.inflated.set(name, Math.max(read, this.inflated.get(name) ?? 0));
    }
  }
}

async function head(source: XlsxSource): Promise<Uint8Array> {
  if ('bytes' in source) return source.bytes.subarray(0, 4);
  const handle = await fs.promises.open(source.file, 'r');
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A SAX parser whose element names lose their namespace prefix (`x:row` is `row`). */
function sax(
  open: (name: string, attrs: Record<string, string>) => void,
  text: (t: string) => void,
  close: (name: string) => void,
): SaxesParser {
  const parser = new SaxesParser({ xmlns: false });
  const local = (n: string) => n.slice(n.indexOf(':') + 1);
  parser.on('opentag', (tag: SaxesTagPlain) => {
    open(local(tag.name), tag.attributes as Record<string, string>);
    if (tag.isSelfClosing) close(local(tag.name));
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) close(local(tag.name));
  });
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('error', (e) => {
    throw e;
  });
  return parser;
}

// ---------------------------------------------------------------------------------------------
// Workbook, styles, shared strings

interface Workbook {
  sheet: string;
  date1904: boolean;
  /** Number format of each cell style (`s`), as exceljs names them. */
  numFmts: (string | undefined)[];
  /** Shared strings: text, or rich text (the runs' text joined), or null (an empty `<si/>`). */
  strings: (string | null)[];
}

async function readWorkbook(zip: Zip, maxStrings: number): Promise<Workbook> {
  const sheets: { state: string; rid: string }[] = [];
  let date1904 = false;
  await zip.parse(
    'xl/workbook.xml',
    sax(
      (name, a) => {
        if (name === 'sheet')
          sheets.push({ state: a.state ?? 'visible', rid: a['r:id'] ?? a.id ?? attrEnding(a, ':id') ?? '' });
        else if (name === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
      },
      () => {},
      () => {},
    ),
  );
  const chosen = sheets.find((s) => s.state === 'visible') ?? sheets[0];
  if (!chosen) throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, 'the workbook has no worksheets');
  const targets = new Map<string, string>();
  if (zip.entries.has('xl/_rels/workbook.xml.rels'))
    await zip.parse(
      'xl/_rels/workbook.xml.rels',
      sax(
        (name, a) => {
          if (name === 'Relationship' && a.Id && a.Target) targets.set(a.Id, a.Target);
        },
        () => {},
        () => {},
      ),
    );
  const target = targets.get(chosen.rid);
  if (!target) throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, UNREADABLE);
  const sheet = target.startsWith('/') ? target.slice(1) : `xl/${target}`.replace(/\/\.\//g, '/');
  if (!zip.entries.has(sheet)) throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, UNREADABLE);
  return {
    sheet,
    date1904,
    numFmts: await readStyles(zip),
    strings: await readSharedStrings(zip, maxStrings),
  };
}

function attrEnding(a: Record<string, string>, suffix: string): string | undefined {
  for (const [k, v] of Object.entries(a)) if (k.endsWith(suffix)) return v;
  return undefined;
}

/** The number formats exceljs knows by id (those that do not depend on the locale). */
const BUILT_IN_FORMATS: Record<number, string> = {
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy "h":mm',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00 ;(#,##0.00)',
  40: '#,##0.00 ;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
};

async function readStyles(zip: Zip): Promise<(string | undefined)[]> {
  if (!zip.entries.has('xl/styles.xml')) return [];
  const custom = new Map<number, string>();
  const xfIds: number[] = [];
  let inCellXfs = false;
  await zip.parse(
    'xl/styles.xml',
    sax(
      (name, a) => {
        if (name === 'numFmt' && a.numFmtId !== undefined && a.formatCode !== undefined)
          custom.set(Number.parseInt(a.numFmtId, 10), a.formatCode);
        else if (name === 'cellXfs') inCellXfs = true;
        else if (name === 'xf' && inCellXfs) xfIds.push(Number.parseInt(a.numFmtId ?? '0', 10));
      },
      () => {},
      (name) => {
        if (name === 'cellXfs') inCellXfs = false;
      },
    ),
  );
  return xfIds.map((id) => (id ? (custom.get(id) ?? BUILT_IN_FORMATS[id]) : undefined));
}

/** `_xHHHH_` escapes (how XLSX carries control characters) in shared and rich text, as exceljs reads them. */
const unescapeText = (t: string) =>
  t.replace(/_x([0-9A-F]{4})_/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

async function readSharedStrings(zip: Zip, maxBytes: number): Promise<(string | null)[]> {
  const name = 'xl/sharedStrings.xml';
  if (!zip.entries.has(name)) return [];
  const strings: (string | null)[] = [];
  let current: string | null = null;
  let piece: string | null = null;
  let skip = 0;
  await zip.parse(
    name,
    sax(
      (tag) => {
        if (skip > 0 || tag === 'rPh') skip += 1;
        else if (tag === 'si') current = null;
        else if (tag === 't') piece = '';
      },
      (text) => {
        if (skip === 0 && piece !== null) piece += text;
      },
      (tag) => {
        if (skip > 0) skip -= 1;
        else if (tag === 't' && piece !== null) {
          current = (current ?? '') + unescapeText(piece);
          piece = null;
        } else if (tag === 'si') strings.push(current);
      },
    ),
    undefined,
    maxBytes,
  );
  return strings;
}

// ---------------------------------------------------------------------------------------------
// Cells

type CellText = { text: string; problem?: undefined } | { problem: string };
const EMPTY: CellText = { text: '' };
const MERGED_PROBLEM: CellText = { problem: 'is part of merged cells; unmerge them and fill in each cell' };

interface RawCell {
  col: number;
  type: string | undefined;
  style: number | undefined;
  formula: boolean;
  value: string | undefined;
  /** Inline rich text runs' text (`<is><r>`), when there were runs. */
  rich: string | undefined;
}

/** What exceljs would show for a cell, as text or a problem; null for a cell without a value. */
function cellText(c: RawCell, book: Workbook): CellText | null {
  const numFmt = c.style !== undefined ? book.numFmts[c.style] : undefined;
  const isDate = isDateFormat(numFmt);
  if (c.formula) {
    let result: unknown;
    if (c.value) {
      if (c.type === 'str') result = xmlDecode(c.value);
      else if (c.type === 'b') result = Number.parseInt(c.value, 10) !== 0;
      else if (c.type === 'e') return { problem: 'holds a spreadsheet error value' };
      else result = Number.parseFloat(c.value);
    }
    if (result === undefined)
      return {
        problem:
          'is a formula without a saved result; open the file in a spreadsheet program and save it again',
      };
    if (isDate) result = excelToDate(result, book.date1904);
    return valueText(result, numFmt);
  }
  if (c.rich !== undefined) return { text: c.rich };
  if (c.value === undefined) return null;
  switch (c.type) {
    case 's': {
      const s = book.strings[Number.parseInt(c.value, 10)];
      if (s === undefined) throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, UNREADABLE);
      return s === null ? { problem: 'holds a value of a kind that cannot be read' } : { text: s };
    }
    case 'str':
      return { text: xmlDecode(c.value) };
    case 'inlineStr':
      return { text: c.value };
    case 'b':
      return { text: Number.parseInt(c.value, 10) !== 0 ? 'TRUE' : 'FALSE' };
    case 'e':
      return { problem: 'holds a spreadsheet error value' };
    default: {
      const n = Number.parseFloat(c.value);
      return valueText(isDate ? excelToDate(n, book.date1904) : n, numFmt);
    }
  }
}

function valueText(value: unknown, numFmt: string | undefined): CellText {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { problem: 'holds a number that cannot be read' };
    const text = plainNumber(value);
    if (numFmt && /^0+$/.test(numFmt) && Number.isInteger(value) && value >= 0)
      return { text: text.padStart(numFmt.length, '0') };
    return { text };
  }
  const d = value as Date;
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999)
    return { problem: 'holds a date that cannot be read' };
  return { text: d.toISOString().slice(0, 10) };
}

/** exceljs's test: any of y m d h s b outside quotes and brackets. */
function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  const bare = fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhMsb]+/.test(bare);
}

function excelToDate(v: unknown, date1904: boolean): Date {
  return new Date(Math.round(((v as number) - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
}

/** A second decoding of the five entities, as exceljs applies it to `str` cells. */
function xmlDecode(text: string): string {
  return text.replace(/&([a-z]*);/g, (c) => {
    switch (c) {
      case '&lt;':
        return '<';
      case '&gt;':
        return '>';
      case '&amp;':
        return '&';
      case '&apos;':
        return "'";
      case '&quot;':
        return '"';
      default:
        return c;
    }
  });
}

/** "AB12" → column 28 (1-based) and row 12; null when it is not a cell reference. */
function parseRef(ref: string): { col: number; row: number } | null {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref);
  if (!m) return null;
  let col = 0;
  for (const ch of m[1]!.toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  const row = Number(m[2]);
  if (col > MAX_COLUMNS || row < 1 || row > MAX_ROWS) return null;
  return { col, row };
}

function columnName(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// ---------------------------------------------------------------------------------------------
// The worksheet

interface Merge {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * Reads the worksheet's rows as raw cells, calling `onRow(row, cells)` for each `<row>` in order;
 * merged ranges go to `onMerge`. `between` runs after each inflated piece.
 */
function sheetParser(
  onRow: (row: number, cells: RawCell[]) => void,
  onMerge: (m: Merge) => void,
): SaxesParser {
  let rowNumber = 0;
  let cells: RawCell[] = [];
  let cell: RawCell | null = null;
  let lastCol = 0;
  let into: 'v' | 'f' | 't' | null = null;
  let formulaText = '';
  let inRun = 0;
  let runText: string | null = null;
  let runs: string | undefined;
  let inRow = false;
  const bad = () => new XlsxProblem(RowErrorCodes.INVALID_XLSX, UNREADABLE);
  return sax(
    (name, a) => {
      if (name === 'row') {
        const r = a.r !== undefined ? Number(a.r) : rowNumber + 1;
        if (!Number.isInteger(r) || r <= rowNumber || r > MAX_ROWS) throw bad();
        rowNumber = r;
        cells = [];
        lastCol = 0;
        inRow = true;
      } else if (name === 'c' && inRow) {
        let col = lastCol + 1;
        if (a.r !== undefined) {
          const ref = parseRef(a.r);
          if (!ref || ref.row !== rowNumber) throw bad();
          col = ref.col;
        }
        if (col <= lastCol || col > MAX_COLUMNS) throw bad();
        lastCol = col;
        const s = a.s !== undefined ? Number.parseInt(a.s, 10) : undefined;
        cell = { col, type: a.t, style: s, formula: false, value: undefined, rich: undefined };
        formulaText = '';
        runs = undefined;
      } else if (cell) {
        if (name === 'f') {
          into = 'f';
          if (a.t !== undefined) cell.formula = true;
        } else if (name === 'v') into = 'v';
        else if (name === 'r') {
          inRun += 1;
          runs ??= '';
        } else if (name === 't') {
          if (inRun > 0) runText = '';
          else into = 't';
        }
      } else if (name === 'mergeCell' && a.ref) {
        const [from, to] = a.ref.split(':');
        const f = parseRef(from ?? '');
        const t = to === undefined ? f : parseRef(to);
        if (!f || !t) throw bad();
        onMerge({
          top: Math.min(f.row, t.row),
          left: Math.min(f.col, t.col),
          bottom: Math.max(f.row, t.row),
          right: Math.max(f.col, t.col),
        });
      }
    },
    (text) => {
      if (!cell) return;
      if (runText !== null) runText += text;
      else if (into === 'f') formulaText += text;
      else if (into === 'v' || into === 't') cell.value = (cell.value ?? '') + text;
    },
    (name) => {
      if (name === 'row') {
        if (inRow) onRow(rowNumber, cells);
        inRow = false;
      } else if (name === 'c' && cell) {
        if (formulaText !== '') cell.formula = true;
        if (runs !== undefined) cell.rich = runs;
        cells.push(cell);
        cell = null;
      } else if (cell) {
        if (name === 't' && runText !== null) {
          runs = (runs ?? '') + unescapeText(runText);
          runText = null;
        } else if (name === 'r') inRun -= 1;
        else if (name === 'f' || name === 'v' || name === 't' || name === 'is') into = null;
      }
    },
  );
}

interface Prescan {
  merges: Merge[];
  /** Widest column (1-based) holding text or a problem in any row, merged cells included. */
  width: number;
}

const hasSlaves = (m: Merge) => m.bottom > m.top || m.right > m.left;
const holds = (t: CellText | null | undefined) => !!t && (t.problem !== undefined || t.text !== '');

async function prescan(zip: Zip, book: Workbook): Promise<Prescan> {
  const merges: Merge[] = [];
  let width = 0;
  await zip.parse(
    book.sheet,
    sheetParser(
      (_row, cells) => {
        for (const c of cells) if (c.col > width && holds(cellText(c, book))) width = c.col;
      },
      (m) => {
        if (merges.length >= MAX_MERGES) throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, UNREADABLE);
        merges.push(m);
      },
    ),
  );
  merges.sort((a, b) => a.top - b.top || a.left - b.left);
  // Each merged cell becomes a cell of its row: a few ranges must not make billions of them.
  let mergedCells = 0;
  for (const m of merges) mergedCells += (m.bottom - m.top + 1) * (m.right - m.left + 1);
  if (mergedCells > MAX_MERGED_CELLS)
    throw new XlsxProblem(
      RowErrorCodes.INVALID_XLSX,
      'the worksheet has too many merged cells; unmerge them',
    );
  // exceljs refuses overlapping merged ranges.
  for (let i = 0; i < merges.length; i++)
    for (let j = i + 1; j < merges.length && merges[j]!.top <= merges[i]!.bottom; j++)
      if (merges[j]!.left <= merges[i]!.right && merges[j]!.right >= merges[i]!.left)
        throw new XlsxProblem(RowErrorCodes.INVALID_XLSX, UNREADABLE);
  // Merged cells beyond that width count when their range's first cell holds something (rare: read again).
  const wider = merges.filter((m) => hasSlaves(m) && m.right > width);
  if (wider.length > 0) {
    const at = new Map(wider.map((m) => [`${m.top}:${m.left}`, m]));
    await zip.parse(
      book.sheet,
      sheetParser(
        (row, cells) => {
          for (const c of cells) {
            const m = at.get(`${row}:${c.col}`);
            if (m && holds(cellText(c, book))) width = Math.max(width, m.right);
          }
        },
        () => {},
      ),
    );
  }
  return { merges, width };
}

async function emitRows(
  zip: Zip,
  book: Workbook,
  pre: Prescan,
  sink: ErrorSink,
  handler: XlsxHandler,
  batchRows: number,
): Promise<boolean> {
  const { merges, width } = pre;
  /** The first cell's text of each merged range, once its row is read (empty when it never is). */
  const masters = new Map<Merge, CellText>();
  const mergeRows = new Set<number>();
  for (const m of merges) if (hasSlaves(m)) for (let r = m.top; r <= m.bottom; r++) mergeRows.add(r);
  /** Rows a merged range covers, in order: they exist even when the sheet lists no cell in them. */
  const pendingMergeRows = [...mergeRows].sort((a, b) => a - b);
  let nextMergeRow = 0;
  /** Merged ranges that reach the current row (entered in order of their first row). */
  let active: Merge[] = [];
  let nextMerge = 0;

  let state = 'first' as 'first' | 'body' | 'failed';
  let header: string[] | null = null;
  let headerSent = false;
  let batch: SheetRecord[] = [];

  const take = (rowNumber: number, raw: RawCell[]) => {
    const texts = new Map<number, CellText & { address: string }>();
    let exists = false;
    for (const c of raw) {
      const t = cellText(c, book);
      if (t !== null) exists = true;
      texts.set(c.col, { ...(t ?? EMPTY), address: `${columnName(c.col)}${rowNumber}` });
    }
    while (nextMerge < merges.length && merges[nextMerge]!.top <= rowNumber)
      active.push(merges[nextMerge++]!);
    active = active.filter((m) => m.bottom >= rowNumber);
    for (const m of active) {
      if (!hasSlaves(m)) continue;
      if (rowNumber === m.top) masters.set(m, texts.get(m.left) ?? EMPTY);
      const master = masters.get(m) ?? EMPTY;
      const verdict = master.problem === undefined && master.text === '' ? EMPTY : MERGED_PROBLEM;
      for (let col = m.left; col <= m.right; col++) {
        if (rowNumber === m.top && col === m.left) continue;
        texts.set(col, { ...verdict, address: `${columnName(col)}${rowNumber}` });
        exists = true;
      }
    }
    if (!exists) return;
    if (state === 'first') {
      const named = [...texts.values()].some((t) => t.problem !== undefined || t.text.trim() !== '');
      if (rowNumber !== 1 || !named) {
        sink.add({
          line: 1,
          column: null,
          code: RowErrorCodes.NO_HEADER,
          message: 'row 1 is empty; it must hold the column names',
        });
        state = 'failed';
        return;
      }
    }
    const cells: string[] = [];
    let ok = true;
    for (let col = 1; col <= width; col++) {
      const cell = texts.get(col);
      if (cell?.problem !== undefined) {
        ok = false;
        const name = rowNumber === 1 ? '' : (header?.[col - 1] ?? '').trim();
        sink.add({
          line: rowNumber,
          column: name === '' ? null : name,
          code: RowErrorCodes.UNSUPPORTED_CELL,
          message: `cell ${cell.address} ${cell.problem}`,
        });
      } else cells.push(cell?.text ?? '');
    }
    if (state === 'first') {
      state = ok ? 'body' : 'failed';
      if (ok) header = cells;
    } else if (ok && cells.some((t) => t !== '')) batch.push({ line: rowNumber, cells });
  };
  const mergeRowsBefore = (row: number) => {
    while (
      state !== 'failed' &&
      nextMergeRow < pendingMergeRows.length &&
      pendingMergeRows[nextMergeRow]! < row
    ) {
      take(pendingMergeRows[nextMergeRow]!, []);
      nextMergeRow += 1;
    }
    if (pendingMergeRows[nextMergeRow] === row) nextMergeRow += 1;
  };
  const handOut = async (last: boolean, fraction: number) => {
    try {
      if (header && !headerSent) {
        headerSent = true;
        await handler.header(header);
      }
      if (headerSent && (batch.length >= batchRows || (last && batch.length > 0))) {
        const b = batch;
        batch = [];
        await handler.records(b, fraction);
      }
    } catch (e) {
      throw new HandlerError('the handler failed', { cause: e });
    }
  };
  await zip.parse(
    book.sheet,
    sheetParser(
      (row, cells) => {
        if (state === 'failed') return;
        mergeRowsBefore(row);
        if ((state as string) !== 'failed') take(row, cells);
      },
      () => {},
    ),
    (fraction) => handOut(false, fraction),
  );
  mergeRowsBefore(MAX_ROWS + 1);
  if (state === 'failed') return false;
  if (state === 'first') throw new XlsxProblem(RowErrorCodes.EMPTY_FILE, 'the first worksheet is empty');
  await handOut(true, 1);
  return true;
}
