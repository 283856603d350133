/**
 * For `jobs-crash.int.test.ts`: a node process that runs the queued jobs of a database and dies
 * (SIGKILL, as a power cut would) right after its `--kill-after`-th import chunk commits, or — with
 * `--inside` — inside its `--kill-after`-th transaction (the job's claim is the first), its work
 * done but not committed.
 *
 *   node bin/run-ts.js src/app/jobs/jobs.crash-child.ts --kill-after N [--inside] --chunk-rows N
 *        (--data-dir DIR | --schema S)
 *
 * --key-file opens the node's signing key (the log is signed). With --schema the database is DATABASE_URL. Exits 0 if every job ended before the kill.
 */
import { parseArgs } from 'node:util';
import { type Database, openDatabase } from '../../db/open.ts';
import { readKeyFile } from '../node/key-file.ts';
import { ensureNodeIdentity } from '../node/node-identity.ts';
import { JobRunner } from './jobs.ts';

const { values } = parseArgs({
  options: {
    'kill-after': { type: 'string' },
    'key-file': { type: 'string' },
    inside: { type: 'boolean', default: false },
    'chunk-rows': { type: 'string' },
    'data-dir': { type: 'string' },
    schema: { type: 'string' },
  },
});
const killAfter = Number(values['kill-after']);
const opened = await openDatabase(
  values.schema
    ? { databaseUrl: process.env.DATABASE_URL, schema: values.schema }
    : { dataDir: values['data-dir'] },
);
// The job signs log checkpoints: open the node's key as a serving node does.
await ensureNodeIdentity(opened.db, { key: readKeyFile(String(values['key-file'])) });
let transactions = 0;
const database: Database = {
  ...opened,
  transaction: (fn) =>
    opened.transaction(async (tx) => {
      const out = await fn(tx);
      transactions += 1;
      if (values.inside && transactions >= killAfter) process.kill(process.pid, 'SIGKILL');
      return out;
    }),
};
let chunks = 0;
const runner = new JobRunner(
  {
    database,
    maxBytes: 50 * 1024 * 1024,
    chunkRows: Number(values['chunk-rows']),
    onChunk: () => {
      chunks += 1;
      if (!values.inside && chunks >= killAfter) process.kill(process.pid, 'SIGKILL');
    },
  },
  { staleMs: 0 },
);
await runner.start();
await runner.idle();
await runner.stop();
await database.close();
