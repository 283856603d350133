/**
 * File mode: match a list (CSV) against a registry (CSV) and write the candidates (CSV), no node
 * needed. The contract other tools rely on:
 *   input columns  id,family_name,given_name,patronymic,birth_date,birth_place,unit,service_number
 *                  (header required; any column but id may be left out or empty)
 *   output columns list_id,registry_id,rank,score,band,explanation,flags
 *                  (up to 10 candidates per list row, best first, score in [0,1] with 4 decimals;
 *                  list rows without a candidate at least "possible" have no output row; `flags`
 *                  names what is odd about the list row, `impossible_date` or empty)
 * The list is counterpart data, kept as written: an impossible birth date (1938-11-31, 1990-13)
 * is matched on what it does say and flagged. The registry file stays strict.
 */

import { formatPartialDate, parsePartialDate, readListDate } from '../matching/dates.ts';
import { explain, MatchIndex, type MatchOptions, type MatchRecord } from '../matching/engine.ts';
import { parseCsv, toCsv } from './csv.ts';
import type { Sheet } from './sheet.ts';

export const MATCH_INPUT_COLUMNS = [
  'id',
  'family_name',
  'given_name',
  'patronymic',
  'birth_date',
  'birth_place',
  'unit',
  'service_number',
] as const;
export const MATCH_OUTPUT_COLUMNS = [
  'list_id',
  'registry_id',
  'rank',
  'score',
  'band',
  'explanation',
  'flags',
];

/** What is odd about a list row (the `flags` output column). */
export const LIST_ROW_FLAGS = ['impossible_date'] as const;
export type ListRowFlag = (typeof LIST_ROW_FLAGS)[number];

/** A row of an input file; a list row (read `asWritten`) carries its flags. */
export interface InputRecord extends MatchRecord {
  flags: ListRowFlag[];
  /** An impossible birth date as written; `birthDate` then holds what the engine matches on. */
  birthDateAsWritten?: string;
}

/** Whether a file is the registry (strict) or a counterpart's list (kept as written, flagged). */
export type InputRole = 'registry' | 'list';

/** A problem in an input file, tied to the line and column a user sees in an editor. */
export class MatchInputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly column: string | null,
    detail: string,
  ) {
    super(`${file}${line !== null ? ` line ${line}` : ''}${column ? `, column ${column}` : ''}: ${detail}`);
    this.name = 'MatchInputError';
  }
}

function hasControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Read one input file into records; throws MatchInputError at the first problem. */
export function readMatchFile(bytes: Uint8Array, file: string, role: InputRole = 'registry'): InputRecord[] {
  const result = parseCsv(bytes);
  const first = result.errors[0];
  if (first) {
    const detail = first.message.replace(/^line \d+, /, '');
    throw new MatchInputError(file, first.line > 0 ? first.line : null, first.column, detail);
  }
  if (!result.sheet) throw new MatchInputError(file, null, null, 'the file has no header');
  return matchRecordsOfSheet(result.sheet, file, role);
}

/** The rows of a read sheet (CSV, or a spreadsheet's first sheet) as records, checked cell by cell. */
export function matchRecordsOfSheet(sheet: Sheet, file: string, role: InputRole = 'registry'): InputRecord[] {
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
    const written = cell('birth_date');
    let birthDate = written;
    const flags: ListRowFlag[] = [];
    if (birthDate && role === 'list') {
      const read = readListDate(birthDate);
      if (!read)
        throw new MatchInputError(file, line, 'birth_date', 'must be a date as YYYY-MM-DD, YYYY-MM or YYYY');
      if (read.impossible) {
        flags.push('impossible_date');
        birthDate = formatPartialDate(read.date);
      }
    } else if (birthDate && !parsePartialDate(birthDate))
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
      flags,
      ...(birthDate !== written ? { birthDateAsWritten: written } : {}),
    };
  });
}

/** Match every list row against the registry; returns the output CSV text. */
export function matchFiles(
  registry: readonly MatchRecord[],
  list: readonly (MatchRecord & { flags?: readonly ListRowFlag[] })[],
  options: MatchOptions & { limit?: number } = {},
): string {
  const index = MatchIndex.build(registry, options);
  const rows: (string | number)[][] = [];
  for (const q of list) {
    index.search(q, options.limit ?? 10).forEach((c, k) => {
      rows.push([q.id, c.id, k + 1, c.score.toFixed(4), c.band ?? '', explain(c.fields), flagsCell(q.flags)]);
    });
  }
  return toCsv(MATCH_OUTPUT_COLUMNS, rows);
}

/** The `flags` output cell: the row's flags separated by `;`, or empty. */
export function flagsCell(flags: readonly ListRowFlag[] | undefined): string {
  return (flags ?? []).join(';');
}
