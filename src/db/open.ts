import path from 'node:path';
import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  Kysely,
  Migrator,
  PostgresDialect,
  PostgresIntrospector,
  type SchemaMetadata,
  sql,
  type TableMetadata,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { withCommitHooks } from './commit-hooks.ts';
import { type DataDirLock, lockDataDir } from './lock.ts';
import { migrationProvider } from './migrations/index.ts';
import type { DB } from './schema.ts';
import { DatabaseScope, scopePlugin } from './scope.ts';

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
  /** PGlite in memory only: start from this dump (`PGlite.dumpDataDir`) instead of an empty cluster. */
  loadDataDir?: Blob | undefined;
}

/**
 * Using the outer handle inside a transaction deadlocks on PGlite (one connection) and silently
 * escapes the transaction on PostgreSQL. Every new connection checkout is refused while the
 * caller is inside `transaction()`, so the mistake fails loudly and at once on both.
 */
function guardPool(pool: pg.Pool, scope: DatabaseScope): void {
  const connect: (...args: unknown[]) => unknown = pool.connect.bind(pool);
  // pg.Pool's connect is overloaded (callback or promise); the guard passes either through unchanged.
  Object.defineProperty(pool, 'connect', {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => {
      if (scope.insideTransaction) {
        throw new Error(
          'the outer database handle was used inside a transaction; use the transaction handle',
        );
      }
      return connect(...args);
    },
  });
}

async function openPglite(
  dataDir: string,
  loadDataDir: Blob | undefined,
): Promise<{ pool: pg.Pool; close: () => Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  let lock: DataDirLock | undefined;
  let location = dataDir;
  if (!dataDir.startsWith('memory://')) {
    lock = lockDataDir(dataDir);
    location = path.join(dataDir, 'pgdata');
  }
  try {
    if (loadDataDir && lock) throw new Error('a PGlite dump can only be loaded into memory://');
    const pglite = loadDataDir
      ? await PGlite.create({ dataDir: location, loadDataDir })
      : await PGlite.create(location);
    const pool = new pg.Pool(createPgConfig(pglite));
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

/**
 * Kysely's Migrator asks the introspector for every table of every schema in the database and, per
 * column, calls has_schema_privilege() and pg_get_serial_sequence() with the schema's *name*. When
 * another session drops a schema between the catalog scan and those name look-ups, the migration
 * fails with `schema "…" does not exist` for a schema that is not even ours (the flaky PostgreSQL
 * pass: test files drop their schemas while others migrate theirs). This introspector sees only
 * the current schema and looks everything up by oid, so a concurrent DROP SCHEMA elsewhere cannot
 * touch it (and it does not read the columns of every other schema on the server).
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;
  readonly #all: PostgresIntrospector;
  constructor(db: Kysely<unknown>) {
    this.#db = db;
    this.#all = new PostgresIntrospector(db);
  }

  getSchemas(): Promise<SchemaMetadata[]> {
    return this.#all.getSchemas();
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<{
      table: string;
      table_type: string;
      schema: string;
      column: string;
      type: string;
      type_schema: string;
      not_null: boolean;
      has_default: boolean;
      auto_incrementing: boolean;
      column_description: string | null;
    }>`
      SELECT c.relname AS table, c.relkind AS table_type, ns.nspname AS schema, a.attname AS column,
             typ.typname AS type, dtns.nspname AS type_schema, a.attnotnull AS not_null,
             a.atthasdef AS has_default, col_description(a.attrelid, a.attnum) AS column_description,
             (a.attidentity <> '' OR EXISTS (
               SELECT 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid
               WHERE d.refobjid = c.oid AND d.refobjsubid = a.attnum AND s.relkind = 'S'
                 AND d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
             )) AS auto_incrementing
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
      JOIN pg_catalog.pg_type typ ON typ.oid = a.atttypid
      JOIN pg_catalog.pg_namespace dtns ON dtns.oid = typ.typnamespace
      WHERE ns.nspname = current_schema() AND c.relkind IN ('r', 'v', 'p')
        AND a.attnum >= 0 AND NOT a.attisdropped
        AND (${options.withInternalKyselyTables} OR c.relname NOT IN ('kysely_migration', 'kysely_migration_lock'))
      ORDER BY c.relname, a.attnum`.execute(this.#db);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const r of rows) {
      let t = tables.get(r.table);
      if (!t) {
        t = { name: r.table, schema: r.schema, isView: r.table_type === 'v', columns: [] };
        tables.set(r.table, t);
      }
      t.columns.push({
        name: r.column,
        dataType: r.type,
        dataTypeSchema: r.type_schema,
        isNullable: !r.not_null,
        isAutoIncrementing: r.auto_incrementing,
        hasDefaultValue: r.has_default,
        ...(r.column_description === null ? {} : { comment: r.column_description }),
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

class HomewardDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
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
    const opened = await openPglite(opts.dataDir ?? 'memory://', opts.loadDataDir);
    pool = opened.pool;
    closeDriver = opened.close;
  }
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // This database's own guard, key ring and caches: nothing is shared with another database.
  const scope = new DatabaseScope();
  guardPool(pool, scope);
  const db = new Kysely<DB>({ dialect: new HomewardDialect({ pool }), plugins: [scopePlugin(scope)] });
  const database: Database = {
    db,
    kind,
    transaction: (fn) =>
      db.transaction().execute((tx) => scope.runInTransaction(() => withCommitHooks(tx, fn))),
    close: async () => {
      await db.destroy().catch(() => {});
      await closeDriver().catch(() => {});
    },
  };
  try {
    if (opts.schema && kind === 'postgres') {
      await db.schema.createSchema(opts.schema).ifNotExists().execute();
    }
    if (opts.migrate !== false) {
      await migrate(db);
    }
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
  const schema = rows[0]?.schema ?? undefined;
  // Every command opens the database: when every migration is recorded already, one read says so,
  // without the migrator's table creation and lock (a tenth of opening an embedded node).
  if (schema && (await allApplied(db, schema))) return [];
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when `schema` records every migration this code knows, and no other (read only). */
async function allApplied(db: Kysely<DB>, schema: string): Promise<boolean> {
  const found = await sql<{ t: string | null }>`
    SELECT to_regclass(quote_ident(${schema}) || '.kysely_migration')::text AS t`.execute(db);
  if (!found.rows[0]?.t) return false;
  const applied = await sql<{ name: string }>`
    SELECT name FROM ${sql.id(schema, 'kysely_migration')}`.execute(db);
  const known = Object.keys(await migrationProvider.getMigrations());
  const names = new Set(applied.rows.map((r) => r.name));
  return names.size === known.length && known.every((k) => names.has(k));
}
