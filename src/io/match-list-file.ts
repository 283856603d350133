import { type InputRecord, MatchInputError, matchRecordsOfSheet, readMatchFile } from './match-file-mode.ts';
import { readXlsx } from './xlsx.ts';
import { startsLikeZip } from './zip.ts';

/**
 * A counterpart list to match (columns as file mode: id,family_name,given_name,patronymic,
 * birth_date,birth_place,unit,service_number). CSV is read exactly as file mode reads it; XLSX
 * (first sheet) gets the same checks. Read as a counterpart's list: an impossible birth date is kept
 * and flagged (see match-file-mode.ts). Throws MatchInputError naming the line and column.
 */
export async function readMatchListFile(bytes: Uint8Array, file: string): Promise<InputRecord[]> {
  if (bytes.length === 0) throw new MatchInputError(file, null, null, 'the file is empty');
  const xlsx = startsLikeZip(bytes) || /\.xlsx$/i.test(file);
  if (!xlsx) return readMatchFile(bytes, file, 'list');
  const read = await readXlsx(bytes);
  const first = read.errors[0];
  if (first) throw new MatchInputError(file, first.line > 0 ? first.line : null, first.column, first.message);
  if (!read.sheet) throw new MatchInputError(file, null, null, 'the file has no header');
  return matchRecordsOfSheet(read.sheet, file, 'list');
}
