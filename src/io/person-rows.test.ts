import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PersonInputSchema } from '../domain/person.ts';
import { detectScript, guessLanguage, validatePersonRows } from './person-rows.ts';
import { MAX_ERRORS, type RowError, RowErrorCodes, RowErrorMessageParams } from './row-error.ts';
import type { Sheet } from './sheet.ts';

/** A sheet whose records sit on lines 2, 3, ... */
const sheet = (header: string[], ...rows: string[][]): Sheet => ({
  header,
  records: rows.map((cells, i) => ({ line: i + 2, cells })),
});

const HEADER = ['id', 'family_name', 'given_name', 'birth_date'];

function errorsOf(s: Sheet): RowError[] {
  const r = validatePersonRows(s);
  if (r.ok) throw new Error('expected the rows to be rejected');
  return r.errors;
}

/** Error messages may reach logs: none may repeat a cell value. */
function expectNoValueIn(errors: RowError[], values: string[]) {
  for (const e of errors) for (const v of values) expect(e.message).not.toContain(v);
}

describe('validatePersonRows: good rows', () => {
  it('builds a person input from every column', () => {
    const r = validatePersonRows(
      sheet(
        [
          'id',
          'family_name',
          'given_name',
          'patronymic',
          'birth_date',
          'birth_place',
          'unit',
          'service_number',
          'sex',
          'category',
        ],
        [
          'UA-0001',
          'Коваленко',
          'Олександр',
          'Петрович',
          '01.05.1990',
          'Київ, Україна',
          'в/ч А0000\nрота 2',
          '0012345',
          'ч',
          'Servicemember',
        ],
      ),
    );
    expect(r).toEqual({
      ok: true,
      rows: [
        {
          line: 2,
          externalRef: 'UA-0001',
          input: {
            names: [
              {
                script: 'Cyrl',
                lang: 'uk',
                family: 'Коваленко',
                given: 'Олександр',
                patronymic: 'Петрович',
                raw: null,
                scheme: null,
                source: null,
              },
            ],
            sex: 'male',
            birth: { date: '1990-05-01', precision: 'day' },
            birthPlace: 'Київ, Україна',
            category: 'servicemember',
            military: { unit: 'в/ч А0000\nрота 2', serviceNumber: '0012345' },
            externalRefs: [],
          },
        },
      ],
    });
    if (r.ok) expect(PersonInputSchema.safeParse(r.rows[0]!.input).success).toBe(true);
  });

  it('fills absent optional columns with null and unknown sex', () => {
    const r = validatePersonRows(sheet(['family_name', 'id'], ['Shevchuk', 'X-1']));
    expect(r).toMatchObject({
      ok: true,
      rows: [
        {
          line: 2,
          externalRef: 'X-1',
          input: {
            names: [{ script: 'Latn', lang: 'en', family: 'Shevchuk', given: null, patronymic: null }],
            sex: 'unknown',
            birth: null,
            birthPlace: null,
            category: null,
            military: null,
          },
        },
      ],
    });
  });

  it('matches header names case-insensitively after trimming, and trims cells', () => {
    const r = validatePersonRows(
      sheet([' ID ', 'Family_Name', '\uFEFFGIVEN_NAME'], ['  A1 ', ' Бондар ', 'Олена ']),
    );
    expect(r).toMatchObject({
      ok: true,
      rows: [{ externalRef: 'A1', input: { names: [{ family: 'Бондар', given: 'Олена' }] } }],
    });
  });

  it.each([
    ['1990-05-01', { date: '1990-05-01', precision: 'day' }],
    ['1990-05', { date: '1990-05-01', precision: 'month' }],
    ['1990', { date: '1990-01-01', precision: 'year' }],
    ['~1990', { date: '1990-01-01', precision: 'approximate' }],
    ['01.05.1990', { date: '1990-05-01', precision: 'day' }],
    ['', null],
  ])('reads birth date %j', (cell, birth) => {
    const r = validatePersonRows(sheet(HEADER, ['A1', 'Мельник', 'Тарас', cell]));
    expect(r).toMatchObject({ ok: true, rows: [{ input: { birth } }] });
  });

  it.each([
    ['male', 'male'],
    ['Female', 'female'],
    ['UNKNOWN', 'unknown'],
    ['m', 'male'],
    ['F', 'female'],
    ['ч', 'male'],
    ['Ч', 'male'],
    ['ж', 'female'],
    ['Ж', 'female'],
    ['м', 'male'],
    ['', 'unknown'],
  ])('reads sex %j as %s', (cell, sex) => {
    const r = validatePersonRows(sheet(['id', 'family_name', 'sex'], ['A1', 'Мельник', cell]));
    expect(r).toMatchObject({ ok: true, rows: [{ input: { sex } }] });
  });

  it('skips fully blank rows in the middle and keeps line numbers', () => {
    const r = validatePersonRows(
      sheet(['id', 'family_name'], ['A1', 'Коваленко'], ['', '  '], ['A2', 'Shevchuk']),
    );
    expect(r.ok && r.rows.map((x) => [x.line, x.externalRef])).toEqual([
      [2, 'A1'],
      [4, 'A2'],
    ]);
  });

  it('ignores an unnamed column that holds nothing (a trailing separator)', () => {
    expect(validatePersonRows(sheet(['id', 'family_name', ''], ['A1', 'Коваленко', ''])).ok).toBe(true);
  });

  it('accepts only rows that make a valid person input', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('Коваленко', 'Shevchuk', 'Олена', '1990', '~1985', '01.05.1990', '1990-13', ''),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text, text, text), { maxLength: 10 }), (rows) => {
        const r = validatePersonRows(sheet(HEADER, ...rows.map((x) => [...x])));
        if (r.ok) for (const row of r.rows) expect(PersonInputSchema.safeParse(row.input).success).toBe(true);
      }),
    );
  });
});

describe('script and language of names', () => {
  it.each([
    ['Коваленко Олександр', 'Cyrl', 'uk'],
    ['Бондар Олена', 'Cyrl', 'uk'], // no letter unique to either language: Ukrainian by default
    ['Ґонта Єлизавета', 'Cyrl', 'uk'],
    ['Воробьёв Алексей', 'Cyrl', 'ru'],
    ['Эдуардов Ыгор', 'Cyrl', 'ru'],
    ['Shevchuk Iryna', 'Latn', 'en'],
    ["O'Neill-Łukasz", 'Latn', 'en'],
    ['Shevchuk Ірина', 'Cyrl', 'uk'],
    ['ბერიძე', 'other', 'und'],
    ['12345', 'other', 'und'],
  ])('%s → %s/%s', (name, script, lang) => {
    const detected = detectScript(name);
    expect(detected).toBe(script);
    expect(guessLanguage(detected, name)).toBe(lang);
  });
});

describe('validatePersonRows: header problems', () => {
  it('names an unknown column at line 1 and says what the columns are', () => {
    const errors = errorsOf(sheet(['id', 'family_name', 'Surname'], ['A1', 'Коваленко', 'x']));
    expect(errors).toEqual([
      {
        line: 1,
        column: 'Surname',
        code: RowErrorCodes.UNKNOWN_COLUMN,
        message: expect.stringMatching(/unknown column \(column 3\); the columns are id, family_name/),
      },
    ]);
  });

  it('reports missing required columns, duplicates and unnamed columns holding values, all at once', () => {
    const errors = errorsOf(sheet(['given_name', 'GIVEN_NAME', '', 'id'], ['Олена', 'Олена', 'x', 'A1']));
    expect(errors).toEqual([
      expect.objectContaining({
        line: 1,
        column: 'given_name',
        code: RowErrorCodes.DUPLICATE_COLUMN,
        message: expect.stringMatching(/columns 1 and 2/),
      }),
      expect.objectContaining({
        line: 1,
        column: null,
        code: RowErrorCodes.EMPTY_HEADER,
        message: expect.stringMatching(/column 3/),
      }),
      expect.objectContaining({ line: 1, column: 'family_name', code: RowErrorCodes.MISSING_COLUMN }),
    ]);
  });

  it('does not check rows while the header is wrong', () => {
    const errors = errorsOf(sheet(['id'], ['A1'], ['A1']));
    expect(errors.map((e) => e.code)).toEqual([RowErrorCodes.MISSING_COLUMN]);
  });

  it('does not repeat a header that looks like data in its messages', () => {
    const header = ['UA-77', 'Коваленко', 'Олександр'];
    const errors = errorsOf(sheet(header, ['UA-78', 'Shevchuk', 'Iryna']));
    expect(errors.length).toBeGreaterThan(0);
    expectNoValueIn(errors, [...header, 'UA-78', 'Shevchuk', 'Iryna']);
  });
});

describe('validatePersonRows: row problems', () => {
  it('reports a file with a header but no rows, even with blank rows', () => {
    for (const s of [sheet(HEADER), sheet(HEADER, ['', '', '', ''])]) {
      expect(errorsOf(s)).toEqual([
        { line: 2, column: null, code: RowErrorCodes.NO_ROWS, message: expect.stringMatching(/^no rows/) },
      ]);
    }
  });

  it.each(['1990-13-01', '31.02.1990', '1799', 'May 1990', '90', '1990/05/01', '1.5.1990'])(
    'rejects birth date %j naming the accepted forms, not the value',
    (cell) => {
      const errors = errorsOf(sheet(HEADER, ['A1', 'Коваленко', 'Олександр', cell]));
      expect(errors).toEqual([
        {
          line: 2,
          column: 'birth_date',
          code: RowErrorCodes.INVALID_DATE,
          message: expect.stringMatching(/^birth_date must be YYYY-MM-DD, YYYY-MM, YYYY/),
        },
      ]);
      expectNoValueIn(errors, [cell, 'Коваленко']);
    },
  );

  it('rejects unknown sex codes and categories', () => {
    const errors = errorsOf(
      sheet(
        ['id', 'family_name', 'sex', 'category'],
        ['A1', 'Коваленко', 'чоловік', 'soldier'],
        ['A2', 'Shevchuk', 'x', 'child'],
      ),
    );
    expect(errors).toEqual([
      expect.objectContaining({ line: 2, column: 'sex', code: RowErrorCodes.INVALID_SEX }),
      expect.objectContaining({
        line: 2,
        column: 'category',
        code: RowErrorCodes.INVALID_CATEGORY,
        message: expect.stringContaining(
          'servicemember, civilian_internee, detained_civilian, child, foreign_national',
        ),
      }),
      expect.objectContaining({ line: 3, column: 'sex', code: RowErrorCodes.INVALID_SEX }),
    ]);
    expectNoValueIn(errors, ['чоловік', 'soldier', 'Коваленко', 'Shevchuk']);
  });

  it('requires id and family_name in every row', () => {
    const errors = errorsOf(sheet(HEADER, ['', 'Коваленко', 'Олександр', ''], ['A2', ' ', 'Iryna', '']));
    expect(errors).toEqual([
      { line: 2, column: 'id', code: RowErrorCodes.REQUIRED, message: 'id is required' },
      { line: 3, column: 'family_name', code: RowErrorCodes.REQUIRED, message: 'family_name is required' },
    ]);
  });

  it('reports a repeated id on each later occurrence, naming the line of the first', () => {
    const errors = errorsOf(
      sheet(
        ['id', 'family_name'],
        ['A1', 'Коваленко'],
        ['B7', 'Shevchuk'],
        ['A1', 'Бондар'],
        ['A1', 'Мельник'],
      ),
    );
    expect(errors).toEqual([
      {
        line: 4,
        column: 'id',
        code: RowErrorCodes.DUPLICATE_ID,
        params: { firstLine: 2 },
        message: expect.stringMatching(/already used on line 2/),
      },
      {
        line: 5,
        column: 'id',
        code: RowErrorCodes.DUPLICATE_ID,
        params: { firstLine: 2 },
        message: expect.stringMatching(/already used on line 2/),
      },
    ]);
    expectNoValueIn(errors, ['A1', 'Бондар', 'Мельник']);
  });

  it('enforces length limits per column', () => {
    const long = (n: number) => 'Ш'.repeat(n);
    const header = ['id', 'family_name', 'given_name', 'birth_place', 'service_number'];
    expect(
      validatePersonRows(sheet(header, ['A1', long(200), long(200), long(300), '9'.repeat(60)])).ok,
    ).toBe(true);
    const errors = errorsOf(sheet(header, ['A1', long(201), long(200), long(301), '9'.repeat(61)]));
    expect(errors).toEqual([
      {
        line: 2,
        column: 'family_name',
        code: RowErrorCodes.TOO_LONG,
        params: { max: 200 },
        message: 'family_name is longer than 200 characters',
      },
      {
        line: 2,
        column: 'birth_place',
        code: RowErrorCodes.TOO_LONG,
        params: { max: 300 },
        message: 'birth_place is longer than 300 characters',
      },
      {
        line: 2,
        column: 'service_number',
        code: RowErrorCodes.TOO_LONG,
        params: { max: 60 },
        message: 'service_number is longer than 60 characters',
      },
    ]);
  });

  it('refuses line breaks in names and control characters anywhere', () => {
    const errors = errorsOf(
      sheet(
        ['id', 'family_name', 'birth_place'],
        ['A1', 'Ковал\nенко', 'Київ\nУкраїна'],
        ['A2', 'Shevchuk', 'Lviv\u0007'],
      ),
    );
    expect(errors).toEqual([
      expect.objectContaining({ line: 2, column: 'family_name', code: RowErrorCodes.INVALID_CHARACTERS }),
      expect.objectContaining({ line: 3, column: 'birth_place', code: RowErrorCodes.INVALID_CHARACTERS }),
    ]);
  });

  it('refuses bidirectional-override and zero-width characters in names, by line and column, and keeps apostrophes', () => {
    const errors = errorsOf(
      sheet(
        ['id', 'family_name', 'given_name', 'patronymic', 'birth_place'],
        ['A1', 'Мʼякуш', 'Ігор', "Дем'янович", 'Київ'],
        ['A2', 'Ковал\u202eенко', 'Олег', '', 'Lviv'],
        ['A3', 'Shevchuk', 'Ір\u200bина', 'Тарас\ufeffівна', 'Lviv'],
      ),
    );
    expect(errors).toEqual([
      expect.objectContaining({ line: 3, column: 'family_name', code: RowErrorCodes.INVALID_CHARACTERS }),
      expect.objectContaining({ line: 4, column: 'given_name', code: RowErrorCodes.INVALID_CHARACTERS }),
      expect.objectContaining({ line: 4, column: 'patronymic', code: RowErrorCodes.INVALID_CHARACTERS }),
    ]);
    for (const e of errors) expect(e.message).not.toMatch(/Ковал|Ір|Тарас/);
  });

  it('reports every bad row, sorted by line, with each row in column order', () => {
    const errors = errorsOf(
      sheet(
        HEADER,
        ['A1', 'Коваленко', 'Олександр', '1990'],
        ['', 'Shevchuk', 'Iryna', '32.01.1990'],
        ['A3', 'Бондар', 'Олена', '1991'],
        ['A1', '', 'Тарас', 'x'],
      ),
    );
    expect(errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [3, 'id', RowErrorCodes.REQUIRED],
      [3, 'birth_date', RowErrorCodes.INVALID_DATE],
      [5, 'id', RowErrorCodes.DUPLICATE_ID],
      [5, 'family_name', RowErrorCodes.REQUIRED],
      [5, 'birth_date', RowErrorCodes.INVALID_DATE],
    ]);
  });

  it(`caps the list at ${MAX_ERRORS} errors and says how many more there were`, () => {
    const rows = Array.from({ length: 1500 }, (_, i) => [`A${i}`, 'Коваленко', 'Олександр', 'not a date']);
    const errors = errorsOf(sheet(HEADER, ...rows));
    expect(errors).toHaveLength(MAX_ERRORS + 1);
    expect(errors[MAX_ERRORS - 1]?.line).toBe(MAX_ERRORS + 1);
    expect(errors[MAX_ERRORS]).toEqual({
      line: MAX_ERRORS + 1,
      column: null,
      code: RowErrorCodes.TOO_MANY_ERRORS,
      params: { omitted: 500 },
      message: expect.stringMatching(/^500 more errors were omitted/),
    });
  });

  it('never puts a cell value into an error message', () => {
    // Every cell carries a marker letter that no message uses.
    const marked = fc.string({ maxLength: 12 }).map((s) => `${s}Ѯ`);
    const cell = fc.oneof(marked, fc.constant(''), fc.constant('Ѯ'.repeat(301)));
    fc.assert(
      fc.property(
        fc.array(cell, { minLength: 10, maxLength: 10 }),
        fc.array(fc.array(cell, { minLength: 10, maxLength: 10 }), { maxLength: 6 }),
        fc.boolean(),
        (headerCells, rows, realHeader) => {
          const header = realHeader
            ? [
                'id',
                'family_name',
                'given_name',
                'patronymic',
                'birth_date',
                'birth_place',
                'unit',
                'service_number',
                'sex',
                'category',
              ]
            : headerCells;
          const r = validatePersonRows(sheet(header, ...rows));
          if (!r.ok)
            for (const e of r.errors) {
              expect(e.message).not.toContain('Ѯ');
              // The translated message gets exactly the parameters its code declares, none from the cells.
              expect(Object.keys(e.params ?? {}).sort(), e.code).toEqual(
                [...RowErrorMessageParams[e.code]].sort(),
              );
              expect(JSON.stringify(e.params ?? {})).not.toContain('Ѯ');
            }
        },
      ),
      { numRuns: 300 },
    );
  });
});
