import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { type DataDirLock, lockDataDir } from './lock.ts';
import { migrationProvider } from './migrations/index.ts';
import type { DB } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: DatabaseKind;
  /** Run `fn` in one transaction; inside it only the handle passed to `fn` may be used. */
  transaction<T>(fn: (tx: Transaction<DB>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL connection string; when set, dataDir is ignored. */
  databaseUrl?: string | undefined;
  /** PGlite data directory (created if missing); `memory://` for a throw-away database. */
  dataDir?: string | undefined;
  /** Postgres schema to use (tests isolate themselves this way). */
  schema?: string | undefined;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

const insideTransaction = new AsyncLocalStorage<boolean>();

/**
 * Using the outer handle inside a transaction deadlocks on PGlite (one connection) and silently
 * escapes the transaction on PostgreSQL. Every new connection checkout is refused while the
 * caller is inside `transaction()`, so the mistake fails loudly and at once on both.
 */
function guardPool(pool: pg.Pool): void {
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { connect: (...args: unknown[]) => unknown }).connect = (...args: unknown[]) => {
    if (insideTransaction.getStore()) {
      throw new Error('the outer database handle was used inside a transaction; use the transaction handle');
    }
    return connect(...args);
  };
}

async function openPglite(dataDir: string): Promise<{ pool: pg.Pool; close: () => Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  let lock: DataDirLock | undefined;
  let location = dataDir;
  if (!dataDir.startsWith('memory://')) {
    lock = lockDataDir(dataDir);
    location = path.join(dataDir, 'pgdata');
  }
  try {
    const pglite = await PGlite.create(location);
    const pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
    return {
      pool,
      // The pool itself is ended by Kysely's destroy(); here only PGlite and the lock remain.
      close: async () => {
        try {
          await pglite.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (e) {
    lock?.release();
    throw e;
  }
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  let pool: pg.Pool;
  let closeDriver: () => Promise<void>;
  let kind: DatabaseKind;
  if (opts.databaseUrl) {
    kind = 'postgres';
    pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 10,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    closeDriver = async () => {};
  } else {
    kind = 'pglite';
    const opened = await openPglite(opts.dataDir ?? 'memory://');
    pool = opened.pool;
    closeDriver = opened.close;
  }
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  guardPool(pool);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const database: Database = {
    db,
    kind,
    transaction: (fn) => db.transaction().execute((tx) => insideTransaction.run(true, () => fn(tx))),
    close: async () => {
      await db.destroy().catch(() => {});
      await closeDriver().catch(() => {});
    },
  };
  try {
    if (opts.schema && kind === 'postgres') {
      await db.schema.createSchema(opts.schema).ifNotExists().execute();
    }
    if (opts.migrate !== false) await migrate(db);
  } catch (e) {
    await database.close();
    throw e;
  }
  return database;
}

export async function migrate(db: Kysely<DB>): Promise<string[]> {
  // Unless told the schema, Kysely takes its bookkeeping tables found in any schema for ours, and
  // migrating a fresh schema fails while another schema of the database has been migrated.
  const { rows } = await sql<{ schema: string | null }>`SELECT current_schema() AS schema`.execute(db);
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    migrationTableSchema: rows[0]?.schema ?? undefined,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
