import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';
import { MAX_IMPORT_BYTES, personFileKind, readPersonFile } from './read-person-file.ts';
import { MAX_ERRORS, type RowError, RowErrorCodes } from './row-error.ts';
import { seededBytes } from './test-fixtures.ts';
import { toXlsx } from './xlsx.ts';

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function errorsOf(buf: Buffer, name: string): Promise<RowError[]> {
  const r = await readPersonFile(buf, name);
  if (r.ok) throw new Error('expected the file to be rejected');
  return r.errors;
}

describe('readPersonFile: CSV', () => {
  it('reads an Excel-style CSV: BOM, semicolons, CRLF, a quoted value over two lines', async () => {
    const text =
      'id;family_name;given_name;birth_date;birth_place;sex\r\n' +
      'UA-1;Коваленко;Олександр;01.05.1990;"Київ;\r\nОболонь";ч\r\n' +
      'UA-2;Shevchuk;Iryna;1985-03;Lviv;f\r\n';
    const r = await readPersonFile(Buffer.concat([BOM, utf8(text)]), 'список.csv');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(
      r.rows.map((x) => [x.line, x.externalRef, x.input.names[0]?.family, x.input.birthPlace, x.input.sex]),
    ).toEqual([
      [2, 'UA-1', 'Коваленко', 'Київ;\r\nОболонь', 'male'],
      [4, 'UA-2', 'Shevchuk', 'Lviv', 'female'],
    ]);
    expect(r.rows[1]?.input.birth).toEqual({ date: '1985-03-01', precision: 'month' });
  });

  it('reads a .txt file and an upper-case extension as CSV', async () => {
    for (const name of ['list.txt', 'LIST.CSV']) {
      expect((await readPersonFile(utf8('id,family_name\nA1,Бондар\n'), name)).ok).toBe(true);
    }
  });

  it('reports reading and validation problems together, sorted by line', async () => {
    const text = 'id,family_name,birth_date\nA1,Коваленко,1990-02-30\nA2,Shevchuk\nA3,"Бондар,1991\n';
    const errors = await errorsOf(utf8(text), 'x.csv');
    expect(errors).toEqual([
      expect.objectContaining({ line: 2, column: 'birth_date', code: RowErrorCodes.INVALID_DATE }),
      expect.objectContaining({ line: 3, column: null, code: RowErrorCodes.FIELD_COUNT }),
      expect.objectContaining({
        line: 4,
        column: 'family_name',
        code: RowErrorCodes.UNTERMINATED_QUOTE,
        position: 4,
      }),
    ]);
    for (const e of errors) expect(e.message).not.toMatch(/1990-02-30|Коваленко|Shevchuk|Бондар/);
  });

  it('does not claim "no rows" when the only rows could not be read', async () => {
    const errors = await errorsOf(utf8('id,family_name\nA1\n'), 'x.csv');
    expect(errors.map((e) => e.code)).toEqual([RowErrorCodes.FIELD_COUNT]);
  });

  it('reports a header-only file as having no rows', async () => {
    expect(await errorsOf(utf8('id,family_name\r\n'), 'x.csv')).toEqual([
      expect.objectContaining({ code: RowErrorCodes.NO_ROWS, message: expect.stringMatching(/no rows/) }),
    ]);
  });

  it('reports broken UTF-8 by line and column', async () => {
    const buf = Buffer.concat([
      utf8('id,family_name\nA1,Коваленко\nA2,Шев'),
      Buffer.from([0xd7]),
      utf8('чук\n'),
    ]);
    const errors = await errorsOf(buf, 'x.csv');
    expect(errors).toEqual([
      {
        line: 3,
        column: null,
        position: 7,
        code: RowErrorCodes.INVALID_ENCODING,
        message: expect.stringMatching(/^line 3, column 7: bytes that are not valid UTF-8/),
      },
    ]);
  });

  it('reports an unknown column at line 1 naming the column', async () => {
    const errors = await errorsOf(utf8('id,family_name,nickname\nA1,Коваленко,Сашко\n'), 'x.csv');
    expect(errors).toEqual([
      expect.objectContaining({ line: 1, column: 'nickname', code: RowErrorCodes.UNKNOWN_COLUMN }),
    ]);
    expect(errors[0]?.message).not.toContain('Сашко');
  });

  it('reports a repeated id naming the first line', async () => {
    const errors = await errorsOf(utf8('id,family_name\nA1,Коваленко\nA2,Shevchuk\nA1,Бондар\n'), 'x.csv');
    expect(errors).toEqual([
      expect.objectContaining({
        line: 4,
        column: 'id',
        code: RowErrorCodes.DUPLICATE_ID,
        message: expect.stringMatching(/line 2/),
      }),
    ]);
  });

  it('reads back what toCsv exported: the guard quote is dropped, the value is the original', async () => {
    const csv = toCsv(
      ['id', 'family_name', 'unit'],
      [
        ['A1', 'Коваленко', '-3 рота'],
        ['A2', 'Shevchuk', null],
      ],
      { bom: true },
    );
    const r = await readPersonFile(utf8(csv), 'export.csv');
    expect(r.ok && r.rows.map((x) => x.input.military)).toEqual([
      { unit: '-3 рота', serviceNumber: null },
      null,
    ]);
  });
});

describe('readPersonFile: XLSX', () => {
  it('reads a workbook with dates, numbers and Cyrillic names', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Список');
    ws.addRow(['ID', 'Family_Name', 'given_name', 'birth_date', 'service_number', 'category']);
    ws.addRow([101, 'Коваленко', 'Олександр', new Date(Date.UTC(1990, 4, 1)), 1234567, 'servicemember']);
    ws.addRow([102, 'Shevchuk', 'Iryna', '~1985', null, 'civilian_internee']);
    const buf = Buffer.from((await wb.xlsx.writeBuffer()) as unknown as Uint8Array);
    const r = await readPersonFile(buf, 'list.xlsx');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rows.map((x) => [x.line, x.externalRef, x.input.birth, x.input.military])).toEqual([
      [2, '101', { date: '1990-05-01', precision: 'day' }, { unit: null, serviceNumber: '1234567' }],
      [3, '102', { date: '1985-01-01', precision: 'approximate' }, null],
    ]);
    expect(r.rows[0]?.input.names[0]).toMatchObject({ script: 'Cyrl', lang: 'uk', family: 'Коваленко' });
  });

  it('reports bad cells by spreadsheet row and column name', async () => {
    const buf = await toXlsx(
      ['id', 'family_name', 'birth_date'],
      [
        ['A1', 'Коваленко', '1990'],
        ['A2', 'Shevchuk', '13.13.1990'],
      ],
    );
    expect(await errorsOf(buf, 'list.xlsx')).toEqual([
      expect.objectContaining({ line: 3, column: 'birth_date', code: RowErrorCodes.INVALID_DATE }),
    ]);
  });

  it('recognises a workbook by its bytes whatever its name', async () => {
    const buf = await toXlsx(['id', 'family_name'], [['A1', 'Бондар']]);
    expect(personFileKind(buf, 'persons.csv')).toBe('xlsx');
    expect((await readPersonFile(buf, 'persons.csv')).ok).toBe(true);
  });

  it('rejects a text file named .xlsx with a clear error', async () => {
    expect(await errorsOf(utf8('id,family_name\nA1,Бондар\n'), 'list.xlsx')).toEqual([
      {
        line: 0,
        column: null,
        code: RowErrorCodes.INVALID_XLSX,
        message: 'the file is not an XLSX workbook',
      },
    ]);
  });
});

describe('readPersonFile: files it will not read', () => {
  it('refuses legacy .xls files and unknown types', async () => {
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    for (const [buf, name] of [
      [ole, 'list.csv'],
      [utf8('id'), 'list.xls'],
    ] as const) {
      expect(await errorsOf(buf, name)).toEqual([
        expect.objectContaining({
          code: RowErrorCodes.UNSUPPORTED_FILE_TYPE,
          message: expect.stringMatching(/\.xls/),
        }),
      ]);
    }
    expect(await errorsOf(utf8('%PDF-1.7'), 'list.pdf')).toEqual([
      expect.objectContaining({ code: RowErrorCodes.UNSUPPORTED_FILE_TYPE }),
    ]);
    expect(await errorsOf(Buffer.alloc(0), 'list.csv')).toEqual([
      expect.objectContaining({ code: RowErrorCodes.EMPTY_FILE }),
    ]);
  });

  it('refuses a file over 50 MB without reading it', async () => {
    const started = performance.now();
    const errors = await errorsOf(Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x41), 'big.csv');
    expect(errors).toEqual([
      {
        line: 0,
        column: null,
        code: RowErrorCodes.FILE_TOO_LARGE,
        message: expect.stringMatching(/larger than 50 MB/),
      },
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  describe('50 MB of random bytes', () => {
    const garbage = seededBytes(MAX_IMPORT_BYTES, 0x5eed);

    it.each(['garbage.csv', 'garbage.xlsx', 'garbage.txt'])(
      'as %s: one clear error within seconds',
      async (name) => {
        const started = performance.now();
        const errors = await errorsOf(garbage, name);
        expect(performance.now() - started).toBeLessThan(3000);
        expect(errors).toHaveLength(1);
        expect(errors[0]?.code).toBe(
          name.endsWith('.xlsx') ? RowErrorCodes.INVALID_XLSX : RowErrorCodes.INVALID_ENCODING,
        );
        expect(errors[0]?.message).toMatch(/not text|not an XLSX workbook/);
      },
    );

    it('without NUL bytes, as CSV: located encoding errors, a bounded list, within seconds', async () => {
      const noNul = Buffer.from(garbage);
      for (let i = 0; i < noNul.length; i++) if (noNul[i] === 0) noNul[i] = 1;
      const started = performance.now();
      const errors = await errorsOf(noNul, 'garbage.csv');
      expect(performance.now() - started).toBeLessThan(3000);
      expect(errors[0]).toMatchObject({ line: 1, code: RowErrorCodes.INVALID_ENCODING });
      expect(errors[0]?.position).toBeGreaterThanOrEqual(1);
      expect(errors.length).toBeLessThanOrEqual(21);
    });

    it.each([
      ['with quotes', 'abcXYZ019 ,,,"\n\n\r;'],
      ['without quotes', 'abcXYZ019 ,,,\n\n\r;'],
    ])('as printable text %s: a capped error list within seconds', async (_label, chars) => {
      const alphabet = utf8(chars);
      const text = Buffer.alloc(garbage.length);
      for (let i = 0; i < garbage.length; i++) text[i] = alphabet[garbage[i]! % alphabet.length]!;
      const started = performance.now();
      const r = await readPersonFile(text, 'garbage.csv');
      expect(performance.now() - started).toBeLessThan(5000);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.errors.length).toBeLessThanOrEqual(MAX_ERRORS + 1);
        expect(r.errors.map((e) => e.line)).toEqual([...r.errors.map((e) => e.line)].sort((a, b) => a - b));
      }
    });
  });

  it('never throws, whatever the bytes and the name', async () => {
    const names = fc.constantFrom('a.csv', 'a.xlsx', 'a.txt', 'a', 'a.xls', '.csv', 'a.CSV ');
    const prefixes = fc.constantFrom('', 'PK\x03\x04', '\uFEFF', 'id,family_name\n', 'id;family_name\r\n');
    await fc.assert(
      fc.asyncProperty(prefixes, fc.uint8Array({ maxLength: 300 }), names, async (prefix, tail, name) => {
        const r = await readPersonFile(Buffer.concat([utf8(prefix), tail]), name);
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(typeof e.message).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });
});
