import fs from 'node:fs';
import type { AgreementBody } from '../domain/exchange/agreement.ts';
import type { PersonSnapshot } from '../domain/exchange/predicate.ts';
import { PersonCategories } from '../domain/person.ts';
import { formatPartialDate, type PartialDate, readWrittenDate } from '../domain/plain-date.ts';
import { hasLineOrControl, isUnsafeName } from '../domain/text.ts';
import type { MatchRecord } from '../matching/engine.ts';
import { parseCsv } from './csv.ts';
import { MATCH_INPUT_COLUMNS } from './match-file-mode.ts';
import { readHead } from './person-file-stream.ts';
import { MAX_IMPORT_BYTES, personFileKind } from './read-person-file.ts';
import { ErrorSink, finishErrors, type RowError, RowErrorCodes, WHOLE_FILE } from './row-error.ts';
import type { SheetReadResult } from './sheet.ts';
import { readXlsxStream } from './xlsx-stream.ts';

/**
 * A counterpart's list (CSV or XLSX, first sheet): the columns of `homeward match` (id,family_name,
 * given_name,patronymic,birth_date,birth_place,unit,service_number) plus, optionally, `category`
 * (the agreement category the counterpart claims, by id) and `person_category` (servicemember,
 * civilian_internee, …, what the record itself says). All problems come back together by line and
 * column; each good row keeps its cells verbatim (untrimmed) for the record. A birth date that is not
 * a real date but has the form of one (1938-11-31, 31.02.1990, 1990-13-05) is the counterpart's data
 * as written: the row is kept, read as far as the date is real (year and month) and flagged
 * `impossible_date`. Text that is no date at all is refused with the row's line and column.
 */
export const COUNTERPART_LIST_COLUMNS = [...MATCH_INPUT_COLUMNS, 'category', 'person_category'] as const;

export interface CounterpartRow {
  line: number;
  /** Header name → cell text, exactly as in the file. */
  fields: Record<string, string>;
  match: Omit<MatchRecord, 'id'>;
  category: string | null;
  snapshot: PersonSnapshot;
  /** The birth date has the form of a date but is not a real one (kept as written, flagged). */
  impossibleDate: boolean;
}

/** The birth date in the engine's form (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`; approximate: the year). */
function engineDate(p: PartialDate): string {
  return p.precision === 'approximate' ? p.date.slice(0, 4) : formatPartialDate(p);
}

export type CounterpartListResult = { ok: true; rows: CounterpartRow[] } | { ok: false; errors: RowError[] };

/** Columns holding a name: bidirectional-override and zero-width characters are refused too. */
const NAME_COLUMNS = new Set(['family_name', 'given_name', 'patronymic']);

/** Cells are single lines: no control characters (C0, DEL, C1), tabs or line breaks. */
function hasControl(v: string): boolean {
  return hasLineOrControl(v);
}

/**
 * Never throws: reading and validation problems come back as errors. `source` is the file's bytes
 * or its path: an XLSX file on disk is streamed (`streamXlsx`), a CSV file read within the limit.
 */
export async function readCounterpartListFile(
  source: Uint8Array | { file: string },
  fileName: string,
  agreement: Pick<AgreementBody, 'categories'>,
  maxBytes = MAX_IMPORT_BYTES,
): Promise<CounterpartListResult> {
  const whole = (code: RowError['code'], message: string): CounterpartListResult => ({
    ok: false,
    errors: [{ line: WHOLE_FILE, column: null, code, message }],
  });
  try {
    const onDisk = !(source instanceof Uint8Array);
    const size = onDisk ? (await fs.promises.stat(source.file)).size : source.length;
    if (size > maxBytes)
      return whole(RowErrorCodes.FILE_TOO_LARGE, 'the file is larger than the import limit');
    if (size === 0) return whole(RowErrorCodes.EMPTY_FILE, 'the file is empty');
    const head = onDisk ? await readHead(source.file, 8) : source;
    const kind = personFileKind(head, fileName);
    if (typeof kind !== 'string') return whole(RowErrorCodes.UNSUPPORTED_FILE_TYPE, kind.problem);
    const read: SheetReadResult =
      kind === 'xlsx'
        ? await readXlsxStream(onDisk ? source : { bytes: source }, { maxSharedStringsBytes: maxBytes })
        : parseCsv(onDisk ? await fs.promises.readFile(source.file) : source);
    if (!read.sheet) return { ok: false, errors: finishErrors(read) };
    const sink = new ErrorSink();
    const rows = checkRows(read.sheet, agreement, sink);
    if (read.total + sink.total > 0) return { ok: false, errors: finishErrors(read, sink) };
    if (rows.length === 0) return whole(RowErrorCodes.NO_ROWS, 'the file has a header but no rows');
    return { ok: true, rows };
  } catch {
    return whole(RowErrorCodes.UNREADABLE_FILE, 'the file could not be read');
  }
}

function checkRows(
  sheet: NonNullable<SheetReadResult['sheet']>,
  agreement: Pick<AgreementBody, 'categories'>,
  sink: ErrorSink,
): CounterpartRow[] {
  const known = new Set<string>(COUNTERPART_LIST_COLUMNS);
  const at = new Map<string, number>();
  const names = sheet.header.map((h) => h.trim().toLowerCase());
  names.forEach((name, i) => {
    if (!name) {
      sink.add({
        line: 1,
        column: `#${i + 1}`,
        code: RowErrorCodes.EMPTY_HEADER,
        message: 'the column has no name',
      });
    } else if (!known.has(name)) {
      sink.add({
        line: 1,
        column: name,
        code: RowErrorCodes.UNKNOWN_COLUMN,
        message: `unknown column; expected ${COUNTERPART_LIST_COLUMNS.join(',')}`,
      });
    } else if (at.has(name)) {
      sink.add({
        line: 1,
        column: name,
        code: RowErrorCodes.DUPLICATE_COLUMN,
        message: 'the column appears twice',
      });
    } else at.set(name, i);
  });
  if (!at.has('id'))
    sink.add({
      line: 1,
      column: 'id',
      code: RowErrorCodes.MISSING_COLUMN,
      message: 'the id column is required',
    });
  if (sink.total > 0) return [];
  const categories = new Set(agreement.categories.map((c) => c.id));
  const personCategories = new Set<string>(PersonCategories);
  const seen = new Map<string, number>();
  const rows: CounterpartRow[] = [];
  for (const { line, cells } of sheet.records) {
    let bad = false;
    const err = (column: string, code: RowError['code'], message: string, params?: RowError['params']) => {
      bad = true;
      sink.add({ line, column, code, message, ...(params && { params }) });
    };
    const fields: Record<string, string> = {};
    const cell = (name: string) => {
      const i = at.get(name);
      const raw = i === undefined ? '' : (cells[i] ?? '');
      const v = raw.trim();
      if (hasControl(v)) err(name, RowErrorCodes.INVALID_CHARACTERS, 'control characters');
      else if (NAME_COLUMNS.has(name) && isUnsafeName(v))
        err(name, RowErrorCodes.INVALID_CHARACTERS, 'bidirectional-override or zero-width characters');
      if (v.length > 2000) err(name, RowErrorCodes.TOO_LONG, 'longer than 2,000 characters', { max: 2000 });
      return v;
    };
    for (const [name, i] of at) fields[name] = cells[i] ?? '';
    const id = cell('id');
    if (!id) err('id', RowErrorCodes.REQUIRED, 'the id is empty');
    else if (seen.has(id))
      err('id', RowErrorCodes.DUPLICATE_ID, `the id appears on line ${seen.get(id)}`, {
        firstLine: seen.get(id)!,
      });
    else seen.set(id, line);
    const birthText = cell('birth_date');
    const birth = birthText ? readWrittenDate(birthText) : undefined;
    if (birthText && !birth)
      err(
        'birth_date',
        RowErrorCodes.INVALID_DATE,
        'must be a date as YYYY-MM-DD, YYYY-MM, YYYY, ~YYYY or DD.MM.YYYY',
      );
    const category = cell('category');
    if (category && !categories.has(category))
      err(
        'category',
        RowErrorCodes.INVALID_CATEGORY,
        `not a category of the agreement; expected ${[...categories].join(', ')}`,
      );
    const personCategory = cell('person_category');
    if (personCategory && !personCategories.has(personCategory))
      err(
        'person_category',
        RowErrorCodes.INVALID_CATEGORY,
        `expected one of ${PersonCategories.join(', ')}`,
      );
    const family = cell('family_name');
    const given = cell('given_name');
    const patronymic = cell('patronymic');
    if (!family && !given) err('family_name', RowErrorCodes.REQUIRED, 'a family or given name is required');
    if (bad) continue;
    rows.push({
      line,
      fields,
      match: {
        names: family || given || patronymic ? [{ family, given, patronymic }] : [],
        birthDate: birth ? engineDate(birth.date) : null,
        birthPlace: cell('birth_place') || null,
        unit: cell('unit') || null,
        serviceNumber: cell('service_number') || null,
      },
      category: category || null,
      snapshot: {
        birth: birth?.date ?? null,
        category: (personCategory || null) as PersonSnapshot['category'],
      },
      impossibleDate: birth?.impossible ?? false,
    });
  }
  return rows;
}
