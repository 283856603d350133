import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { homeward, newNode, ok, on, spawnHomeward, spawnOn } from './testing.ts';

const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\r\n')
    .filter((l) => l !== '');

const GOOD = [
  'id,family_name,given_name,patronymic,birth_date,birth_place,sex,category',
  'CLI-1,Кравченко,Олена,Петрівна,14.02.1987,Херсон,ж,civilian_internee',
  'CLI-2,Kravchenko,Olena,,1987-02,Kherson,f,civilian_internee',
  'CLI-3,Савчук,Дмитро,,~1975,"Бахмут, Донецька обл.",m,servicemember',
].join('\n');
const BAD = [
  'id,family_name,birth_date',
  'BAD-1,Тимошенко,1990-01-01',
  'BAD-2,Тимошенко,1990-02-30',
  'BAD-3,,1990',
].join('\n');
const PASSWORD = 'correct horse battery staple';

// The CLI runs in-process; a few calls run the real program (bin/homeward.js) in a child process:
// --help, a demo seeding a data directory, and the exit code of a refused import.
describe.concurrent('homeward CLI', { timeout: 300_000 }, () => {
  it('--help of every command exits 0 and documents --data', async () => {
    const commands = [
      ['serve'],
      ['init'],
      ['user', 'add'],
      ['user', 'list'],
      ['user', 'disable'],
      ['user', 'token'],
      ['import', 'persons'],
      ['export', 'persons'],
      ['demo'],
    ];
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const [top, ...results] = await Promise.all([
      spawnHomeward(['--help'], { env }),
      ...commands.map((c) => homeward([...c, '--help'], { env })),
    ]);
    ok(top!, 'homeward --help');
    for (const c of ['serve', 'init', 'user', 'import', 'export', 'demo']) expect(top!.stdout).toContain(c);
    results.forEach((r, i) => {
      ok(r, `${commands[i]!.join(' ')} --help`);
      expect(r.stdout, commands[i]!.join(' ')).toContain('--data <dir>');
    });
  });

  it('demo node: seed, export, import a good list, refuse a bad one and stay unchanged', async () => {
    // A fresh directory: the real program creates the cluster on its first command.
    const node = await newNode('demo', { fresh: true });
    const out = (n: number) => path.join(node.dir, `export-${n}.csv`);
    const good = path.join(node.dir, 'good.csv');
    const bad = path.join(node.dir, 'bad.csv');
    fs.writeFileSync(good, GOOD);
    fs.writeFileSync(bad, BAD);

    const demo = await spawnOn(node, ['demo', '--persons', '50']);
    ok(demo, 'demo');
    expect(demo.stdout).toMatch(/50 person\(s\) created/);
    expect(demo.stdout).toContain(
      process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${node.dir}`,
    );

    ok(await on(node, ['export', 'persons', '--format', 'csv', '--out', out(1)]), 'export 1');
    expect(lines(out(1))).toHaveLength(51);
    expect(lines(out(1))[0]).toBe(
      'id,family_name,given_name,patronymic,birth_date,birth_place,unit,service_number,sex,category',
    );

    const imported = await on(node, ['import', 'persons', good]);
    ok(imported, 'import good');
    expect(imported.stdout).toMatch(/imported 3 row\(s\): 3 created, 0 updated, 0 unchanged/);

    ok(await on(node, ['export', 'persons', '--format', 'csv', '--out', out(2)]), 'export 2');
    const second = fs.readFileSync(out(2), 'utf8');
    expect(lines(out(2))).toHaveLength(54);
    expect(second).toContain('CLI-1,Кравченко,Олена,Петрівна,1987-02-14,Херсон');
    expect(second).toContain('"Бахмут, Донецька обл."');

    const refused = await spawnOn(node, ['import', 'persons', bad]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/line 3, column birth_date: .*\[INVALID_DATE\]/);
    expect(refused.stderr).toMatch(/line 4, column family_name: .*\[REQUIRED\]/);
    expect(refused.stderr).toMatch(/not imported .*the registry is unchanged/);
    // No personal data from the file in the messages.
    expect(refused.stderr).not.toContain('Тимошенко');
    expect(refused.stdout).toBe('');

    ok(await on(node, ['export', 'persons', '--format', 'csv', '--out', out(3)]), 'export 3');
    expect(fs.readFileSync(out(3), 'utf8')).toBe(second);
  });

  it('real node: init with an administrator, demo data refused, accounts added from stdin', async () => {
    const node = await newNode('real');
    const tooShortName = await on(node, ['init', '--admin', 'x', '--password-stdin'], PASSWORD);
    expect(tooShortName.code).not.toBe(0);
    expect(tooShortName.stderr).toMatch(/username use 2–63 lower-case letters/);

    const init = await on(node, ['init', '--admin', 'chief', '--password-stdin'], `${PASSWORD}\n`);
    ok(init, 'init');
    expect(init.stdout).toMatch(/verifier key: \S+\+[0-9a-f]{8}\+\S+/);
    expect(init.stdout).toContain('administrator chief created');
    // Made without a party: it says so and how to set it; set once (also on the existing node), audited.
    expect(init.stdout).toContain('party not set: run `homeward init --party ID`');
    const party = await on(node, ['init', '--party', 'party-b']);
    ok(party, 'init --party');
    expect(party.stdout).toContain('acts as party party-b');
    ok(await on(node, ['init', '--party', 'party-b']), 'init --party again');
    const other = await on(node, ['init', '--party', 'party-a']);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain('this node already acts as party-b; its party does not change');

    const demo = await on(node, ['demo', '--persons', '5']);
    expect(demo.code).not.toBe(0);
    expect(demo.stderr).toMatch(/holds a real node; put demo data in a separate --data directory/);

    const added = await on(
      node,
      ['user', 'add', 'alice', '--role', 'coordinator', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    ok(added, 'user add');
    expect(added.stdout).toContain('user alice created with roles coordinator');

    const short = await on(
      node,
      ['user', 'add', 'bob', '--role', 'coordinator', '--password-stdin'],
      'short\n',
    );
    expect(short.code).not.toBe(0);
    expect(short.stderr).toMatch(/password must be at least 12 characters/);
    expect(short.stderr).not.toMatch(/\bshort\b/);

    // No demo accounts were created by the refused demo, and bob was never created.
    const list = await on(node, ['user', 'list']);
    ok(list, 'user list');
    expect(list.stdout).toBe('alice\tcoordinator\tactive\talice\nchief\tadmin\tactive\tchief\n');
  });
});
