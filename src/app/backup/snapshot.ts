import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { EPHEMERAL_TABLES, listTables, readRows, setTextForms } from '../../db/backup/table-copy.ts';
import type { Database } from '../../db/open.ts';
import type { DB } from '../../db/schema.ts';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  type BackupHeader,
  type BackupManifest,
  type FileEntry,
  NODE_FILE_MAX_BYTES,
  NODE_FILE_RE,
  TableDigest,
  type TableEntry,
} from './format.ts';

/** Files of a data directory that are the running process's, not the node's. */
const PROCESS_FILES = new Set(['homeward.lock', 'homeward.sock']);

/**
 * The node's own files in its data directory: every regular file at the top level other than the
 * database (`pgdata/`), the lock and the snapshot socket. Empty today; the node's key file will be
 * one of them.
 */
export function nodeFiles(dataDir: string | undefined): string[] {
  if (!dataDir || !fs.existsSync(dataDir)) return [];
  return fs
    .readdirSync(dataDir, { withFileTypes: true })
    .filter((d) => d.isFile() && !PROCESS_FILES.has(d.name) && NODE_FILE_RE.test(d.name))
    .map((d) => d.name)
    .sort();
}

/**
 * The backup's plaintext lines (see format.ts) of a database, read in ONE `REPEATABLE READ, READ
 * ONLY` transaction, so the copy is one consistent state however the node writes meanwhile (on
 * PGlite, whose one connection the snapshot holds, the node's other queries wait for it).
 * Memory stays bounded: rows come through a cursor and leave as they are read.
 */
export async function* snapshotLines(
  database: Database,
  opts: { dataDir?: string | undefined; now?: Date } = {},
): AsyncGenerator<string> {
  const trx = await database.db
    .startTransaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute();
  let finished = false;
  try {
    yield* snapshotOf(trx, database.kind, opts);
    finished = true;
  } finally {
    // Read only: commit and rollback are the same; rollback also ends a snapshot cut short.
    await (finished ? trx.commit() : trx.rollback()).execute().catch(() => {});
  }
}

/** The lines of the database as `tx` sees it; `tx` is a transaction (cursors need one). */
export async function* snapshotOf(
  trx: Kysely<DB>,
  kind: Database['kind'],
  opts: { dataDir?: string | undefined; now?: Date } = {},
): AsyncGenerator<string> {
  {
    await setTextForms(trx);
    const { rows: migrations } = await sql<{
      name: string;
    }>`SELECT name FROM kysely_migration ORDER BY name`.execute(trx);
    const identity = await trx.selectFrom('node_identity').select(['name', 'org_id']).executeTakeFirst();
    const createdAt = (opts.now ?? new Date()).toISOString();
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      version: BACKUP_FORMAT_VERSION,
      createdAt,
      node: identity?.name ?? '',
    };
    yield JSON.stringify(header);
    const tables: TableEntry[] = [];
    for (const table of await listTables(trx)) {
      if (EPHEMERAL_TABLES.has(table.name)) continue;
      const columns = table.columns.map((c): [string, string] => [c.name, c.type]);
      yield JSON.stringify({ table: table.name, columns });
      const digest = new TableDigest();
      for await (const batch of readRows(trx, table)) {
        for (const row of batch) {
          const line = JSON.stringify(row);
          digest.add(line);
          yield line;
        }
      }
      const sha256 = digest.digest();
      yield JSON.stringify({ end: table.name, rows: digest.rows, sha256 });
      tables.push({ name: table.name, columns, rows: digest.rows, sha256 });
    }
    const files: FileEntry[] = [];
    for (const name of nodeFiles(opts.dataDir)) {
      const file = path.join(opts.dataDir!, name);
      const stat = fs.statSync(file);
      if (stat.size > NODE_FILE_MAX_BYTES)
        throw new Error(`data directory file ${name} is larger than 1 MiB`);
      const data = fs.readFileSync(file);
      const entry: FileEntry = {
        path: name,
        mode: stat.mode & 0o777,
        size: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
      };
      files.push(entry);
      yield JSON.stringify({
        file: name,
        mode: entry.mode,
        size: entry.size,
        sha256: entry.sha256,
        data: data.toString('base64'),
      });
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_FORMAT_VERSION,
      createdAt,
      node: { name: identity?.name ?? '', orgId: identity?.org_id ?? '' },
      source: kind,
      migrations: migrations.map((m) => m.name),
      tables,
      files,
    };
    yield JSON.stringify({ manifest });
  }
}
