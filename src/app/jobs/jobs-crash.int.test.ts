// Crash and resume: a person-import job whose process is killed (SIGKILL) between write chunks
// resumes at the next start from its checkpoint and ends with exactly the file's rows, none
// doubled, and the job succeeded. On PGlite (a data directory) and on PostgreSQL (DATABASE_URL).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../db/open.ts';
import { fromTemplate } from '../../db/testing.ts';
import { cliContext } from '../../domain/access.ts';
import { createKeyFile } from '../node/key-file.ts';
import { ensureNodeIdentity } from '../node/node-identity.ts';
import { createJob, getJob, JobRunner } from './jobs.ts';

const url = process.env.DATABASE_URL;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-crash-'));
const schema = `test_${randomBytes(6).toString('hex')}`;
const open = () =>
  url
    ? openDatabase({ databaseUrl: url, schema })
    : openDatabase({ dataDir: fromTemplate(path.join(dir, 'data')) });
const repo = path.resolve(import.meta.dirname, '../../..');
// The node's signing key is sealed under a key file that the child process opens too.
const keyFile = path.join(dir, 'node-key');
const key = createKeyFile(keyFile);

afterAll(async () => {
  if (url) {
    const db = await open();
    await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(db.db).catch(() => {});
    await db.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the crash child until it dies; resolves with its signal (or exit code). */
function runChild(killAfter: number, inside: boolean, chunkRows: number): Promise<string> {
  const args = ['bin/run-ts.js', 'src/app/jobs/jobs.crash-child.ts', '--kill-after', String(killAfter)];
  if (inside) args.push('--inside');
  args.push('--chunk-rows', String(chunkRows), '--key-file', keyFile);
  args.push(...(url ? ['--schema', schema] : ['--data-dir', path.join(dir, 'data')]));
  const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal ? resolve(signal) : code === 0 ? resolve('exit 0') : reject(new Error(stderr)),
    );
  });
}

const count = async (database: Database, prefix: string) =>
  Number(
    (
      await sql<{
        n: string;
        d: string;
      }>`SELECT count(*) AS n FROM external_refs WHERE value LIKE ${`${prefix}%`}`.execute(database.db)
    ).rows[0]?.n,
  );

describe('an import job whose process is killed', () => {
  it.each([
    { when: 'right after its third chunk commits', killAfter: 3, inside: false },
    { when: 'inside its third chunk, before the commit', killAfter: 4, inside: true },
  ])(
    '$when resumes at the next start from its checkpoint: exactly the file’s rows, none doubled, succeeded',
    async ({ killAfter, inside }) => {
      const rows = 240;
      const prefix = `CR${randomBytes(3).toString('hex')}-`;
      const lines = ['id,family_name,given_name,birth_date,sex'];
      for (let i = 0; i < rows; i++)
        lines.push(`${prefix}${i},Синтетичний${i % 31},Тест,19${50 + (i % 49)}-0${1 + (i % 9)}-15,m`);
      const bytes = Buffer.from(`${lines.join('\n')}\n`);
      fs.mkdirSync(path.join(dir, 'spool'), { recursive: true });
      const file = path.join(dir, 'spool', `${prefix}.csv`);
      fs.writeFileSync(file, bytes);

      let database = await open();
      const identity = await ensureNodeIdentity(database.db, { name: 'crash-node.example', key });
      const ctx = cliContext(identity.orgId, ['list_officer'], 'test');
      const fileSha256 = createHash('sha256').update(bytes).digest('hex');
      const jobId = await database.transaction((tx) =>
        createJob(ctx, tx, 'person_import', { file, fileName: 'persons.csv', fileSha256 }),
      );
      await database.close();

      expect(await runChild(killAfter, inside, 20)).toBe('SIGKILL');

      database = await open();
      // As the node's next start does: its key is opened for this database (src/db/scope.ts).
      await ensureNodeIdentity(database.db, { key });
      try {
        const row = await database.db
          .selectFrom('jobs')
          .selectAll()
          .where('id', '=', jobId)
          .executeTakeFirstOrThrow();
        expect(row.state).toBe('running');
        const done = (row.checkpoint as { rowsDone: number }).rowsDone;
        // Three chunks committed, or two (the third died uncommitted).
        expect(done).toBeGreaterThan(0);
        expect(done).toBeLessThan(rows);
        // What the checkpoint says is what was written: the chunks and their checkpoints commit together.
        expect(await count(database, prefix)).toBe(done);
        expect(fs.existsSync(file)).toBe(true);

        // The next start resumes it.
        const runner = new JobRunner({ database, maxBytes: 50 * 1024 * 1024, chunkRows: 20 }, { staleMs: 0 });
        await runner.start();
        for (let i = 0; i < 600; i++) {
          const job = await getJob(ctx, database.db, jobId);
          if (job.state === 'succeeded' || job.state === 'failed') break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await runner.stop();
        const job = await getJob(ctx, database.db, jobId);
        expect(job.error).toBeNull();
        expect(job).toMatchObject({
          state: 'succeeded',
          done: rows,
          total: rows,
          result: { total: rows, created: rows, updated: 0, unchanged: 0 },
        });
        expect(await count(database, prefix)).toBe(rows);
        const persons = await sql<{ n: string }>`
        SELECT count(DISTINCT p.id) AS n FROM persons p JOIN external_refs r ON r.person_id = p.id
        WHERE r.value LIKE ${`${prefix}%`}`.execute(database.db);
        expect(Number(persons.rows[0]?.n)).toBe(rows);
        const created = await sql<{ n: string }>`
        SELECT count(*) AS n FROM audit_events WHERE action = 'person.created'
        AND detail->>'source' = ${`file sha256:${fileSha256}`}`.execute(database.db);
        expect(Number(created.rows[0]?.n)).toBe(rows);
        expect(fs.existsSync(file)).toBe(false);
      } finally {
        await database.close();
      }
    },
    120_000,
  );
});
