import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMatch } from '../cli/match-file.ts';
import { parseCsvText } from '../io/csv.ts';
import { MATCH_OUTPUT_COLUMNS, MatchInputError, matchFiles, readMatchFile } from './file-mode.ts';

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

    writeFileSync(l, `${HEADER}\nL1,A,,,,,,\nL2,B,,,1994-02-30,,,\n`);
    expect(runMatch({ registry: r, list: l, out }, (s) => errors.push(s))).toBe(1);
    expect(errors.join('')).toMatch(/L\.csv line 3, column birth_date: /);
  });
});
