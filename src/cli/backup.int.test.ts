// `homeward backup` and `homeward restore` as an operator runs them: the passphrase only from a file
// or the environment, a restored node that exports the same persons and passes its log audit, and
// refusals that say why and change nothing. In-process; on PostgreSQL each node is its own schema.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { newNode, ok, on, type Result, tmpRoot } from './testing.ts';

const PASSPHRASE = 'synthetic backup passphrase 2026';
const PERSONS = [
  'id,family_name,given_name,birth_date,category',
  'BK-1,Синтетичний,Тест,1990-01-02,servicemember',
  'BK-2,Syntetychnyi,Probnyk,1985,civilian_internee',
  'BK-3,Вигаданий,Іван,~1979,servicemember',
].join('\n');

let source: Awaited<ReturnType<typeof newNode>>;
let backupFile: string;
let passFile: string;
let sourceExport: Buffer;
let sourceCheckpoint: string;

const exportOf = async (node: typeof source, name: string) => {
  const out = path.join(tmpRoot, `${name}.csv`);
  ok(await on(node, ['export', 'persons', '--format', 'csv', '--out', out]), `export ${name}`);
  return fs.readFileSync(out);
};
const noSecret = (r: Result) => expect(`${r.stdout}${r.stderr}`).not.toContain(PASSPHRASE);

beforeAll(async () => {
  source = await newNode('bk-source');
  const csv = path.join(tmpRoot, 'bk-persons.csv');
  fs.writeFileSync(csv, PERSONS);
  ok(await on(source, ['init', '--name', 'bk.example']), 'init');
  ok(await on(source, ['import', 'persons', csv]), 'import');
  ok(
    await on(
      source,
      ['user', 'add', 'bk-admin', '--role', 'admin', '--password-stdin'],
      'bk admin password 1\n',
    ),
    'user add',
  );
  sourceExport = await exportOf(source, 'bk-source');
  const cp = await on(source, ['log', 'checkpoint']);
  ok(cp, 'log checkpoint');
  sourceCheckpoint = cp.stdout;
  passFile = path.join(tmpRoot, 'bk-pass');
  fs.writeFileSync(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  backupFile = path.join(tmpRoot, 'node.backup');
}, 300_000);

describe('homeward backup / restore', { timeout: 300_000 }, () => {
  it('backs up with the passphrase from a file, mode 0600, and refuses to overwrite', async () => {
    const r = await on(source, ['backup', '--out', backupFile, '--passphrase-file', passFile]);
    ok(r, 'backup');
    expect(r.stdout).toMatch(/backup of node "bk\.example".*encrypted/);
    noSecret(r);
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    // The file is an age file: nothing of the registry is readable in it.
    const bytes = fs.readFileSync(backupFile);
    expect(bytes.subarray(0, 21).toString('latin1')).toBe('age-encryption.org/v1');
    for (const word of ['Синтетичний', 'Syntetychnyi', 'bk-admin'])
      expect(bytes.includes(Buffer.from(word, 'utf8'))).toBe(false);

    const again = await on(source, ['backup', '--out', backupFile, '--passphrase-file', passFile]);
    expect(again.code).toBe(1);
  });

  it('takes the passphrase from HOMEWARD_BACKUP_PASSPHRASE, never from the command line', async () => {
    const viaEnv = path.join(tmpRoot, 'env.backup');
    const r = await on({ ...source, env: { ...source.env, HOMEWARD_BACKUP_PASSPHRASE: PASSPHRASE } }, [
      'backup',
      '--out',
      viaEnv,
    ]);
    ok(r, 'backup with the passphrase in the environment');
    const argv = await on(source, [
      'backup',
      '--out',
      path.join(tmpRoot, 'x.backup'),
      '--passphrase',
      PASSPHRASE,
    ]);
    expect(argv.code).not.toBe(0);
    expect(argv.stderr).toMatch(/unknown option/);
    const none = await on(source, ['backup', '--out', path.join(tmpRoot, 'y.backup')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/HOMEWARD_BACKUP_PASSPHRASE/);
    const short = path.join(tmpRoot, 'short-pass');
    fs.writeFileSync(short, 'short\n');
    const weak = await on(source, [
      'backup',
      '--out',
      path.join(tmpRoot, 'z.backup'),
      '--passphrase-file',
      short,
    ]);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/16/);
    for (const f of ['x.backup', 'y.backup', 'z.backup'])
      expect(fs.existsSync(path.join(tmpRoot, f))).toBe(false);
  });

  it('restores into an empty node: the same export byte for byte, the same checkpoint, the audit passes', async () => {
    const target = await newNode('bk-target');
    // A CLI test node starts as a copy of the migrated template; a restore wants an empty one.
    fs.rmSync(target.dir, { recursive: true, force: true });
    const r = await on(target, ['restore', backupFile, '--passphrase-file', passFile]);
    ok(r, 'restore');
    expect(r.stdout).toMatch(/restored node "bk\.example"/);
    noSecret(r);
    // Before the export, whose audit row is committed to the log in its turn.
    const cp = await on(target, ['log', 'checkpoint']);
    ok(cp, 'log checkpoint after restore');
    expect(cp.stdout).toBe(sourceCheckpoint);
    expect((await exportOf(target, 'bk-target')).equals(sourceExport)).toBe(true);
    const audit = await on(target, ['log', 'audit']);
    ok(audit, 'log audit after restore');
    expect(audit.stdout).toMatch(/^log audit: OK: /);
    const users = await on(target, ['user', 'list']);
    expect(users.stdout).toContain('bk-admin');
  });

  it('refuses a wrong passphrase, a damaged file and a non-empty target, and changes nothing', async () => {
    const wrongPass = path.join(tmpRoot, 'wrong-pass');
    fs.writeFileSync(wrongPass, 'not the synthetic passphrase at all\n');
    const fresh = await newNode('bk-wrong');
    fs.rmSync(fresh.dir, { recursive: true });
    const wrong = await on(fresh, ['restore', backupFile, '--passphrase-file', wrongPass]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/BACKUP_WRONG_PASSPHRASE/);
    noSecret(wrong);

    const damaged = path.join(tmpRoot, 'damaged.backup');
    const bytes = Buffer.from(fs.readFileSync(backupFile));
    const i = Math.floor(bytes.length / 2);
    bytes[i] = bytes[i]! ^ 0x01;
    fs.writeFileSync(damaged, bytes);
    const bad = await on(fresh, ['restore', damaged, '--passphrase-file', passFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/BACKUP_(DAMAGED|TRUNCATED)/);

    const notBackup = path.join(tmpRoot, 'persons.csv');
    fs.writeFileSync(notBackup, PERSONS);
    const foreign = await on(fresh, ['restore', notBackup, '--passphrase-file', passFile]);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/BACKUP_NOT_A_BACKUP/);
    expect(foreign.stderr).not.toContain('Синтетичний');
    // Nothing was created for the refused restores.
    if (!process.env.DATABASE_URL) expect(fs.existsSync(fresh.dir)).toBe(false);
    else expect((await on(fresh, ['log', 'checkpoint'])).stdout).not.toBe(sourceCheckpoint);

    const busy = await on(source, ['restore', backupFile, '--passphrase-file', passFile]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/BACKUP_TARGET_NOT_EMPTY/);
    expect((await exportOf(source, 'bk-source-after')).equals(sourceExport)).toBe(true);
  });
});
