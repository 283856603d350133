const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const EOCD_SIZE = 22;
const MAX_ZIP_COMMENT = 0xffff;
const ZIP64_MARK_16 = 0xffff;
const ZIP64_MARK_32 = 0xffffffff;

/** True when the bytes begin like a zip archive (XLSX, DOCX, ...). */
export function startsLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && readU32(bytes, 0) === LOCAL_FILE_HEADER;
}

/**
 * Checks, without unpacking, that the bytes are a complete zip archive holding an Excel workbook and
 * that it does not unpack to more than `maxUnpackedBytes` as its directory declares (a cheap guard
 * against decompression bombs before a spreadsheet library inflates everything in memory).
 * Returns a message for the user, or null when the archive looks like a workbook.
 */
export function checkXlsxArchive(bytes: Uint8Array, maxUnpackedBytes: number): string | null {
  if (!startsLikeZip(bytes) || bytes.length < EOCD_SIZE) return 'the file is not an XLSX workbook';
  let eocd = -1;
  const lowest = Math.max(0, bytes.length - EOCD_SIZE - MAX_ZIP_COMMENT);
  for (let p = bytes.length - EOCD_SIZE; p >= lowest; p--) {
    if (bytes[p] === 0x50 && readU32(bytes, p) === END_OF_CENTRAL_DIRECTORY) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) return 'the XLSX file is damaged or incomplete (its zip directory is missing)';
  const entries = readU16(bytes, eocd + 10);
  const directorySize = readU32(bytes, eocd + 12);
  const directoryOffset = readU32(bytes, eocd + 16);
  // Zip64 archives keep their directory elsewhere; leave them to the spreadsheet library.
  if (entries === ZIP64_MARK_16 || directoryOffset === ZIP64_MARK_32) return null;
  if (directoryOffset + directorySize > eocd) return 'the XLSX file is damaged or incomplete';
  let p = directoryOffset;
  let unpacked = 0;
  let hasWorkbook = false;
  for (let k = 0; k < entries; k++) {
    if (p + 46 > eocd || readU32(bytes, p) !== CENTRAL_DIRECTORY_ENTRY) {
      return 'the XLSX file is damaged or incomplete';
    }
    const size = readU32(bytes, p + 24);
    const nameLength = readU16(bytes, p + 28);
    const extraLength = readU16(bytes, p + 30);
    const commentLength = readU16(bytes, p + 32);
    if (size === ZIP64_MARK_32) return null;
    unpacked += size;
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength));
    if (name === 'xl/workbook.xml') hasWorkbook = true;
    p += 46 + nameLength + extraLength + commentLength;
  }
  if (!hasWorkbook) return 'the file is a zip archive but not an Excel workbook';
  if (unpacked > maxUnpackedBytes)
    return 'the workbook is too large when unpacked; split it into smaller files';
  return null;
}

function readU16(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16)) + (b[at + 3] ?? 0) * 0x1000000;
}
