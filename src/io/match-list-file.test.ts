import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';
import { MATCH_INPUT_COLUMNS, MatchInputError, readMatchFile } from './match-file-mode.ts';
import { readMatchListFile } from './match-list-file.ts';
import { toXlsx } from './xlsx.ts';

// Synthetic rows only.
const header = [...MATCH_INPUT_COLUMNS];
const rows = [
  ['L-1', 'Коваленко', 'Александр', 'Николаевич', '1994', '', '', ''],
  ['L-2', 'Shevchuk', 'Andrei', '', '1988-07-01', 'Kharkiv', 'A0000', 'AA 000001'],
];

describe('counterpart list files for match --list', () => {
  it('reads CSV exactly as file mode does, and XLSX to the same records', async () => {
    const csv = Buffer.from(toCsv(header, rows));
    const fromCsv = await readMatchListFile(csv, 'list.csv');
    expect(fromCsv).toEqual(readMatchFile(csv, 'list.csv'));
    const fromXlsx = await readMatchListFile(await toXlsx(header, rows), 'list.xlsx');
    expect(fromXlsx).toEqual(fromCsv);
    expect(fromXlsx[1]).toMatchObject({ id: 'L-2', birthDate: '1988-07-01', serviceNumber: 'AA 000001' });
  });

  it.each([
    [
      'a birth date that is no date',
      [['L-1', 'Коваленко', '', '', '1994/12', '', '', '']],
      header,
      2,
      'birth_date',
    ],
    ['an empty id', [['', 'Коваленко', '', '', '', '', '', '']], header, 2, 'id'],
    ['a repeated id', [rows[0]!, rows[0]!], header, 3, 'id'],
    ['an unknown column', [['L-1', 'X']], ['id', 'shoe_size'], 1, 'shoe_size'],
  ] as const)(
    'an XLSX with %s names the line and column, without the cell',
    async (_what, data, head, line, column) => {
      const bytes = await toXlsx(
        [...head],
        data.map((r) => [...r]),
      );
      const err = await readMatchListFile(bytes, 'list.xlsx').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MatchInputError);
      expect((err as MatchInputError).line).toBe(line);
      expect((err as MatchInputError).column).toBe(column);
      expect((err as Error).message).not.toContain('Коваленко');
    },
  );

  it('keeps an impossible birth date from CSV or XLSX, matched on its year and month, flagged', async () => {
    const odd = [
      ['L-1', 'Коваленко', '', '', '1938-11-31', '', '', ''],
      ['L-2', 'Shevchuk', '', '', '1990-13', '', '', ''],
      ['L-3', 'Бондар', '', '', '1991-02-29', '', '', ''],
    ];
    const fromCsv = await readMatchListFile(Buffer.from(toCsv(header, odd)), 'list.csv');
    expect(await readMatchListFile(await toXlsx(header, odd), 'list.xlsx')).toEqual(fromCsv);
    expect(fromCsv.map((r) => [r.id, r.birthDate, r.birthDateAsWritten, r.flags])).toEqual([
      ['L-1', '1938-11', '1938-11-31', ['impossible_date']],
      ['L-2', '1990', '1990-13', ['impossible_date']],
      ['L-3', '1991-02', '1991-02-29', ['impossible_date']],
    ]);
  });

  it('refuses an empty file', async () => {
    await expect(readMatchListFile(new Uint8Array(), 'list.csv')).rejects.toThrow(/empty/);
  });
});
