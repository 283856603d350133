import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, neutraliseCell, parseCsv, parseCsvText, toCsv } from './csv.ts';
import { RowErrorCodes } from './row-error.ts';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('parseCsv: good files', () => {
  it('reads Cyrillic and Latin names with CRLF line ends, numbering records from line 2', () => {
    const r = parseCsv(
      bytes('id,family_name,given_name\r\nA-1,Коваленко,Олександр\r\nA-2,Shevchuk,Iryna\r\n'),
    );
    expect(r.errors).toEqual([]);
    expect(r.delimiter).toBe(',');
    expect(r.sheet).toEqual({
      header: ['id', 'family_name', 'given_name'],
      records: [
        { line: 2, cells: ['A-1', 'Коваленко', 'Олександр'] },
        { line: 3, cells: ['A-2', 'Shevchuk', 'Iryna'] },
      ],
    });
  });

  it('reads LF and lone CR line ends alike', () => {
    for (const eol of ['\n', '\r', '\r\n']) {
      const r = parseCsv(bytes(['a,b', '1,2', '3,4'].join(eol)));
      expect(r.sheet?.records).toEqual([
        { line: 2, cells: ['1', '2'] },
        { line: 3, cells: ['3', '4'] },
      ]);
    }
  });

  it('strips a UTF-8 BOM so the first column name is clean', () => {
    const r = parseCsv(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('id,family_name\nA1,Коваленко\n')]),
    );
    expect(r.sheet?.header).toEqual(['id', 'family_name']);
  });

  it('reads quoted values with commas, doubled quotes and line breaks, and numbers later records by physical line', () => {
    const text =
      'id,birth_place,unit\r\n' +
      'A1,"Київ, Україна","в/ч ""Північ""\r\nрота 2\nвзвод 3"\r\n' +
      'A2,"Lviv",""\r\n';
    const r = parseCsv(bytes(text));
    expect(r.errors).toEqual([]);
    expect(r.sheet?.records).toEqual([
      { line: 2, cells: ['A1', 'Київ, Україна', 'в/ч "Північ"\r\nрота 2\nвзвод 3'] },
      // The quoted value above spans lines 2-4, so this record starts on line 5 in an editor.
      { line: 5, cells: ['A2', 'Lviv', ''] },
    ]);
  });

  it('detects semicolons when line 1 has no comma (Excel in a Ukrainian locale)', () => {
    const r = parseCsv(bytes('id;family_name;birth_place\nA1;Коваленко;"Харків, Україна"\n'));
    expect(r.delimiter).toBe(';');
    expect(r.sheet?.records).toEqual([{ line: 2, cells: ['A1', 'Коваленко', 'Харків, Україна'] }]);
  });

  it('keeps commas as the delimiter when line 1 has both, and ignores separators inside quotes', () => {
    expect(detectDelimiter('a;b,c\n')).toBe(',');
    expect(detectDelimiter('"a,b";c\n1,2')).toBe(';');
    expect(detectDelimiter('"a;b",c')).toBe(',');
    expect(detectDelimiter('abc\n1;2')).toBe(',');
  });

  it('skips blank lines in the middle and at the end without shifting line numbers', () => {
    const r = parseCsv(bytes('a,b\n1,2\n\n   \n3,4\n\n'));
    expect(r.errors).toEqual([]);
    expect(r.sheet?.records).toEqual([
      { line: 2, cells: ['1', '2'] },
      { line: 5, cells: ['3', '4'] },
    ]);
  });

  it('reads a file without a final line break, and a trailing delimiter as an empty last value', () => {
    expect(parseCsv(bytes('a,b\n1,')).sheet?.records).toEqual([{ line: 2, cells: ['1', ''] }]);
  });

  it('returns a header with no records for a header-only file', () => {
    expect(parseCsv(bytes('id,family_name\r\n'))).toMatchObject({
      sheet: { header: ['id', 'family_name'], records: [] },
      errors: [],
    });
  });
});

describe('parseCsv: broken files', () => {
  it('reports invalid UTF-8 with the line and character column of the bad bytes', () => {
    // Line 3 holds "A2,Ко" then a Windows-1251 byte (0xE2) where UTF-8 is expected.
    const buf = Buffer.concat([
      bytes('id,family_name\nA1,Коваленко\nA2,Ко'),
      Buffer.from([0xe2, 0x2c]),
      bytes('\n'),
    ]);
    const r = parseCsv(buf);
    expect(r.sheet).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 3, position: 6, code: RowErrorCodes.INVALID_ENCODING });
    expect(r.errors[0]?.message).toContain('line 3, column 6');
    expect(r.errors[0]?.message).not.toContain('Ко');
  });

  it('counts columns after a BOM and lines across CRLF the way an editor does', () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('ab\r\nc'), Buffer.from([0xff])]);
    expect(parseCsv(buf).errors[0]).toMatchObject({ line: 2, position: 2 });
    const first = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xc0, 0x80])]);
    expect(parseCsv(first).errors[0]).toMatchObject({ line: 1, position: 1 });
  });

  it('reports each line with bad bytes once, and stops after 20 such lines', () => {
    const lines = Array.from({ length: 30 }, (_, i) =>
      Buffer.concat([bytes(`x${i},`), Buffer.from([0xc3, 0x28, 0xff])]),
    );
    const buf = Buffer.concat([bytes('a,b\n'), ...lines.flatMap((l) => [l, bytes('\n')])]);
    const r = parseCsv(buf);
    expect(r.errors.map((e) => e.line).slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(r.errors).toHaveLength(21);
    expect(r.errors[20]?.message).toMatch(/not checked/);
  });

  it('rejects UTF-16 and binary files with one clear error', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,family_name\n', 'utf16le')]);
    expect(parseCsv(utf16).errors).toEqual([
      expect.objectContaining({ line: 0, message: expect.stringMatching(/UTF-16/) }),
    ]);
    const binary = Buffer.from([0x50, 0x00, 0x01, 0x02]);
    expect(parseCsv(binary).errors).toEqual([
      expect.objectContaining({ line: 0, message: expect.stringMatching(/not text/) }),
    ]);
  });

  it('reports an unterminated quote at the line and column where it opens', () => {
    const r = parseCsv(bytes('a,b\n1,2\n3,"Коваленко\n4,5\n'));
    expect(r.errors).toEqual([
      expect.objectContaining({ line: 3, column: 'b', position: 3, code: RowErrorCodes.UNTERMINATED_QUOTE }),
    ]);
    expect(r.sheet?.records).toEqual([{ line: 2, cells: ['1', '2'] }]);
  });

  it('reports stray quotes inside unquoted values and after closing quotes, and keeps reading', () => {
    const r = parseCsv(bytes('a,b\nКо"вал,1\n"Shevchuk"x,2\n3,4\n5,"Бон"дар"\n'));
    expect(r.errors).toEqual([
      expect.objectContaining({ line: 2, column: 'a', position: 3, code: RowErrorCodes.STRAY_QUOTE }),
      expect.objectContaining({ line: 3, column: 'a', position: 11, code: RowErrorCodes.STRAY_QUOTE }),
      expect.objectContaining({ line: 5, column: 'b', position: 8, code: RowErrorCodes.STRAY_QUOTE }),
    ]);
    expect(r.sheet?.records).toEqual([{ line: 4, cells: ['3', '4'] }]);
    for (const e of r.errors) expect(e.message).not.toMatch(/Ко|вал|Shevchuk|Бон|дар/);
  });

  it('reports every line with the wrong number of values and keeps the good ones', () => {
    const r = parseCsv(
      bytes('id,family_name,given_name\nA1,Коваленко\nA2,Shevchuk,Iryna\nA3,Бондар,Олена,зайве\n'),
    );
    expect(r.errors).toEqual([
      expect.objectContaining({
        line: 2,
        code: RowErrorCodes.FIELD_COUNT,
        message: expect.stringMatching(/2 values but the header has 3/),
      }),
      expect.objectContaining({
        line: 4,
        code: RowErrorCodes.FIELD_COUNT,
        message: expect.stringMatching(/4 values but the header has 3/),
      }),
    ]);
    expect(r.sheet?.records.map((x) => x.line)).toEqual([3]);
    for (const e of r.errors) expect(e.message).not.toMatch(/Коваленко|Бондар|зайве/);
  });

  it('numbers a wrong-width record after a multi-line value by its physical line', () => {
    const r = parseCsv(bytes('a,b\n"x\ny",1\n2\n'));
    expect(r.errors).toEqual([expect.objectContaining({ line: 4, code: RowErrorCodes.FIELD_COUNT })]);
  });

  it('rejects an empty file and a file whose line 1 is blank', () => {
    expect(parseCsv(Buffer.alloc(0)).errors[0]?.code).toBe(RowErrorCodes.EMPTY_FILE);
    expect(parseCsv(Buffer.from([0xef, 0xbb, 0xbf])).errors[0]?.code).toBe(RowErrorCodes.EMPTY_FILE);
    expect(parseCsv(bytes('\nid,family_name\n')).errors[0]).toMatchObject({
      line: 1,
      code: RowErrorCodes.NO_HEADER,
    });
  });

  it('refuses a header line that cannot be read', () => {
    const r = parseCsv(bytes('id,fam"ily\nA1,x\n'));
    expect(r.sheet).toBeNull();
    expect(r.errors[0]).toMatchObject({ line: 1, code: RowErrorCodes.STRAY_QUOTE, position: 7 });
  });

  it('counts characters, not UTF-16 units, in columns (emoji before a stray quote)', () => {
    expect(parseCsvText('a\n😀"\n').errors[0]).toMatchObject({ line: 2, position: 2 });
  });
});

describe('neutraliseCell', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])('prefixes %j with a quote', (s) => {
    expect(neutraliseCell(s)).toBe(`'${s}`);
  });

  it.each(['Коваленко', 'Shevchuk Iryna', '1990-01-01', "'=already", ' =1', 'a=b', '', '#1'])(
    'leaves %j alone',
    (s) => {
      expect(neutraliseCell(s)).toBe(s);
    },
  );
});

describe('toCsv', () => {
  it('writes CRLF lines, quotes only what needs quoting, and neutralises formulas', () => {
    const csv = toCsv(
      ['id', 'family_name', 'note'],
      [
        ['A1', 'Коваленко', '=1+1'],
        ['A2', 'Shevchuk, Iryna', 'say "hi"'],
        ['A3', '+1', '-1'],
        ['A4', '@SUM(A1)', '\tx'],
        ['A5', '\rx', 'line1\nline2'],
        [6, null, undefined],
      ],
    );
    expect(csv).toBe(
      'id,family_name,note\r\n' +
        "A1,Коваленко,'=1+1\r\n" +
        'A2,"Shevchuk, Iryna","say ""hi"""\r\n' +
        "A3,'+1,'-1\r\n" +
        "A4,'@SUM(A1),'\tx\r\n" +
        'A5,"\'\rx","line1\nline2"\r\n' +
        '6,,\r\n',
    );
  });

  it('writes negative numbers as numbers, which cannot form a formula', () => {
    expect(toCsv(['n'], [[-1], [1.5]])).toBe('n\r\n-1\r\n1.5\r\n');
  });

  it('can start with a BOM for Excel', () => {
    expect(toCsv(['a'], [['б']], { bom: true })).toBe('\uFEFFa\r\nб\r\n');
  });

  it('refuses rows whose width differs from the header', () => {
    expect(() => toCsv(['a', 'b'], [['1']])).toThrow(RangeError);
    expect(() => toCsv([], [])).toThrow(RangeError);
  });
});

const TRIGGER = /^[=+\-@\t\r]/;
// Characters that stress quoting, line counting and delimiter detection, plus any code point. NUL is
// left out on purpose: the reader rejects files containing it as binary.
const tricky = fc.constantFrom(
  '"',
  ',',
  ';',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '\t',
  '\uFEFF',
  "'",
  'К',
  'ї',
  '😀',
  'a',
  '=',
  '-',
);
const cellChar = fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
const anyCell = fc.string({ unit: cellChar, maxLength: 12 }).filter((s) => !s.includes('\u0000'));
const table = (cell: fc.Arbitrary<string>) =>
  fc
    .integer({ min: 1, max: 5 })
    .chain((width) =>
      fc.tuple(
        fc.array(cell, { minLength: width, maxLength: width }),
        fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 8 }),
      ),
    );

describe('toCsv → parseCsv round trip', () => {
  it('gives back every cell that needs no neutralising, through UTF-8 bytes, with and without BOM', () => {
    const plain = anyCell.filter((s) => !TRIGGER.test(s));
    fc.assert(
      fc.property(table(plain), fc.boolean(), ([header, rows], bom) => {
        const r = parseCsv(Buffer.from(toCsv(header, rows, { bom }), 'utf8'));
        expect(r.errors).toEqual([]);
        expect(r.sheet?.header).toEqual(header);
        expect(r.sheet?.records.map((x) => x.cells)).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });

  it('gives back neutralised cells as the quote-prefixed value', () => {
    const risky = fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r'), anyCell).map(([a, b]) => a + b);
    fc.assert(
      fc.property(table(fc.oneof(risky, anyCell)), ([header, rows]) => {
        const r = parseCsv(Buffer.from(toCsv(header, rows), 'utf8'));
        expect(r.sheet?.header).toEqual(header.map(neutraliseCell));
        expect(r.sheet?.records.map((x) => x.cells)).toEqual(rows.map((row) => row.map(neutraliseCell)));
        for (const cell of r.sheet?.records.flatMap((x) => x.cells) ?? []) expect(cell).not.toMatch(TRIGGER);
      }),
      { numRuns: 300 },
    );
  });

  it('numbers each record by the physical line it starts on', () => {
    fc.assert(
      fc.property(table(anyCell.filter((s) => !TRIGGER.test(s))), ([header, rows]) => {
        const csv = toCsv(header, rows);
        const r = parseCsv(Buffer.from(csv, 'utf8'));
        // Each written line ends in CRLF; count breaks (CRLF, LF or lone CR) before each record.
        const lineStarts: number[] = [];
        let line = 1;
        let offset = 0;
        for (const cells of [header, ...rows]) {
          lineStarts.push(line);
          const written = toCsv([...cells], []).length;
          const piece = csv.slice(offset, offset + written);
          line += (piece.match(/\r\n|\r|\n/g) ?? []).length;
          offset += written;
        }
        expect(r.sheet?.records.map((x) => x.line)).toEqual(lineStarts.slice(1));
      }),
      { numRuns: 300 },
    );
  });
});

describe('reading neutralised cells back', () => {
  it('drops only the guard quote that an export put before a formula character', async () => {
    const { unneutraliseCell } = await import('./csv.ts');
    for (const v of ['=1+1', '+380', '-3 рота', '@SUM(A1)', '\tx', '\rx']) {
      expect(unneutraliseCell(neutraliseCell(v))).toBe(v);
    }
    expect(unneutraliseCell("'Ivanov")).toBe("'Ivanov");
    expect(unneutraliseCell("O'Brien")).toBe("O'Brien");
  });
});
