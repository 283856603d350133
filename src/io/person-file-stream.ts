import fs from 'node:fs';
import { type CsvResume, parseCsvPiece } from './csv.ts';
import { type PersonImportRow, PersonRowChecker } from './person-rows.ts';
import { personFileKind, readPersonFile } from './read-person-file.ts';
import { ErrorSink, finishErrors, type RowError, RowErrorCodes, WHOLE_FILE } from './row-error.ts';
import type { SheetRecord } from './sheet.ts';
import { streamXlsx } from './xlsx-stream.ts';

/** How far a scan has read the file, for progress bars. */
export interface ScanProgress {
  bytesRead: number;
  bytesTotal: number;
}

export type PersonFileScanResult = { ok: true; rows: number } | { ok: false; errors: RowError[] };

export interface ScanOptions {
  /** Files larger than this are refused without being read. */
  maxBytes: number;
  /** Bytes read (and parsed) at a time; default 64 KiB (a few ms of parsing on the main thread). */
  pieceBytes?: number | undefined;
  /** Rows per batch for XLSX and files read whole; default 1000. */
  batchRows?: number | undefined;
  /** Called when the scan starts over, reading the file whole, after `onBatch` already saw rows. */
  onRestart?: (() => void) | undefined;
}

/** Text that waits for a line end beyond this is read whole instead (no valid row is this long). */
const MAX_PENDING_CHARS = 16 * 1024 * 1024;
const SNIFF_BYTES = 8192;

class Fallback extends Error {}

/** Notes quote problems: pieces were cut by counting quotes, which a stray quote makes unreliable. */
class QuoteWatchingSink extends ErrorSink {
  quoteProblem = false;
  override add(error: RowError): void {
    if (error.code === RowErrorCodes.STRAY_QUOTE || error.code === RowErrorCodes.UNTERMINATED_QUOTE)
      this.quoteProblem = true;
    super.add(error);
  }
}

/**
 * Reads a person import file from disk with bounded memory and checks it as `readPersonFile` does,
 * handing the valid rows of each piece to `onBatch` in file order. The outcome (every problem by
 * line and column, or the number of rows) is the same as `readPersonFile` on the whole file: CSV is
 * decoded and parsed piece by piece (cut at line ends outside quotes); XLSX is streamed from the
 * file (`streamXlsx`); the rare CSV whose reading needs the whole text (stray quotes, bytes that are
 * not UTF-8, a header column without a name) is read whole — within `maxBytes`. `onBatch` may see rows of a file that turns
 * out bad later: write nothing before a first scan said `ok`. Never throws except from the callbacks.
 */
export async function scanPersonFile(
  file: string,
  fileName: string,
  onBatch: (rows: PersonImportRow[], progress: ScanProgress) => Promise<void> | void,
  opts: ScanOptions,
): Promise<PersonFileScanResult> {
  let delivered = false;
  const deliver = async (rows: PersonImportRow[], progress: ScanProgress) => {
    delivered = true;
    await onBatch(rows, progress);
  };
  try {
    return await scanStreaming(file, fileName, deliver, opts);
  } catch (e) {
    if (!(e instanceof Fallback)) throw e;
  }
  // Only a bad file falls back after rows were handed out (a clean one decides at its header), so
  // a caller that writes after a clean first scan never sees a row twice; `onRestart` guards that.
  if (delivered) opts.onRestart?.();
  return scanWhole(file, fileName, deliver, opts);
}

async function scanWhole(
  file: string,
  fileName: string,
  onBatch: (rows: PersonImportRow[], progress: ScanProgress) => Promise<void>,
  opts: ScanOptions,
): Promise<PersonFileScanResult> {
  const bytes = await fs.promises.readFile(file);
  const read = await readPersonFile(bytes, fileName, opts.maxBytes);
  if (!read.ok) return read;
  const step = opts.batchRows ?? 1000;
  for (let i = 0; i < read.rows.length; i += step) {
    await onBatch(read.rows.slice(i, i + step), { bytesRead: bytes.length, bytesTotal: bytes.length });
  }
  return { ok: true, rows: read.rows.length };
}

async function scanStreaming(
  file: string,
  fileName: string,
  onBatch: (rows: PersonImportRow[], progress: ScanProgress) => Promise<void>,
  opts: ScanOptions,
): Promise<PersonFileScanResult> {
  const whole = (code: RowError['code'], message: string): PersonFileScanResult => ({
    ok: false,
    errors: [{ line: WHOLE_FILE, column: null, code, message }],
  });
  const bytesTotal = (await fs.promises.stat(file)).size;
  if (bytesTotal > opts.maxBytes)
    return whole(
      RowErrorCodes.FILE_TOO_LARGE,
      `the file is larger than ${Math.floor(opts.maxBytes / 1024 / 1024)} MB; split it into smaller files`,
    );
  if (bytesTotal === 0) return whole(RowErrorCodes.EMPTY_FILE, 'the file is empty');
  const head = await readHead(file, SNIFF_BYTES + 3);
  const kind = personFileKind(head, fileName);
  if (typeof kind !== 'string') return whole(RowErrorCodes.UNSUPPORTED_FILE_TYPE, kind.problem);
  if (kind === 'xlsx') return scanXlsx(file, onBatch, opts, bytesTotal);
  // UTF-16 and binary files: the whole-file reader knows them (and says what is wrong).
  if (head[0] === 0xff || head[0] === 0xfe || head.includes(0)) throw new Fallback();

  const csvErrors = new QuoteWatchingSink();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let resume: CsvResume | undefined;
  let checker: PersonRowChecker | undefined;
  let pending = '';
  let bytesRead = 0;
  let rows = 0;

  const parse = async (piece: string, last: boolean): Promise<PersonFileScanResult | undefined> => {
    const read = parseCsvPiece(piece, csvErrors, resume);
    if (csvErrors.quoteProblem) throw new Fallback();
    if (!read.sheet || !read.resume) return { ok: false, errors: finishErrors(csvErrors) };
    resume = read.resume;
    if (!checker) {
      if (read.sheet.header.some((h) => h.replace(/^\uFEFF/, '').trim() === '')) throw new Fallback();
      checker = new PersonRowChecker(read.sheet.header, []);
    }
    const valid = checker.check(read.sheet.records);
    rows += valid.length;
    if (valid.length > 0 || last) await onBatch(valid, { bytesRead, bytesTotal });
    return undefined;
  };

  const stream = fs.createReadStream(file, { highWaterMark: opts.pieceBytes ?? 64 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      try {
        pending += decoder.decode(chunk, { stream: true });
      } catch {
        throw new Fallback();
      }
      const cut = safeCut(pending);
      if (cut < 0) {
        if (pending.length > MAX_PENDING_CHARS) throw new Fallback();
        continue;
      }
      const failed = await parse(pending.slice(0, cut), false);
      if (failed) return failed;
      pending = pending.slice(cut);
    }
  } finally {
    stream.destroy();
  }
  try {
    pending += decoder.decode();
  } catch {
    throw new Fallback();
  }
  if (pending !== '' || !resume) {
    const failed = await parse(pending, true);
    if (failed) return failed;
  }
  if (!checker) return { ok: false, errors: finishErrors(csvErrors) };
  checker.finish({ requireRows: csvErrors.total === 0 });
  if (csvErrors.total + checker.errors.total > 0)
    return { ok: false, errors: finishErrors(csvErrors, checker.errors) };
  return { ok: true, rows };
}

/**
 * XLSX from the file, streamed (`streamXlsx`): rows are checked batch by batch as they are read.
 * A header column without a name needs every row to tell whether it is used: then the records are
 * kept until the end (within the file's size, as the whole-file reader would).
 */
async function scanXlsx(
  file: string,
  onBatch: (rows: PersonImportRow[], progress: ScanProgress) => Promise<void>,
  opts: ScanOptions,
  bytesTotal: number,
): Promise<PersonFileScanResult> {
  const sink = new ErrorSink();
  let checker: PersonRowChecker | undefined;
  let header: string[] = [];
  let held: SheetRecord[] | null = null;
  let rows = 0;
  const progress = { bytesRead: 0, bytesTotal };
  const check = async (records: SheetRecord[]) => {
    const valid = checker!.check(records);
    rows += valid.length;
    if (valid.length > 0) await onBatch(valid, { ...progress });
  };
  const ok = await streamXlsx(
    { file },
    sink,
    {
      header: (h) => {
        header = h;
        if (h.some((name) => name.replace(/^\uFEFF/, '').trim() === '')) held = [];
        else checker = new PersonRowChecker(h, []);
      },
      records: async (records, fractionRead) => {
        // How far through the worksheet, as a share of the file's bytes (for progress bars).
        progress.bytesRead = Math.round(fractionRead * bytesTotal);
        if (held) held.push(...records);
        else await check(records);
      },
    },
    { maxSharedStringsBytes: opts.maxBytes, batchRows: opts.batchRows },
  );
  if (!ok) return { ok: false, errors: finishErrors(sink) };
  if (held) {
    const all: SheetRecord[] = held;
    checker = new PersonRowChecker(header, all);
    const step = opts.batchRows ?? 1000;
    for (let i = 0; i < all.length; i += step) await check(all.slice(i, i + step));
  }
  if (!checker) return { ok: false, errors: finishErrors(sink) };
  checker.finish({ requireRows: sink.total === 0 });
  if (sink.total + checker.errors.total > 0) return { ok: false, errors: finishErrors(sink, checker.errors) };
  await onBatch([], { bytesRead: bytesTotal, bytesTotal });
  return { ok: true, rows };
}

/** The first `length` bytes of a file (fewer when it is shorter). */
export async function readHead(file: string, length: number): Promise<Uint8Array> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Index just after the last line end in `text` that lies outside quotes, or -1. A CR at the very
 * end may be the first half of CRLF, so it is not a cut.
 */
export function safeCut(text: string): number {
  let quoted = false;
  let cut = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 0x0a) cut = i + 1;
    else if (c === 0x0d && i + 1 < text.length && text.charCodeAt(i + 1) !== 0x0a) cut = i + 1;
  }
  return cut;
}
