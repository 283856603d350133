import { parsePartialDate } from '../matching/dates.ts';
import type { MatchRecord } from '../matching/engine.ts';
import { MATCH_INPUT_COLUMNS, MatchInputError, readMatchFile } from '../matching/file-mode.ts';
import type { Sheet } from './sheet.ts';
import { readXlsx } from './xlsx.ts';
import { startsLikeZip } from './zip.ts';

/**
 * A counterpart list to match (columns as file mode: id,family_name,given_name,patronymic,
 * birth_date,birth_place,unit,service_number). CSV is read exactly as file mode reads it; XLSX
 * (first sheet) gets the same checks. Throws MatchInputError naming the line and column.
 */
export async function readMatchListFile(bytes: Uint8Array, file: string): Promise<MatchRecord[]> {
  if (bytes.length === 0) throw new MatchInputError(file, null, null, 'the file is empty');
  const xlsx = startsLikeZip(bytes) || /\.xlsx$/i.test(file);
  if (!xlsx) return readMatchFile(bytes, file);
  const read = await readXlsx(bytes);
  const first = read.errors[0];
  if (first) throw new MatchInputError(file, first.line > 0 ? first.line : null, first.column, first.message);
  if (!read.sheet) throw new MatchInputError(file, null, null, 'the file has no header');
  return matchRecordsOfSheet(read.sheet, file);
}

function hasControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** The same rules as file mode's CSV reader, for a sheet read from a spreadsheet. */
export function matchRecordsOfSheet(sheet: Sheet, file: string): MatchRecord[] {
  const header = sheet.header.map((h) => h.trim().toLowerCase());
  const known = new Set<string>(MATCH_INPUT_COLUMNS);
  const at = new Map<string, number>();
  header.forEach((name, i) => {
    if (!known.has(name))
      throw new MatchInputError(
        file,
        1,
        name || `#${i + 1}`,
        `unknown column; expected ${MATCH_INPUT_COLUMNS.join(',')}`,
      );
    if (at.has(name)) throw new MatchInputError(file, 1, name, 'the column appears twice');
    at.set(name, i);
  });
  if (!at.has('id')) throw new MatchInputError(file, 1, 'id', 'the id column is required');
  const seen = new Set<string>();
  return sheet.records.map(({ line, cells }) => {
    const cell = (name: string) => {
      const i = at.get(name);
      const v = i === undefined ? '' : (cells[i] ?? '').trim();
      if (hasControl(v)) throw new MatchInputError(file, line, name, 'control characters');
      return v;
    };
    const id = cell('id');
    if (!id) throw new MatchInputError(file, line, 'id', 'the id is empty');
    if (seen.has(id)) throw new MatchInputError(file, line, 'id', 'the id appears on an earlier line');
    seen.add(id);
    const birthDate = cell('birth_date');
    if (birthDate && !parsePartialDate(birthDate))
      throw new MatchInputError(file, line, 'birth_date', 'must be a date as YYYY-MM-DD, YYYY-MM or YYYY');
    const family = cell('family_name');
    const given = cell('given_name');
    const patronymic = cell('patronymic');
    return {
      id,
      names: family || given || patronymic ? [{ family, given, patronymic }] : [],
      birthDate: birthDate || null,
      birthPlace: cell('birth_place') || null,
      unit: cell('unit') || null,
      serviceNumber: cell('service_number') || null,
    };
  });
}
