const LOCAL_FILE_HEADER = 0x04034b50;

/**
 * True when the bytes begin like a zip archive (XLSX, DOCX, ...). Reading a workbook — and refusing
 * a damaged, foreign or oversized archive — is `streamXlsx`'s work (`xlsx-stream.ts`, over yauzl).
 */
export function startsLikeZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    ((bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8) | ((bytes[2] ?? 0) << 16)) + (bytes[3] ?? 0) * 0x1000000 ===
      LOCAL_FILE_HEADER
  );
}
