import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runMatch } from '../cli/match-file.ts';
import { readListDate } from '../matching/dates.ts';
import { parseCsvText } from './csv.ts';
import { MATCH_OUTPUT_COLUMNS, MatchInputError, matchFiles, readMatchFile } from './match-file-mode.ts';

const HEADER = 'id,family_name,given_name,patronymic,birth_date,birth_place,unit,service_number';
const REGISTRY = [
  HEADER,
  'R1,Коваленко,Олександр,Миколайович,1994-03-12,Маріуполь,в/ч А1234,АА123456',
  'R2,Шевчук,Тарас,Петрович,1988,Київ,,',
  'R3,Коваленко,Олексій,Іванович,1971-11-02,Харків,,',
  'R4,Іванова,Юлія,Сергіївна,2001-05,Одеса,,',
].join('\n');
const LIST = [
  HEADER,
  'L1,Kovalenko,Aleksandr,Nikolaevich,1994-12-03,Mariupol,,',
  'L2,Ivanova,Yulia,,2001,,,',
  'L3,Smith,John,,1950-01-01,,,',
  'L4,,,,,,,AA123456',
].join('\n');
const bytes = (s: string) => new TextEncoder().encode(s);

function outputRows(csv: string) {
  const sheet = parseCsvText(csv).sheet!;
  expect(sheet.header).toEqual(MATCH_OUTPUT_COLUMNS);
  return sheet.records.map((r) => Object.fromEntries(sheet.header.map((h, i) => [h, r.cells[i]!])));
}

describe('file mode', () => {
  it('writes candidates best first with score, band and explanation', () => {
    const rows = outputRows(
      matchFiles(readMatchFile(bytes(REGISTRY), 'R.csv'), readMatchFile(bytes(LIST), 'L.csv')),
    );
    const first = (id: string) => rows.find((r) => r.list_id === id && r.rank === '1');
    expect(first('L1')).toMatchObject({ registry_id: 'R1', band: 'likely' });
    expect(first('L1')?.explanation).toContain('birth_date=day_month_swapped');
    expect(first('L2')).toMatchObject({ registry_id: 'R4' });
    expect(first('L4')).toMatchObject({ registry_id: 'R1', band: 'likely' });
    expect(rows.filter((r) => r.list_id === 'L3')).toEqual([]);
    for (const r of rows) {
      const score = Number(r.score);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
      expect(['likely', 'possible']).toContain(r.band);
    }
    for (const id of ['L1', 'L2', 'L4']) {
      const mine = rows.filter((r) => r.list_id === id);
      expect(mine.length).toBeLessThanOrEqual(10);
      expect(mine.map((r) => Number(r.rank))).toEqual(mine.map((_, i) => i + 1));
      const scores = mine.map((r) => Number(r.score));
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it('accepts a header with only some columns, in any order, and semicolons', () => {
    const records = readMatchFile(bytes('given_name;id;family_name\nОлександр;X1;Коваленко\n'), 'L.csv');
    expect(records).toEqual([
      expect.objectContaining({
        id: 'X1',
        names: [{ family: 'Коваленко', given: 'Олександр', patronymic: '' }],
      }),
    ]);
  });

  it.each([
    [`${HEADER}\nR1,A,B,C,1994-13-01,,,`, 'R.csv line 2, column birth_date: must be a date'],
    [`${HEADER}\nR1,A,B,C,12.03.1994,,,`, 'R.csv line 2, column birth_date'],
    [`${HEADER}\nR1,A,,,,,,\n\nR1,B,,,,,,`, 'R.csv line 4, column id: the id appears on an earlier line'],
    [`${HEADER}\n,A,,,,,,`, 'R.csv line 2, column id: the id is empty'],
    [`${HEADER},nickname\nR1,A,,,,,,,x`, 'R.csv line 1, column nickname: unknown column'],
    ['family_name\nA', 'R.csv line 1, column id: the id column is required'],
    [`${HEADER}\nR1,"A,,,,,,`, 'R.csv line 2'],
    [`${HEADER}\nR1,A,,,,,`, 'R.csv line 2'],
  ])('rejects bad input naming the line and column: %j', (text, message) => {
    expect(() => readMatchFile(bytes(text), 'R.csv')).toThrow(MatchInputError);
    expect(() => readMatchFile(bytes(text), 'R.csv')).toThrow(message);
  });

  it('runs as a command: writes --out, exits non-zero with the line and column on bad input', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'homeward-match-'));
    const r = path.join(dir, 'R.csv');
    const l = path.join(dir, 'L.csv');
    const out = path.join(dir, 'M.csv');
    writeFileSync(r, REGISTRY);
    writeFileSync(l, LIST);
    const errors: string[] = [];
    expect(runMatch({ registry: r, list: l, out }, (s) => errors.push(s))).toBe(0);
    expect(errors).toEqual([]);
    expect(readFileSync(out, 'utf8').split('\r\n')[0]).toBe(MATCH_OUTPUT_COLUMNS.join(','));

    writeFileSync(l, `${HEADER}\nL1,A,,,,,,\nL2,B,,,30.02.1994,,,\n`);
    expect(runMatch({ registry: r, list: l, out }, (s) => errors.push(s))).toBe(1);
    expect(errors.join('')).toMatch(/L\.csv line 3, column birth_date: /);
  });
});

const two = (n: number) => String(n).padStart(2, '0');
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

describe('file mode: a list keeps an impossible birth date', () => {
  it('property: an impossible YYYY-MM-DD keeps its year and real month and is flagged; a real date is not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 2999 }), fc.nat(99), fc.nat(99), (y, m, d) => {
        const real = m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
        const read = readListDate(`${y}-${two(m)}-${two(d)}`);
        if (real) expect(read).toEqual({ date: { year: y, month: m, day: d }, impossible: false });
        else
          expect(read).toEqual({
            date: { year: y, month: m >= 1 && m <= 12 ? m : 0, day: 0 },
            impossible: true,
          });
      }),
      { numRuns: 2000 },
    );
    expect(readListDate('1990-13')).toEqual({ date: { year: 1990, month: 0, day: 0 }, impossible: true });
    for (const garbage of ['1990/05/01', '30.02.1994', 'May 1990', '0999-02-30', '1990-1-5'])
      expect(readListDate(garbage)).toBeUndefined();
  });

  it('matches the row on what its date says and flags it in the last column; registry rows stay strict', () => {
    const list = [
      HEADER,
      'L5,Коваленко,Олексій,Іванович,1971-11-31,Харків,,',
      'L6,Шевчук,Тарас,Петрович,1988,Київ,,',
    ];
    const rows = outputRows(
      matchFiles(
        readMatchFile(bytes(REGISTRY), 'R.csv'),
        readMatchFile(bytes(list.join('\n')), 'L.csv', 'list'),
      ),
    );
    const first = (id: string) => rows.find((r) => r.list_id === id && r.rank === '1');
    expect(first('L5')).toMatchObject({ registry_id: 'R3', band: 'likely', flags: 'impossible_date' });
    expect(first('L5')?.explanation).toContain('birth_date=same_month');
    expect(first('L6')).toMatchObject({ registry_id: 'R2', flags: '' });
    expect(rows.filter((r) => r.list_id === 'L5').every((r) => r.flags === 'impossible_date')).toBe(true);

    const dir = mkdtempSync(path.join(tmpdir(), 'homeward-match-'));
    const [r, l, out] = ['R.csv', 'L.csv', 'M.csv'].map((f) => path.join(dir, f)) as [string, string, string];
    writeFileSync(l, list.join('\n'));
    writeFileSync(r, `${REGISTRY}\nR9,Бондар,,,1991-02-29,,,\n`);
    const errors: string[] = [];
    expect(runMatch({ registry: r, list: l, out }, (s) => errors.push(s))).toBe(1);
    expect(errors.join('')).toMatch(/R\.csv line 6, column birth_date: must be a date/);
    writeFileSync(r, REGISTRY);
    expect(runMatch({ registry: r, list: l, out }, (s) => errors.push(s))).toBe(0);
    expect(outputRows(readFileSync(out, 'utf8')).find((x) => x.list_id === 'L5')?.flags).toBe(
      'impossible_date',
    );
  });
});
