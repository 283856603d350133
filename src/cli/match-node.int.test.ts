import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { homeward, newNode, ok, on } from './testing.ts';

// `homeward match --list` (against the node's registry) and `homeward dedup`, run in-process
// as in cli.int.test.ts: a temp --data directory on PGlite, a fresh schema with DATABASE_URL.
// Every name here is synthetic.
const csvLines = (text: string) => text.split('\r\n').filter((l) => l !== '');

// The registry: one person twice (two references, two scripts) — a duplicate — and others.
const REGISTRY = [
  'id,family_name,given_name,patronymic,birth_date,birth_place,unit,service_number,sex,category',
  'R-1,Коваленко,Олександр,Миколайович,1994-03-12,Маріуполь,,,m,servicemember',
  'R-2,Kovalenko,Oleksandr,Mykolaiovych,1994-03-12,Mariupol,,,m,servicemember',
  'R-3,Шевчук,Андрій,Петрович,1988-07-01,Харків,,,m,servicemember',
  'R-4,Бондаренко,Ірина,Василівна,1979-11-23,Київ,,,f,civilian_internee',
  'R-5,Мельник,Олег,Богданович,1985-05-30,Одеса,,,m,servicemember',
].join('\n');

// A counterpart's list: Russian forms, another transliteration, and someone not in the registry.
const LIST = [
  'id,family_name,given_name,patronymic,birth_date,birth_place,unit,service_number',
  'L-1,Коваленко,Александр,Николаевич,1994,,,',
  'L-2,Shevchuk,Andrei,Petrovich,1988-07-01,,,',
  'L-3,Zzyxqvist,Bogdan,,1960,,,',
  // An impossible date (day 32): kept, matched on its year and month, flagged.
  'L-4,Мельник,Олег,Богданович,1985-05-32,,,',
].join('\n');

describe('homeward match --list and homeward dedup on a node', { timeout: 300_000 }, () => {
  it('matches a counterpart list against the registry, queues candidates once, refuses bad input', async () => {
    const node = await newNode('match');
    const registry = path.join(node.dir, 'registry.csv');
    const list = path.join(node.dir, 'list.csv');
    const bad = path.join(node.dir, 'bad.csv');
    const out = path.join(node.dir, 'matches.csv');
    fs.writeFileSync(registry, REGISTRY);
    fs.writeFileSync(list, LIST);
    fs.writeFileSync(bad, `${LIST.split('\n').slice(0, 2).join('\n')}\nL-9,Петренко,,,1990/13,,,\n`);

    ok(await on(node, ['import', 'persons', registry]), 'import');

    const refused = await on(node, ['match', '--list', bad, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 3, column birth_date');
    expect(refused.stderr).not.toContain('Петренко');
    expect(fs.existsSync(out)).toBe(false);

    const first = await on(node, ['match', '--list', list, '--out', out]);
    ok(first, 'match --list');
    const rows = csvLines(fs.readFileSync(out, 'utf8'));
    expect(rows[0]).toBe('list_id,registry_id,rank,score,band,explanation,flags');
    const parsed = rows.slice(1).map((l) => l.split(','));
    const byList = (id: string) => parsed.filter((r) => r[0] === id);
    // L-1 finds both registry records of the same person, likely, ranked 1 and 2.
    expect(byList('L-1').map((r) => [r[2], r[4]])).toEqual([
      ['1', 'likely'],
      ['2', 'likely'],
    ]);
    expect(byList('L-2')[0]?.[4]).toBe('likely');
    expect(byList('L-3')).toEqual([]);
    expect(byList('L-4')[0]?.slice(4)).toEqual([
      'likely',
      expect.stringContaining('birth_date=same_month'),
      'impossible_date',
    ]);
    for (const r of parsed) expect(r[6]).toBe(r[0] === 'L-4' ? 'impossible_date' : '');
    for (const r of parsed) {
      expect(r[1]).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number(r[3])).toBeGreaterThanOrEqual(0);
      expect(Number(r[3])).toBeLessThanOrEqual(1);
    }
    expect(first.stderr).toMatch(/4 row\(s\) matched against 5 person\(s\)/);
    const queued = Number(/(\d+) new in the review queue/.exec(first.stderr)?.[1]);
    expect(queued).toBe(parsed.length);

    // The same file again: the same output, nothing new in the queue.
    const again = await on(node, ['match', '--list', list]);
    ok(again, 'match --list again');
    expect(csvLines(again.stdout)).toEqual(rows);
    expect(again.stderr).toMatch(/ 0 new in the review queue/);

    // File mode is unchanged by the node mode.
    const fileOut = path.join(node.dir, 'file-mode.csv');
    const regCsv = path.join(node.dir, 'reg-match.csv');
    fs.writeFileSync(
      regCsv,
      'id,family_name,given_name,patronymic,birth_date\nX-1,Коваленко,Олександр,Миколайович,1994-03-12\n',
    );
    ok(
      await homeward(['match', '--registry', regCsv, '--list', list, '--out', fileOut], { env: node.env }),
      'file mode',
    );
    expect(csvLines(fs.readFileSync(fileOut, 'utf8'))[1]).toMatch(/^L-1,X-1,1,/);
  });

  it('dedup lists the duplicate pair once and queues it once', async () => {
    const node = await newNode('dedup');
    const registry = path.join(node.dir, 'registry.csv');
    fs.writeFileSync(registry, REGISTRY);
    ok(await on(node, ['import', 'persons', registry]), 'import');
    const out = path.join(node.dir, 'dups.csv');
    const first = await on(node, ['dedup', '--out', out]);
    ok(first, 'dedup');
    const rows = csvLines(fs.readFileSync(out, 'utf8'));
    expect(rows[0]).toBe('person_a,person_b,score,band,explanation');
    expect(rows).toHaveLength(2);
    const [a, b, score, band, explanation] = rows[1]!.split(',');
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toMatch(/^[0-9a-f-]{36}$/);
    expect(a! < b!).toBe(true);
    expect(Number(score)).toBeGreaterThan(0.9);
    expect(band).toBe('likely');
    expect(explanation).toContain('birth_date=exact');
    expect(first.stderr).toMatch(/1 duplicate candidate pair\(s\); 1 new in the review queue/);

    // Again, likely pairs only: the same pair (it is likely), nothing new in the queue.
    const again = await on(node, ['dedup', '--likely-only']);
    ok(again, 'dedup again');
    expect(csvLines(again.stdout)).toEqual(rows);
    expect(again.stderr).toMatch(/0 new in the review queue/);

    const help = await homeward(['dedup', '--help'], { env: node.env });
    ok(help, 'dedup --help');
    expect(help.stdout).toContain('--data <dir>');
  });
});
