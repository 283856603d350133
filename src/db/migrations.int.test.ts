import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationProvider } from './migrations/index.ts';
import { type Database, migrate } from './open.ts';
import type { DB } from './schema.ts';
import { openTestDatabase } from './testing.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** The tables the application's queries rely on (src/db/schema.ts). */
const APP_TABLES: (keyof DB)[] = [
  'node_identity',
  'users',
  'sessions',
  'api_tokens',
  'login_failures',
  'persons',
  'person_names',
  'external_refs',
  'status_events',
  'audit_events',
];

async function tablesIn(schema: string): Promise<string[]> {
  const r = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = ${schema} AND table_type = 'BASE TABLE' ORDER BY table_name
  `.execute(database.db);
  return r.rows.map((x) => x.table_name);
}

async function currentSchema(): Promise<string> {
  const r = await sql<{ s: string }>`SELECT current_schema() AS s`.execute(database.db);
  return r.rows[0]!.s;
}

describe('migrations', () => {
  it('have been applied on open: every table exists, and every migration is recorded once', async () => {
    const tables = await tablesIn(await currentSchema());
    expect(tables).toEqual(expect.arrayContaining([...APP_TABLES, 'kysely_migration']));
    const names = Object.keys(await migrationProvider.getMigrations()).sort();
    const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(
      database.db,
    );
    expect(applied.rows.map((r) => r.name)).toEqual(names);
  });

  it('re-running migrate is a no-op', async () => {
    const before = await tablesIn(await currentSchema());
    expect(await migrate(database.db)).toEqual([]);
    expect(await migrate(database.db)).toEqual([]);
    expect(await tablesIn(await currentSchema())).toEqual(before);
  });

  it('apply in order on an empty schema, then do nothing the second time', async () => {
    // A fresh schema on the same database, used over one connection whose search_path points at it.
    const fresh = `fresh_${Math.random().toString(36).slice(2, 10)}`;
    const names = Object.keys(await migrationProvider.getMigrations()).sort();
    await sql`CREATE SCHEMA ${sql.id(fresh)}`.execute(database.db);
    try {
      await database.db.connection().execute(async (conn) => {
        const original = (await sql<{ p: string }>`SELECT current_setting('search_path') AS p`.execute(conn))
          .rows[0]!.p;
        await sql`SELECT set_config('search_path', ${fresh}, false)`.execute(conn);
        try {
          expect(await migrate(conn)).toEqual(names);
          expect(await migrate(conn)).toEqual([]);
          // The schema works: a person row can be written and read back there.
          await sql`INSERT INTO node_identity (id, name, org_id, public_key, private_key)
                    VALUES (1, 'fresh-node', 'fresh-node', 'k', 'p')`.execute(conn);
          const r = await sql<{ name: string }>`SELECT name FROM node_identity`.execute(conn);
          expect(r.rows).toEqual([{ name: 'fresh-node' }]);
        } finally {
          // The connection goes back to the pool; it must not keep pointing at the fresh schema.
          await sql`SELECT set_config('search_path', ${original}, false)`.execute(conn);
        }
      });
      expect(await tablesIn(fresh)).toEqual(expect.arrayContaining([...APP_TABLES, 'kysely_migration']));
    } finally {
      await sql`DROP SCHEMA ${sql.id(fresh)} CASCADE`.execute(database.db);
    }
    // The main schema was not touched: it still has no node identity written by this test.
    const main = await sql<{
      n: string;
    }>`SELECT count(*)::text AS n FROM node_identity WHERE name = 'fresh-node'`.execute(database.db);
    expect(main.rows[0]!.n).toBe('0');
  });

  it('introspect only their own schema, so a schema dropped elsewhere cannot fail them', async () => {
    // Kysely's own introspector read every schema's columns and looked each schema up by name: a
    // test file dropping its schema while another migrated made that migration fail with
    // `schema "test_…" does not exist`. Ours sees only the current schema.
    const other = `other_${Math.random().toString(36).slice(2, 10)}`;
    await sql`CREATE SCHEMA ${sql.id(other)}`.execute(database.db);
    try {
      await sql`CREATE TABLE ${sql.id(other, 'stray')} (id serial PRIMARY KEY, note text)`.execute(
        database.db,
      );
      const tables = await database.db.introspection.getTables({ withInternalKyselyTables: true });
      const own = await currentSchema();
      expect(tables.every((t) => t.schema === own)).toBe(true);
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining([...APP_TABLES, 'kysely_migration']));
      expect(tables.map((t) => t.name)).not.toContain('stray');
      const persons = tables.find((t) => t.name === 'persons')!;
      expect(persons.columns.find((c) => c.name === 'id')).toMatchObject({ isNullable: false });
      const idCol = tables.find((t) => t.name === 'audit_events')!.columns.find((c) => c.name === 'id');
      expect(idCol?.isAutoIncrementing).toBe(true);
      // Migrating while other schemas come and go: every run succeeds (a no-op: all applied).
      const churn = (async () => {
        for (let i = 0; i < 20; i++) {
          const s = `${other}_${i}`;
          await sql`CREATE SCHEMA ${sql.id(s)}`.execute(database.db);
          await sql`CREATE TABLE ${sql.id(s, 't')} (id serial PRIMARY KEY, a text, b text)`.execute(
            database.db,
          );
          await sql`DROP SCHEMA ${sql.id(s)} CASCADE`.execute(database.db);
        }
      })();
      const runs = (async () => {
        for (let i = 0; i < 10; i++) expect(await migrate(database.db)).toEqual([]);
      })();
      await Promise.all([churn, runs]);
    } finally {
      await sql`DROP SCHEMA ${sql.id(other)} CASCADE`.execute(database.db);
    }
  });

  it('keeps history append-only by trigger on both history tables', async () => {
    const r = await sql<{ tgname: string; relname: string }>`
      SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT t.tgisinternal AND n.nspname = current_schema() ORDER BY t.tgname
    `.execute(database.db);
    expect(r.rows).toEqual(
      expect.arrayContaining([
        { tgname: 'audit_events_append_only', relname: 'audit_events' },
        { tgname: 'audit_events_no_truncate', relname: 'audit_events' },
        { tgname: 'status_events_append_only', relname: 'status_events' },
        { tgname: 'status_events_no_truncate', relname: 'status_events' },
      ]),
    );
  });
});
