import { describe, expect, it } from 'vitest';
import { readCounterpartListFile } from './counterpart-list-file.ts';
import { toXlsx } from './xlsx.ts';

const agreement = { categories: [{ id: 'young' }, { id: 'wounded' }] } as Parameters<
  typeof readCounterpartListFile
>[2];
const read = (text: string, name = 'l.csv') => readCounterpartListFile(Buffer.from(text), name, agreement);

describe('counterpart list files', () => {
  it('keeps every cell verbatim for the record and reads the match fields and snapshot', async () => {
    const r = await read(
      'id,family_name,given_name,birth_date,category,person_category\nA-1,  Синтетик ,Іван,2001-05,young,servicemember\n',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [row] = r.rows;
    expect(row!.fields).toEqual({
      id: 'A-1',
      family_name: '  Синтетик ',
      given_name: 'Іван',
      birth_date: '2001-05',
      category: 'young',
      person_category: 'servicemember',
    });
    expect(row!.match.names).toEqual([{ family: 'Синтетик', given: 'Іван', patronymic: '' }]);
    expect(row!.snapshot).toEqual({
      birth: { date: '2001-05-01', precision: 'month' },
      category: 'servicemember',
    });
    expect(row!.category).toBe('young');
    expect(row!.line).toBe(2);
  });

  it('refuses control characters in any cell and bidi-override or zero-width characters in names, by line and column', async () => {
    const r = await read(
      'id,family_name,given_name,unit\nA-1,Синтетик,Іван,\u0085x\nA-2,Син\u202eтик,Іван,x\nA-3,Синтетик,Ів\u200dан,x\nA-4,Мʼякуш,Іван,x\n',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [2, 'unit', 'INVALID_CHARACTERS'],
      [3, 'family_name', 'INVALID_CHARACTERS'],
      [4, 'given_name', 'INVALID_CHARACTERS'],
    ]);
  });

  it('keeps an impossible birth date as written, reads what it says, and marks the row', async () => {
    const r = await read(
      'id,family_name,birth_date\nA-1,Синтетик,1938-11-31\nA-2,Синтетик,31.02.1990\nA-3,Синтетик,1990-13-05\nA-4,Синтетик,14.03.1990\nA-5,Синтетик,~1990\n',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(
      r.rows.map((x) => [x.fields.birth_date, x.match.birthDate, x.snapshot.birth, x.impossibleDate]),
    ).toEqual([
      ['1938-11-31', '1938-11', { date: '1938-11-01', precision: 'month' }, true],
      ['31.02.1990', '1990-02', { date: '1990-02-01', precision: 'month' }, true],
      ['1990-13-05', '1990', { date: '1990-01-01', precision: 'year' }, true],
      // The matching engine gets every accepted form in its own: DD.MM.YYYY as YYYY-MM-DD, ~YYYY as the year.
      ['14.03.1990', '1990-03-14', { date: '1990-03-14', precision: 'day' }, false],
      ['~1990', '1990', { date: '1990-01-01', precision: 'approximate' }, false],
    ]);
  });

  it('lists every bad row by line and column, header problems on line 1', async () => {
    const r = await read(
      'id,family_name,birth_date,category,person_category\n,X,2001,young,\nB,,2001/02/03,old,pilot\nB,Y,,,\nB,Z,,,\n',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => `${e.line}:${e.column}:${e.code}`)).toEqual([
      '2:id:REQUIRED',
      '3:birth_date:INVALID_DATE',
      '3:category:INVALID_CATEGORY',
      '3:person_category:INVALID_CATEGORY',
      '3:family_name:REQUIRED',
      '4:id:DUPLICATE_ID',
      '5:id:DUPLICATE_ID',
    ]);
    const h = await read('id,family_name,rank,rank\nA,B,c,d\n');
    expect(!h.ok && h.errors.map((e) => `${e.line}:${e.column}:${e.code}`)).toEqual([
      '1:rank:UNKNOWN_COLUMN',
      '1:rank:UNKNOWN_COLUMN',
    ]);
    const noId = await read('family_name\nB\n');
    expect(!noId.ok && noId.errors[0]).toMatchObject({ line: 1, column: 'id', code: 'MISSING_COLUMN' });
    expect(await read('', 'l.csv')).toMatchObject({ ok: false, errors: [{ line: 0, code: 'EMPTY_FILE' }] });
    expect(await read('id,family_name\n')).toMatchObject({ ok: false, errors: [{ code: 'NO_ROWS' }] });
    expect(await read('a', 'l.pdf')).toMatchObject({
      ok: false,
      errors: [{ code: 'UNSUPPORTED_FILE_TYPE' }],
    });
  });

  it('reads XLSX the same way', async () => {
    const bytes = await toXlsx(
      ['id', 'family_name', 'category'],
      [
        ['A', 'B', 'young'],
        ['C', 'D', 'nope'],
      ],
    );
    const r = await readCounterpartListFile(bytes, 'l.xlsx', agreement);
    expect(!r.ok && r.errors.map((e) => `${e.line}:${e.column}`)).toEqual(['3:category']);
  });
});
