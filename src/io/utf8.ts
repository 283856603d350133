import { type ErrorSink, RowErrorCodes, WHOLE_FILE } from './row-error.ts';

const LF = 0x0a;
const CR = 0x0d;

/** Encoding errors located before giving up: a file that is not UTF-8 fails on nearly every line. */
const MAX_ENCODING_ERRORS = 20;
/** Bytes inspected for NUL, the mark of a binary file rather than text. */
const BINARY_SNIFF_BYTES = 8192;

const SAVE_AS_UTF8 = "save the file as 'CSV UTF-8' (or export it as XLSX)";

export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * Decodes a whole file as strict UTF-8 text without its BOM. Returns null and reports to `sink` when
 * the bytes are not UTF-8: each bad spot (one per line, up to a limit) by line and character column,
 * counted the way a text editor counts them (line breaks are LF, CRLF or a lone CR).
 */
export function decodeUtf8Text(bytes: Uint8Array, sink: ErrorSink): string | null {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    sink.add({
      line: WHOLE_FILE,
      column: null,
      code: RowErrorCodes.INVALID_ENCODING,
      message: `the file is UTF-16 text, not UTF-8; ${SAVE_AS_UTF8}`,
    });
    return null;
  }
  const start = hasUtf8Bom(bytes) ? 3 : 0;
  const sniffEnd = Math.min(bytes.length, start + BINARY_SNIFF_BYTES);
  for (let i = start; i < sniffEnd; i++) {
    if (bytes[i] === 0) {
      sink.add({
        line: WHOLE_FILE,
        column: null,
        code: RowErrorCodes.INVALID_ENCODING,
        message:
          'the file is not text (it contains binary data); expected a CSV file in UTF-8 or an XLSX workbook',
      });
      return null;
    }
  }
  const body = bytes.subarray(start);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    reportInvalidUtf8(body, sink);
    return null;
  }
}

function reportInvalidUtf8(bytes: Uint8Array, sink: ErrorSink): void {
  let line = 1;
  let lineStart = 0;
  let scanned = 0; // line breaks before `scanned` are already counted
  let from = 0;
  let found = 0;
  while (from < bytes.length) {
    const bad = firstInvalidUtf8(bytes, from);
    if (bad < 0) return;
    for (let i = scanned; i < bad; i++) {
      const b = bytes[i];
      if (b === LF || (b === CR && bytes[i + 1] !== LF)) {
        line += 1;
        lineStart = i + 1;
      }
    }
    scanned = bad;
    if (found === MAX_ENCODING_ERRORS) {
      sink.add({
        line,
        column: null,
        code: RowErrorCodes.INVALID_ENCODING,
        message: `line ${line} and later lines are not valid UTF-8 either; the rest of the file was not checked; ${SAVE_AS_UTF8}`,
      });
      return;
    }
    // The bytes before `bad` on this line are valid UTF-8, so counting lead bytes counts characters.
    let position = 1;
    for (let i = lineStart; i < bad; i++) if ((bytes[i]! & 0xc0) !== 0x80) position += 1;
    sink.add({
      line,
      column: null,
      code: RowErrorCodes.INVALID_ENCODING,
      position,
      message: `line ${line}, column ${position}: bytes that are not valid UTF-8 text (perhaps another encoding such as Windows-1251); ${SAVE_AS_UTF8}`,
    });
    found += 1;
    // Continue on the next line: one report per line is enough to find it.
    let next = bad;
    while (next < bytes.length && bytes[next] !== LF && bytes[next] !== CR) next++;
    from = next;
  }
}

/**
 * Offset of the first byte of the first ill-formed UTF-8 sequence at or after `from`, or -1.
 * Follows the well-formed byte sequences of the Unicode Standard (table 3-7): no overlongs, no
 * surrogates, nothing above U+10FFFF.
 */
export function firstInvalidUtf8(bytes: Uint8Array, from = 0): number {
  const n = bytes.length;
  let i = from;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i; // cut off by the end of the file
    const b1 = bytes[i + 1]!;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return -1;
}
