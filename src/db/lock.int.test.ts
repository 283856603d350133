import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './open.ts';
import { dataDirsFromTemplate, fromTemplate, openTestDatabase } from './testing.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The two data directories start as copies of the run's migrated template (PGlite), when there is one:
// what is tested is the lock, not creating a cluster twice more.
const tmpRoot =
  dataDirsFromTemplate(['node-a', 'node-b']) ?? fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-lock-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/** Start `homeward serve` on a data directory and resolve once it says it is listening. */
function serve(dir: string): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  // The embedded database is what is locked; a DATABASE_URL would send the node to PostgreSQL.
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['bin/homeward.js', 'serve', '--data', dir, '--port', '0'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString('utf8');
    });
    // The banner (URL, logins) goes to stderr: stdout may be a JSON log stream.
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString('utf8');
      if (/UI:\s+http:\/\/127\.0\.0\.1:\d+\//.test(err)) resolve(child);
    });
    child.once('exit', (code, signal) =>
      reject(
        new Error(`homeward serve exited (${code ?? signal}) before listening: ${out} ${err.slice(0, 2000)}`),
      ),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Fails loudly instead of letting a deadlock run into the test timeout. */
function withinSeconds<T>(p: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${seconds} s: it hangs`)), seconds * 1000);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

describe('one process owns a PGlite data directory', () => {
  it('refuses a second process while the owner runs, naming its pid; takes over once it is gone', async () => {
    const dir = fromTemplate(path.join(tmpRoot, 'node-a'));
    const child = await serve(dir);
    expect(fs.readFileSync(path.join(dir, 'homeward.lock'), 'utf8').trim()).toBe(String(child.pid));

    const refused = await openDatabase({ dataDir: dir }).then(
      async (db) => {
        await db.close();
        return undefined;
      },
      (e: unknown) => e as { code?: string; message: string; details?: { pid?: number } },
    );
    expect(refused?.code).toBe('DATA_DIR_LOCKED');
    expect(refused?.message).toContain(`pid ${child.pid}`);
    expect(refused?.details?.pid).toBe(child.pid);
    // The refusal left the owner's lock alone.
    expect(fs.readFileSync(path.join(dir, 'homeward.lock'), 'utf8').trim()).toBe(String(child.pid));

    // Killed without a chance to clean up: its lock file stays behind, naming a dead process.
    child.kill('SIGKILL');
    await exited(child);
    expect(fs.existsSync(path.join(dir, 'homeward.lock'))).toBe(true);

    const db = await openDatabase({ dataDir: dir });
    try {
      expect(fs.readFileSync(path.join(dir, 'homeward.lock'), 'utf8').trim()).toBe(String(process.pid));
      // It is the same node: the identity the child created is there.
      const ids = await db.db.selectFrom('node_identity').select('name').execute();
      expect(ids).toHaveLength(1);
    } finally {
      await db.close();
    }
    // Closing releases the lock.
    expect(fs.existsSync(path.join(dir, 'homeward.lock'))).toBe(false);
  });

  it('refuses a second open of the same directory within one process, and allows it after close', async () => {
    const dir = fromTemplate(path.join(tmpRoot, 'node-b'));
    const first = await openDatabase({ dataDir: dir });
    try {
      await expect(openDatabase({ dataDir: dir })).rejects.toMatchObject({
        code: 'DATA_DIR_LOCKED',
        message: expect.stringContaining(`pid ${process.pid}`),
      });
      // The first handle still works after the refused attempt.
      const r = await sql<{ one: number }>`SELECT 1 AS one`.execute(first.db);
      expect(r.rows).toEqual([{ one: 1 }]);
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir: dir });
    await again.close();
  });
});

describe('transaction guard', () => {
  let pglite: Database;
  let postgres: Database | undefined;
  beforeAll(async () => {
    pglite = await openDatabase({ dataDir: fromTemplate(path.join(tmpRoot, 'node-guard')) });
    if (process.env.DATABASE_URL) postgres = await openTestDatabase();
  });
  afterAll(async () => {
    await pglite?.close();
    await postgres?.close();
  });

  const databases = () => [pglite, ...(postgres ? [postgres] : [])];

  it('using the outer handle inside a transaction throws at once, on PGlite and PostgreSQL', async () => {
    for (const database of databases()) {
      const failure = await withinSeconds(
        database
          .transaction(async () => {
            await database.db.selectFrom('node_identity').selectAll().execute();
            return 'escaped';
          })
          .then(
            (v) => ({ value: v }),
            (e: Error) => ({ error: e }),
          ),
        20,
      );
      expect(failure, database.kind).toEqual({ error: expect.any(Error) });
      expect((failure as { error: Error }).error.message).toMatch(
        /outer database handle.*inside a transaction/,
      );
    }
  });

  it('a nested transaction on the outer handle is refused the same way', async () => {
    for (const database of databases()) {
      await expect(
        withinSeconds(
          database.transaction(() => database.transaction(async () => 'nested')),
          20,
        ),
        database.kind,
      ).rejects.toThrow(/outer database handle/);
    }
  });

  it('after the refusal the transaction was rolled back and the database is usable', async () => {
    for (const database of databases()) {
      const marker = `guard-${database.kind}-${Date.now()}`;
      await expect(
        withinSeconds(
          database.transaction(async (tx) => {
            await sql`INSERT INTO login_failures (key) VALUES (${marker})`.execute(tx);
            await database.db.selectFrom('users').selectAll().execute();
          }),
          20,
        ),
      ).rejects.toThrow(/outer database handle/);
      const left = await withinSeconds(
        database.db.selectFrom('login_failures').select('key').where('key', '=', marker).execute(),
        20,
      );
      expect(left, database.kind).toEqual([]);
      // The transaction handle itself works as usual, and the outer handle works outside.
      const inside = await database.transaction(async (tx) => {
        await sql`INSERT INTO login_failures (key) VALUES (${marker})`.execute(tx);
        return tx.selectFrom('login_failures').select('key').where('key', '=', marker).execute();
      });
      expect(inside).toEqual([{ key: marker }]);
    }
  });
});
