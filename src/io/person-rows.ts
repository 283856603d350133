import {
  PersonCategories,
  type PersonCategory,
  type PersonInput,
  PersonInputSchema,
  type Scripts,
  type Sexes,
} from '../domain/person.ts';
import { parsePartialDate } from '../domain/plain-date.ts';
import { isUnsafeName, UNSAFE_NAME_MESSAGE } from '../domain/text.ts';
import { unneutraliseCell } from './csv.ts';
import { type ErrorBatch, ErrorSink, finishErrors, type RowError, RowErrorCodes } from './row-error.ts';
import type { Sheet, SheetRecord } from './sheet.ts';

/** One valid row of a person import: the file's own reference for the person and the person. */
export interface PersonImportRow {
  line: number;
  /** The `id` cell: the reference the sending system uses; the caller turns it into an external ref. */
  externalRef: string;
  input: PersonInput;
}

export type PersonRowsResult = { ok: true; rows: PersonImportRow[] } | { ok: false; errors: RowError[] };

type Script = (typeof Scripts)[number];
type Sex = (typeof Sexes)[number];

interface ColumnRule {
  required?: boolean;
  /** Longest value accepted, in UTF-16 code units as the person schema counts. */
  max: number;
  /** Line breaks and tabs are allowed inside the value. */
  multiline?: boolean;
  /** A name: bidirectional-override and zero-width characters are refused too (src/domain/text.ts). */
  name?: boolean;
}

/** The columns of a person import, in the order they are documented. */
export const PersonColumns = {
  id: { required: true, max: 200 },
  family_name: { required: true, max: 200, name: true },
  given_name: { max: 200, name: true },
  patronymic: { max: 200, name: true },
  birth_date: { max: 40 },
  birth_place: { max: 300, multiline: true },
  unit: { max: 200, multiline: true },
  service_number: { max: 60 },
  sex: { max: 40 },
  category: { max: 60 },
} as const satisfies Record<string, ColumnRule>;

export type PersonColumn = keyof typeof PersonColumns;
const COLUMN_NAMES = Object.keys(PersonColumns) as PersonColumn[];
const REQUIRED_COLUMNS = COLUMN_NAMES.filter((c) => (PersonColumns[c] as ColumnRule).required);

const SEX_CODES: Readonly<Record<string, Sex>> = {
  male: 'male',
  female: 'female',
  unknown: 'unknown',
  m: 'male',
  f: 'female',
  ч: 'male', // чоловіча
  м: 'male', // мужской
  ж: 'female', // жіноча, женский
};

/**
 * True when `value` holds a control character (C0, DEL, C1); tab, LF and CR count only when the
 * column is single-line, and so do the Unicode line and paragraph separators.
 */
function hasForbiddenCharacters(value: string, multiline: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) {
      if (!multiline) return true;
    } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

export interface CheckPersonRowsOptions {
  /** Report a file without data rows (default true). */
  requireRows?: boolean;
}

/**
 * Checks a table as a person import and builds the rows. Every problem is reported — header problems
 * alone when the header is wrong, otherwise every bad cell of every row — sorted by line and capped
 * at `MAX_ERRORS`. Messages name the column and what is expected, never the cell's value.
 */
export function validatePersonRows(sheet: Sheet): PersonRowsResult {
  const checked = checkPersonRows(sheet);
  if (checked.errors.total > 0) return { ok: false, errors: finishErrors(checked.errors) };
  return { ok: true, rows: checked.rows };
}

/** The work of `validatePersonRows`, with errors left unfinished so a reader can add its own. */
export function checkPersonRows(
  sheet: Sheet,
  options: CheckPersonRowsOptions = {},
): { rows: PersonImportRow[]; errors: ErrorBatch } {
  const checker = new PersonRowChecker(sheet.header, sheet.records);
  const rows = checker.check(sheet.records);
  checker.finish(options);
  return { rows, errors: checker.errors };
}

/**
 * Checks person rows batch by batch, for readers that stream a file: the header once, then each
 * batch of records in file order (duplicate ids are found across batches), then `finish`. The
 * errors are those `checkPersonRows` reports for the whole file.
 */
export class PersonRowChecker {
  readonly errors = new ErrorSink();
  private readonly columns: Map<PersonColumn, number> | null;
  private readonly firstLineOfId = new Map<string, number>();
  private dataRows = 0;

  /** `records` are consulted only for header columns without a name (is the column used?). */
  constructor(header: string[], records: readonly SheetRecord[]) {
    this.columns = checkHeader({ header, records: records as SheetRecord[] }, this.errors);
  }

  /** False when the header is wrong: rows are then not checked (header problems come alone). */
  get headerOk(): boolean {
    return this.columns !== null;
  }

  /** The valid rows of a batch; problems of the others go to `errors`. */
  check(records: readonly SheetRecord[]): PersonImportRow[] {
    const columns = this.columns;
    const rows: PersonImportRow[] = [];
    if (!columns) return rows;
    for (const record of records) {
      if (record.cells.every((c) => c.trim() === '')) continue;
      this.dataRows += 1;
      const values: Partial<Record<PersonColumn, string>> = {};
      const rowErrors: RowError[] = [];
      const fail = (
        column: PersonColumn,
        code: RowError['code'],
        message: string,
        params?: RowError['params'],
      ) => {
        rowErrors.push({ line: record.line, column, code, message, ...(params && { params }) });
      };
      for (const [name, index] of columns) {
        const value = unneutraliseCell((record.cells[index] ?? '').trim());
        if (value === '') {
          if ((PersonColumns[name] as ColumnRule).required)
            fail(name, RowErrorCodes.REQUIRED, `${name} is required`);
          continue;
        }
        const rule: ColumnRule = PersonColumns[name];
        if (hasForbiddenCharacters(value, rule.multiline ?? false)) {
          fail(
            name,
            RowErrorCodes.INVALID_CHARACTERS,
            rule.multiline
              ? `${name} contains control characters`
              : `${name} contains line breaks, tabs or control characters; it must be a single line of text`,
          );
          continue;
        }
        if (rule.name && isUnsafeName(value)) {
          fail(name, RowErrorCodes.INVALID_CHARACTERS, `${name} ${UNSAFE_NAME_MESSAGE}`);
          continue;
        }
        if (value.length > rule.max) {
          fail(name, RowErrorCodes.TOO_LONG, `${name} is longer than ${rule.max} characters`, {
            max: rule.max,
          });
          continue;
        }
        values[name] = value;
      }

      const id = values.id;
      if (id !== undefined) {
        const key = id.normalize('NFC');
        const seen = this.firstLineOfId.get(key);
        if (seen === undefined) this.firstLineOfId.set(key, record.line);
        else
          fail(
            'id',
            RowErrorCodes.DUPLICATE_ID,
            `id is already used on line ${seen}; each id must be unique`,
            { firstLine: seen },
          );
      }

      let birth: PersonInput['birth'] = null;
      if (values.birth_date !== undefined) {
        const parsed = parsePartialDate(values.birth_date);
        if (parsed) birth = parsed;
        else {
          fail(
            'birth_date',
            RowErrorCodes.INVALID_DATE,
            'birth_date must be YYYY-MM-DD, YYYY-MM, YYYY, ~YYYY or DD.MM.YYYY, a real date from 1800 on',
          );
        }
      }
      let sex: Sex = 'unknown';
      if (values.sex !== undefined) {
        const code = SEX_CODES[values.sex.toLowerCase()];
        if (code) sex = code;
        else
          fail(
            'sex',
            RowErrorCodes.INVALID_SEX,
            'sex must be male, female, unknown, m, f, ч, м or ж (or empty)',
          );
      }
      let category: PersonCategory | null = null;
      if (values.category !== undefined) {
        const lower = values.category.toLowerCase();
        const found = PersonCategories.find((c) => c === lower);
        if (found) category = found;
        else
          fail(
            'category',
            RowErrorCodes.INVALID_CATEGORY,
            `category must be one of ${PersonCategories.join(', ')}`,
          );
      }
      if (rowErrors.length > 0) {
        // Report a row's problems left to right, as the columns stand in the file.
        rowErrors.sort(
          (a, b) => columns.get(a.column as PersonColumn)! - columns.get(b.column as PersonColumn)!,
        );
        for (const e of rowErrors) this.errors.add(e);
        continue;
      }
      if (id === undefined || values.family_name === undefined) continue;

      const nameParts = [values.family_name, values.given_name, values.patronymic].filter(
        (p) => p !== undefined,
      );
      const script = detectScript(nameParts.join(' '));
      const input: PersonInput = {
        names: [
          {
            script,
            lang: guessLanguage(script, nameParts.join(' ')),
            family: values.family_name,
            given: values.given_name ?? null,
            patronymic: values.patronymic ?? null,
            raw: null,
            scheme: null,
            source: null,
          },
        ],
        sex,
        birth,
        birthPlace: values.birth_place ?? null,
        category,
        military:
          values.unit !== undefined || values.service_number !== undefined
            ? { unit: values.unit ?? null, serviceNumber: values.service_number ?? null }
            : null,
        externalRefs: [],
      };
      // A safety net: the checks above should already guarantee a valid person.
      const parsed = PersonInputSchema.safeParse(input);
      if (!parsed.success) {
        const path = parsed.error.issues[0]?.path.join('.') ?? '';
        this.errors.add({
          line: record.line,
          column: null,
          code: RowErrorCodes.INVALID_ROW,
          message: `the row does not form a valid person record (field ${path})`,
        });
        continue;
      }
      rows.push({ line: record.line, externalRef: id, input });
    }
    return rows;
  }

  /** Reports a file without data rows (unless `requireRows` is false). */
  finish(options: CheckPersonRowsOptions = {}): void {
    if (this.columns && this.dataRows === 0 && (options.requireRows ?? true)) {
      this.errors.add({
        line: 2,
        column: null,
        code: RowErrorCodes.NO_ROWS,
        message: 'no rows: the file has a header but no data rows',
      });
    }
  }
}

/** Maps each known column to its index, or reports the header's problems and returns null. */
function checkHeader(sheet: Sheet, sink: ErrorSink): Map<PersonColumn, number> | null {
  const columns = new Map<PersonColumn, number>();
  const headerError = (column: string | null, code: RowError['code'], message: string) =>
    sink.add({ line: 1, column, code, message });
  sheet.header.forEach((raw, index) => {
    const trimmed = raw.replace(/^\uFEFF/, '').trim();
    const name = trimmed.toLowerCase();
    const position = index + 1;
    if (name === '') {
      const used = sheet.records.some((r) => (r.cells[index] ?? '').trim() !== '');
      if (used) {
        headerError(
          null,
          RowErrorCodes.EMPTY_HEADER,
          `column ${position} holds values but has no name in line 1`,
        );
      }
      return;
    }
    if (!(name in PersonColumns)) {
      headerError(
        trimmed,
        RowErrorCodes.UNKNOWN_COLUMN,
        `unknown column (column ${position}); the columns are ${COLUMN_NAMES.join(', ')}`,
      );
      return;
    }
    const column = name as PersonColumn;
    const earlier = columns.get(column);
    if (earlier !== undefined) {
      headerError(
        column,
        RowErrorCodes.DUPLICATE_COLUMN,
        `column appears twice in line 1 (columns ${earlier + 1} and ${position})`,
      );
      return;
    }
    columns.set(column, index);
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!columns.has(required)) {
      headerError(
        required,
        RowErrorCodes.MISSING_COLUMN,
        `required column ${required} is missing; line 1 must hold the column names (${COLUMN_NAMES.join(', ')})`,
      );
    }
  }
  return sink.total > 0 ? null : columns;
}

/** Cyrillic if any Cyrillic letter; Latin if every letter is Latin; otherwise other. */
export function detectScript(text: string): Script {
  if (/\p{Script=Cyrillic}/u.test(text)) return 'Cyrl';
  if (/\p{L}/u.test(text) && !/(?=\p{L})\P{Script=Latin}/u.test(text)) return 'Latn';
  return 'other';
}

/**
 * A first guess at the language of a name: Ukrainian-only letters (і ї є ґ) → uk, Russian-only
 * letters (ы э ъ ё) → ru, other Cyrillic → uk; Latin → en; anything else undetermined (und).
 */
export function guessLanguage(script: Script, text: string): string {
  if (script === 'Cyrl') {
    if (/[іїєґ]/iu.test(text)) return 'uk';
    if (/[ыэъё]/iu.test(text)) return 'ru';
    return 'uk';
  }
  return script === 'Latn' ? 'en' : 'und';
}
