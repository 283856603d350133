import { parseCsv } from './csv.ts';
import { checkPersonRows, type PersonRowsResult } from './person-rows.ts';
import { finishErrors, type RowErrorCode, RowErrorCodes, WHOLE_FILE } from './row-error.ts';
import type { SheetReadResult } from './sheet.ts';
import { readXlsx } from './xlsx.ts';
import { startsLikeZip } from './zip.ts';

/** Files larger than this are refused without being read (the default of `--max-upload-mb`). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export type PersonFileKind = 'csv' | 'xlsx';

/** Signature of the compound files of legacy Excel (.xls) and Word (.doc). */
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * Reads an uploaded person list: CSV (`.csv`, `.txt`) or XLSX (`.xlsx`, or any file whose bytes
 * start like a zip archive), then validates it as person rows. Reading and validation problems come
 * back together, sorted by line. Never throws.
 */
export async function readPersonFile(
  bytes: Uint8Array,
  fileName: string,
  maxBytes = MAX_IMPORT_BYTES,
): Promise<PersonRowsResult> {
  try {
    if (bytes.length > maxBytes) {
      return fileError(
        RowErrorCodes.FILE_TOO_LARGE,
        `the file is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB; split it into smaller files`,
      );
    }
    if (bytes.length === 0) return fileError(RowErrorCodes.EMPTY_FILE, 'the file is empty');
    const kind = personFileKind(bytes, fileName);
    if (typeof kind !== 'string') return fileError(RowErrorCodes.UNSUPPORTED_FILE_TYPE, kind.problem);

    const read: SheetReadResult = kind === 'xlsx' ? await readXlsx(bytes) : parseCsv(bytes);
    if (!read.sheet) return { ok: false, errors: finishErrors(read) };
    // When a reader left rows out, "no rows" would mislead: the rows are there, just broken.
    const checked = checkPersonRows(read.sheet, { requireRows: read.total === 0 });
    if (read.total + checked.errors.total > 0)
      return { ok: false, errors: finishErrors(read, checked.errors) };
    return { ok: true, rows: checked.rows };
  } catch {
    // A bug or a library failure must not take the caller down, nor leak file content into a message.
    return fileError(RowErrorCodes.UNREADABLE_FILE, 'the file could not be read');
  }
}

/** Chooses the reader: zip bytes are XLSX whatever the name; otherwise the extension decides. */
export function personFileKind(bytes: Uint8Array, fileName: string): PersonFileKind | { problem: string } {
  if (startsLikeZip(bytes)) return 'xlsx';
  const extension = /\.([^./\\]+)$/.exec(fileName.trim())?.[1]?.toLowerCase() ?? '';
  if (extension === 'xls' || OLE_SIGNATURE.every((b, i) => bytes[i] === b)) {
    return { problem: "old Excel (.xls) files are not supported; save the file as .xlsx or as 'CSV UTF-8'" };
  }
  if (extension === 'xlsx') return 'xlsx';
  if (extension === 'csv' || extension === 'txt') return 'csv';
  return { problem: 'unsupported file type; expected a .csv, .txt or .xlsx file' };
}

function fileError(code: RowErrorCode, message: string): PersonRowsResult {
  return { ok: false, errors: [{ line: WHOLE_FILE, column: null, code, message }] };
}
