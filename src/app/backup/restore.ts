import fs from 'node:fs';
import path from 'node:path';
import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import {
  clearSeededRows,
  countRelations,
  EPHEMERAL_TABLES,
  insertRows,
  listTables,
  resetSequences,
  setUserTriggers,
  type TableInfo,
} from '../../db/backup/table-copy.ts';
import { migrationProvider } from '../../db/migrations/index.ts';
import { type Database, openDatabase } from '../../db/open.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { openEncrypted } from './envelope.ts';
import { BackupError, BackupErrorCodes } from './errors.ts';
import { type BackupManifest, BackupReader } from './format.ts';
import { nodeFiles, snapshotLines, snapshotOf } from './snapshot.ts';

const BATCH = 500;

export interface LoadSummary {
  manifest: BackupManifest;
  rows: number;
  /** Migrations applied after loading because the backup was older than the code. */
  migratedAfter: string[];
  files: { path: string; mode: number; data: Buffer }[];
}

/** Read a backup's lines to the end, checking them; nothing is written. */
export async function verifyLines(lines: AsyncIterable<string>): Promise<BackupManifest> {
  const reader = new BackupReader();
  for await (const line of lines) reader.accept(line);
  return reader.finish();
}

/** Refuse a backup whose schema this code does not know (newer) or that is not a prefix of ours. */
async function checkMigrations(manifest: BackupManifest): Promise<void> {
  const known = Object.keys(await migrationProvider.getMigrations()).sort();
  const unknown = manifest.migrations.filter((m) => !known.includes(m));
  if (unknown.length > 0)
    throw new BackupError(
      BackupErrorCodes.NEWER_SCHEMA,
      `this backup was made by a newer Homeward (its database has migration ${unknown[0]}, unknown here); restore it with that version or later`,
    );
  if (manifest.migrations.some((m, i) => known[i] !== m))
    throw new BackupError(
      BackupErrorCodes.INCONSISTENT,
      "the backup's migrations are not in this code's order",
    );
}

function sameSchema(manifest: BackupManifest, tables: TableInfo[]): string | undefined {
  const target = tables.filter((t) => !EPHEMERAL_TABLES.has(t.name));
  const names = (xs: { name: string }[]) =>
    xs
      .map((x) => x.name)
      .sort()
      .join(',');
  if (names(target) !== names(manifest.tables))
    return 'its tables differ from the schema of its last migration';
  for (const t of manifest.tables) {
    const mine = target.find((x) => x.name === t.name)!;
    const cols = (xs: [string, string][]) => JSON.stringify(xs.map(([n, ty]) => `${n} ${ty}`).sort());
    if (cols(t.columns) !== cols(mine.columns.map((c) => [c.name, c.type])))
      return `the columns of table ${t.name} differ from the schema of its last migration`;
  }
  return undefined;
}

/**
 * Load a backup's lines into an empty database in ONE transaction: the schema is created by the
 * code's migrations up to the backup's last one, the rows go in (the tables' own triggers off, so
 * guards meant for new writes do not refuse a faithful copy), sequences follow the loaded rows,
 * pending migrations run, and before committing the copy is read back and compared with the
 * manifest table by table when no migration changed it. Any failure rolls everything back.
 *
 * Kysely's Migrator cannot run inside a Kysely transaction, so the transaction is opened with
 * BEGIN on one pinned connection, and the migrator runs on that connection without its own.
 */
export async function loadIntoEmpty(
  target: Database,
  lines: AsyncIterable<string>,
  known?: BackupManifest,
): Promise<LoadSummary> {
  if (known) await checkMigrations(known);
  return target.db.connection().execute(async (conn) => {
    if ((await countRelations(conn)) > 0)
      throw new BackupError(
        BackupErrorCodes.TARGET_NOT_EMPTY,
        'the target database already has tables; restore only into an empty one',
      );
    const { rows: schemaRows } = await sql<{
      schema: string | null;
    }>`SELECT current_schema() AS schema`.execute(conn);
    const schema = schemaRows[0]?.schema;
    if (!schema)
      throw new BackupError(
        BackupErrorCodes.NO_NODE,
        'the target database has no schema to restore into (check search_path)',
      );
    const migrator = new Migrator({
      db: conn,
      provider: migrationProvider,
      migrationTableSchema: schema,
      disableTransactions: true,
    });
    const run = async (
      r: Promise<{ error?: unknown; results?: { status: string; migrationName: string }[] }>,
    ) => {
      const { error, results } = await r;
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).filter((x) => x.status === 'Success').map((x) => x.migrationName);
    };
    await sql`BEGIN`.execute(conn);
    try {
      const reader = new BackupReader();
      let tables: Map<string, TableInfo> | undefined;
      let current: TableInfo | undefined;
      let batch: (string | null)[][] = [];
      let rows = 0;
      const files: LoadSummary['files'] = [];
      const flush = async () => {
        if (current && batch.length) await insertRows(conn, current, batch);
        batch = [];
      };
      let manifest: BackupManifest | undefined;
      for await (const line of lines) {
        const item = reader.accept(line);
        if (item.type === 'header') continue;
        if (!tables) {
          // The first table: the schema must exist now. A streamed source (a move) gives no
          // manifest in advance; its migrations are checked when the manifest arrives.
          const last = known?.migrations.at(-1);
          await run(
            last
              ? migrator.migrateTo(last)
              : known
                ? migrator.migrateTo(NO_MIGRATIONS)
                : migrator.migrateToLatest(),
          );
          tables = new Map((await listTables(conn)).map((t) => [t.name, t]));
          if (known) {
            const problem = sameSchema(known, [...tables.values()]);
            if (problem)
              throw new BackupError(
                BackupErrorCodes.INCONSISTENT,
                `the backup does not fit this code: ${problem}`,
              );
          }
        }
        if (item.type === 'table') {
          current = tables.get(item.name);
          if (!current || EPHEMERAL_TABLES.has(item.name))
            throw new BackupError(
              BackupErrorCodes.INCONSISTENT,
              `the backup has a table this schema lacks: ${item.name}`,
            );
          const order = item.columns.map(([n]) => n).join(',');
          const mine = new Map(current.columns.map((c) => [c.name, c]));
          if (!item.columns.every(([n, ty]) => mine.get(n)?.type === ty) || item.columns.length !== mine.size)
            throw new BackupError(
              BackupErrorCodes.INCONSISTENT,
              `the columns of table ${item.name} differ from this schema`,
            );
          // Insert in the backup's column order, with this database's own types.
          current = {
            ...current,
            columns: order
              .split(',')
              .filter(Boolean)
              .map((n) => mine.get(n)!),
          };
          await setUserTriggers(conn, item.name, false);
          await clearSeededRows(conn, item.name);
        } else if (item.type === 'row') {
          batch.push(item.values);
          rows++;
          if (batch.length >= BATCH) await flush();
        } else if (item.type === 'end') {
          await flush();
          await setUserTriggers(conn, item.name, true);
          await resetSequences(conn, current!);
          current = undefined;
        } else if (item.type === 'file') {
          files.push({ path: item.path, mode: item.mode, data: item.data });
        } else if (item.type === 'manifest') {
          manifest = item.manifest;
        }
      }
      manifest = reader.finish();
      if (!known) {
        await checkMigrations(manifest);
        const problem = sameSchema(manifest, [...(tables ?? new Map()).values()]);
        if (problem)
          throw new BackupError(BackupErrorCodes.INCONSISTENT, `the copy does not fit this code: ${problem}`);
      }
      const migratedAfter = await run(migrator.migrateToLatest());
      if (migratedAfter.length === 0) {
        // Read the copy back inside the same transaction: every table must hash as in the source.
        const check = new BackupReader();
        for await (const l of snapshotOf(conn, target.kind)) check.accept(l);
        const copied = check.finish();
        if (JSON.stringify(copied.tables) !== JSON.stringify(manifest.tables))
          throw new BackupError(BackupErrorCodes.INCONSISTENT, 'the copy read back differs from the backup');
      }
      await sql`COMMIT`.execute(conn);
      return { manifest, rows, migratedAfter, files };
    } catch (e) {
      await sql`ROLLBACK`.execute(conn).catch(() => {});
      throw e;
    }
  });
}

export interface RestoreTarget {
  /** PostgreSQL connection string; else the embedded database in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema (tests); else the connection's search_path. */
  schema?: string | undefined;
  /** Data directory: the embedded database's, or where a PostgreSQL node keeps its files. */
  dataDir?: string | undefined;
}

function isEmptyDir(dir: string): boolean {
  return !fs.existsSync(dir) || (fs.statSync(dir).isDirectory() && fs.readdirSync(dir).length === 0);
}

function writeNodeFiles(dir: string, files: LoadSummary['files']): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const f of files) {
    const file = path.join(dir, f.path);
    fs.writeFileSync(file, f.data, { flag: 'wx', mode: f.mode & 0o700 });
  }
}

/**
 * Load `lines` into the target, which must be empty: a data directory that does not exist or is
 * empty, or a PostgreSQL schema without tables. On failure nothing is left behind: the
 * transaction rolls back and a data directory created here is removed.
 */
async function loadIntoTarget(
  target: RestoreTarget,
  lines: () => AsyncIterable<string>,
  known: BackupManifest | undefined,
): Promise<LoadSummary> {
  const dir = target.dataDir ? path.resolve(target.dataDir) : undefined;
  if (!target.databaseUrl && !dir) throw new Error('no target: give a data directory or DATABASE_URL');
  if (dir && !isEmptyDir(dir))
    throw new BackupError(
      BackupErrorCodes.TARGET_NOT_EMPTY,
      `${dir} is not empty; restore only into a new or empty directory`,
    );
  if (known && known.files.length > 0 && !dir)
    throw new BackupError(
      BackupErrorCodes.NO_NODE,
      `this backup carries ${known.files.length} file(s) of the node's data directory; give --data DIR for them`,
    );
  const createdDir = dir !== undefined && !fs.existsSync(dir);
  const cleanDir = () => {
    if (!dir) return;
    if (createdDir) fs.rmSync(dir, { recursive: true, force: true });
    else for (const e of fs.readdirSync(dir)) fs.rmSync(path.join(dir, e), { recursive: true, force: true });
  };
  let database: Database | undefined;
  try {
    database = await openDatabase(
      target.databaseUrl
        ? { databaseUrl: target.databaseUrl, schema: target.schema, migrate: false }
        : { dataDir: dir, migrate: false },
    );
    const summary = await loadIntoEmpty(database, lines(), known);
    await database.close();
    database = undefined;
    if (summary.files.length > 0) {
      if (!dir)
        throw new BackupError(
          BackupErrorCodes.NO_NODE,
          "the copy carries the node's files; give --data DIR for them",
        );
      writeNodeFiles(dir, summary.files);
    }
    return summary;
  } catch (e) {
    await database?.close();
    cleanDir();
    throw e;
  }
}

/**
 * Restore a backup file: decrypt and check all of it (digests, manifest, migrations) before
 * anything is written, then load it into the empty target.
 */
export async function restoreBackup(
  file: string,
  passphrase: string,
  target: RestoreTarget,
): Promise<LoadSummary> {
  const backup = await openEncrypted(file, passphrase);
  const manifest = await verifyLines(backup.lines());
  await checkMigrations(manifest);
  return loadIntoTarget(target, () => backup.lines(), manifest);
}

/** Whether an embedded node's data directory holds a database. */
export function hasEmbeddedNode(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'pgdata'));
}

/** Open a stopped embedded node to read it, without migrating or creating anything. */
export async function openStoppedNode(dir: string): Promise<Database> {
  if (!hasEmbeddedNode(dir))
    throw new BackupError(BackupErrorCodes.NO_NODE, `there is no Homeward node in ${dir}`);
  try {
    return await openDatabase({ dataDir: dir, migrate: false });
  } catch (e) {
    if (e instanceof DomainError && e.code === ErrorCodes.DATA_DIR_LOCKED)
      throw new BackupError(BackupErrorCodes.NODE_RUNNING, `the node in ${dir} is running; stop it first`);
    throw e;
  }
}

/**
 * Move a stopped embedded node onto an empty PostgreSQL database: the same copy as a backup and a
 * restore, without a file. The embedded node is left as it was.
 */
export async function moveToPostgres(
  dataDir: string,
  target: { databaseUrl: string; schema?: string | undefined },
): Promise<LoadSummary & { filesLeft: string[] }> {
  const dir = path.resolve(dataDir);
  const source = await openStoppedNode(dir);
  try {
    const summary = await loadIntoTarget(
      { databaseUrl: target.databaseUrl, schema: target.schema },
      () => snapshotLines(source),
      undefined,
    );
    return { ...summary, filesLeft: nodeFiles(dir) };
  } finally {
    await source.close();
  }
}

/** A connection string fit to print: the password removed. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(DATABASE_URL)';
  }
}
