import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { neutraliseCell } from './csv.ts';
import { plainNumber } from './plain-number.ts';
import { RowErrorCodes } from './row-error.ts';
import { makeZip, seededBytes } from './test-fixtures.ts';
import { escapeXlsxText, readXlsx, toXlsx } from './xlsx.ts';

type Fill = (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void;

async function workbook(fill: Fill): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Persons');
  fill(ws, wb);
  return Buffer.from((await wb.xlsx.writeBuffer()) as unknown as Uint8Array);
}

async function readBack(buf: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb.worksheets[0]!;
}

/** The Excel serial number of a calendar date (days since 1899-12-30). */
const serial = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000 + 25_569;

describe('readXlsx', () => {
  it('reads the header from row 1 and records numbered by their spreadsheet row, skipping empty rows', async () => {
    const buf = await workbook((ws) => {
      ws.addRow(['id', 'family_name', 'given_name']);
      ws.addRow(['A1', 'Коваленко', 'Олександр']);
      ws.addRow([]);
      ws.addRow(['A2', 'Shevchuk', 'Iryna']);
    });
    expect(await readXlsx(buf)).toEqual({
      sheet: {
        header: ['id', 'family_name', 'given_name'],
        records: [
          { line: 2, cells: ['A1', 'Коваленко', 'Олександр'] },
          { line: 4, cells: ['A2', 'Shevchuk', 'Iryna'] },
        ],
      },
      errors: [],
      total: 0,
    });
  });

  describe('dates', () => {
    let tz: string | undefined;
    beforeEach(() => {
      tz = process.env.TZ;
      // West of UTC, a date read as local time would fall on the day before.
      process.env.TZ = 'America/New_York';
    });
    afterEach(() => {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    });

    it('turns date cells into YYYY-MM-DD computed in UTC, whatever the local time zone', async () => {
      expect(new Date(Date.UTC(1990, 4, 1)).getDate()).toBe(30); // the time zone really is in effect
      const buf = await workbook((ws) => {
        ws.addRow(['birth_date', 'b', 'c']);
        ws.addRow([
          new Date(Date.UTC(1990, 4, 1)),
          serial(2001, 1, 1),
          new Date(Date.UTC(1985, 11, 31, 23, 0)),
        ]);
        ws.getCell('B2').numFmt = 'dd.mm.yyyy';
      });
      const r = await readXlsx(buf);
      expect(r.sheet?.records[0]?.cells).toEqual(['1990-05-01', '2001-01-01', '1985-12-31']);
    });
  });

  it('writes numbers as plain decimals without exponent or trailing .0, keeping zero-padded formats', async () => {
    const buf = await workbook((ws) => {
      ws.addRow(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
      ws.addRow([12345, 1.5, 1e21, 1e-7, 0.1 + 0.2, -0, 123456789012, 1234]);
      ws.getCell('H2').numFmt = '000000';
    });
    const r = await readXlsx(buf);
    expect(r.sheet?.records[0]?.cells).toEqual([
      '12345',
      '1.5',
      '1000000000000000000000',
      '0.0000001',
      '0.3',
      '0',
      '123456789012',
      '001234',
    ]);
  });

  it('reads rich text as plain text, hyperlinks as their text, booleans, and formulas as their saved result', async () => {
    const buf = await workbook((ws) => {
      ws.addRow(['a', 'b', 'c', 'd', 'e']);
      ws.getCell('A2').value = { richText: [{ text: 'Кова' }, { font: { bold: true }, text: 'ленко' }] };
      ws.getCell('B2').value = { text: 'Shevchuk', hyperlink: 'https://example.org/' };
      ws.getCell('C2').value = true;
      ws.getCell('D2').value = { formula: 'A2', result: 'Олександр' };
      ws.getCell('E2').value = { formula: 'DATE(1990,5,1)', result: serial(1990, 5, 1) };
      ws.getCell('E2').numFmt = 'yyyy-mm-dd';
    });
    const r = await readXlsx(buf);
    expect(r.errors).toEqual([]);
    expect(r.sheet?.records[0]?.cells).toEqual(['Коваленко', 'Shevchuk', 'TRUE', 'Олександр', '1990-05-01']);
  });

  it('reports formulas without a saved result, error values and merged cells by row and column', async () => {
    const buf = await workbook((ws) => {
      ws.addRow(['id', 'family_name', 'given_name']);
      ws.addRow(['A1', 'Коваленко', 'Олександр']);
      ws.getCell('B3').value = { formula: 'B2' } as ExcelJS.CellFormulaValue;
      ws.getCell('A3').value = 'A2';
      ws.getCell('C4').value = { error: '#N/A' } as ExcelJS.CellErrorValue;
      ws.getCell('A4').value = 'A3';
      ws.getCell('A5').value = 'A4';
      ws.getCell('B5').value = 'Shevchuk';
      ws.mergeCells('B5:C5');
      ws.mergeCells('A6:C6'); // merged but empty: harmless
      ws.addRow(['A5', 'Бондар', 'Олена']);
    });
    const r = await readXlsx(buf);
    expect(r.errors).toEqual([
      expect.objectContaining({
        line: 3,
        column: 'family_name',
        code: RowErrorCodes.UNSUPPORTED_CELL,
        message: expect.stringMatching(/^cell B3 is a formula without a saved result/),
      }),
      expect.objectContaining({
        line: 4,
        column: 'given_name',
        message: expect.stringMatching(/^cell C4 holds a spreadsheet error value/),
      }),
      expect.objectContaining({
        line: 5,
        column: 'given_name',
        message: expect.stringMatching(/^cell C5 is part of merged cells/),
      }),
    ]);
    expect(r.sheet?.records.map((x) => x.line)).toEqual([2, 7]);
    for (const e of r.errors) expect(e.message).not.toMatch(/Shevchuk|#N\/A/);
  });

  it('reads the first visible worksheet', async () => {
    const buf = await workbook((ws, wb) => {
      ws.state = 'hidden';
      ws.addRow(['secret']);
      wb.addWorksheet('Visible').addRow(['id']);
    });
    expect((await readXlsx(buf)).sheet?.header).toEqual(['id']);
  });

  it('widens the header to the last column holding a value, with empty names for unnamed columns', async () => {
    const buf = await workbook((ws) => {
      ws.addRow(['id', 'family_name']);
      ws.addRow(['A1', 'Коваленко', null, 'stray']);
    });
    expect((await readXlsx(buf)).sheet).toEqual({
      header: ['id', 'family_name', '', ''],
      records: [{ line: 2, cells: ['A1', 'Коваленко', '', 'stray'] }],
    });
  });

  it('asks for column names when row 1 is empty, and reports an empty worksheet', async () => {
    const noHeader = await workbook((ws) => {
      ws.getCell('A2').value = 'id';
    });
    expect((await readXlsx(noHeader)).errors).toEqual([
      expect.objectContaining({ line: 1, code: RowErrorCodes.NO_HEADER }),
    ]);
    const empty = await workbook(() => {});
    expect((await readXlsx(empty)).errors).toEqual([
      expect.objectContaining({ line: 0, code: RowErrorCodes.EMPTY_FILE }),
    ]);
  });

  it('turns files that are not workbooks into a clear error instead of throwing', async () => {
    const cases = [
      seededBytes(10_000, 3),
      Buffer.from('id,family_name\nA1,Коваленко\n'),
      makeZip([{ name: 'word/document.xml', data: '<w:document/>' }]),
      makeZip([{ name: 'xl/workbook.xml', data: 'not xml at all <<<' }]),
      (await toXlsx(['id'], [['A1']])).subarray(0, 500),
    ];
    for (const buf of cases) {
      const r = await readXlsx(buf);
      expect(r.sheet).toBeNull();
      expect(r.errors).toEqual([expect.objectContaining({ line: 0, code: RowErrorCodes.INVALID_XLSX })]);
    }
  });

  it('never throws on a damaged workbook, whatever bytes are changed', async () => {
    const good = await toXlsx(['id', 'family_name'], [['A1', 'Коваленко']]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 20,
        }),
        async (changes) => {
          const bad = Buffer.from(good);
          for (const [at, byte] of changes) bad[at] = byte;
          const r = await readXlsx(bad);
          expect(r.sheet !== null || r.errors.length > 0).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('plainNumber', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [42, '42'],
    [-1.25, '-1.25'],
    [1e21, '1000000000000000000000'],
    [-1.5e22, '-15000000000000000000000'],
    [1e-7, '0.0000001'],
    [1.23e-10, '0.000000000123'],
    [0.1 + 0.2, '0.3'],
  ])('%d → %s', (n, s) => {
    expect(plainNumber(n)).toBe(s);
  });

  it('never writes an exponent and reads back to the 15-digit value', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const s = plainNumber(n);
        expect(s).toMatch(/^-?\d+(\.\d*[1-9])?$/);
        const rounded = Number(n.toPrecision(15));
        expect(Number(s)).toBe((Number.isFinite(rounded) ? rounded : n) || 0);
      }),
    );
  });
});

describe('toXlsx', () => {
  const risky = ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'];

  it('neutralises formula-like text and writes every cell as a string, never a formula', async () => {
    const buf = await toXlsx(
      ['id', 'value'],
      [...risky.map((s, i) => [`A${i}`, s]), ['A9', 'Коваленко Олександр'], ['A10', 42], ['A11', null]],
    );
    const ws = await readBack(buf);
    const values = risky.map((_, i) => ws.getCell(`B${i + 2}`));
    for (const [i, cell] of values.entries()) {
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(`'${risky[i]}`);
      expect(cell.formula).toBeUndefined();
    }
    expect(ws.getCell('B8').value).toBe('Коваленко Олександр');
    expect(ws.getCell('B9').value).toBe('42');
    expect(ws.getCell('B9').type).toBe(ExcelJS.ValueType.String);
    expect(ws.getCell('A1').font?.bold).toBe(true);
  });

  it('neutralises the header too and leaves ordinary text alone', async () => {
    const ws = await readBack(await toXlsx(['=cmd', 'family_name'], [['Shevchuk', 'a-b']]));
    expect(ws.getRow(1).values).toEqual([undefined, "'=cmd", 'family_name']);
    expect(ws.getRow(2).values).toEqual([undefined, 'Shevchuk', 'a-b']);
  });

  it('keeps control characters and escape-like text through the XML, as Excel encodes them', () => {
    expect(escapeXlsxText('a\rb\u0001')).toBe('a_x000D_b_x0001_');
    expect(escapeXlsxText('_x000D_')).toBe('_x005F_x000D_');
    expect(escapeXlsxText('line\nbreak\ttab')).toBe('line\nbreak\ttab');
    expect(escapeXlsxText('bad\uD800half')).toBe('bad\uFFFDhalf');
  });

  it('refuses rows whose width differs from the header', async () => {
    await expect(toXlsx(['a', 'b'], [['1']])).rejects.toThrow(RangeError);
  });

  it('round-trips any text table through readXlsx (neutralised cells come back prefixed)', async () => {
    const char = fc.oneof(
      fc.constantFrom(
        '_x000D_',
        '_x005F_',
        '\r',
        '\r\n',
        '\n',
        '\t',
        ' ',
        '\u0001',
        '\u007f',
        '"',
        '<',
        '&',
        'Ї',
        '😀',
        '=',
        '-',
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    const cell = fc.string({ unit: char, maxLength: 8 });
    const header = fc.array(
      cell.filter((s) => s.trim() !== ''),
      { minLength: 1, maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(
        header.chain((h) =>
          fc.tuple(
            fc.constant(h),
            fc.array(fc.array(cell, { minLength: h.length, maxLength: h.length }), { maxLength: 5 }),
          ),
        ),
        async ([h, rows]) => {
          const r = await readXlsx(await toXlsx(h, rows));
          expect(r.errors).toEqual([]);
          expect(r.sheet?.header).toEqual(h.map(neutraliseCell));
          const expected = rows
            .map((cells, i) => ({ line: i + 2, cells: cells.map(neutraliseCell) }))
            .filter((x) => x.cells.some((c) => c !== ''));
          expect(r.sheet?.records).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
