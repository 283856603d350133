import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../schema.ts';

/**
 * A logical copy of the node's tables that reads and writes the same on PGlite and PostgreSQL.
 *
 * Every value travels as PostgreSQL's own text form (`col::text` out, `text::type` in), which the
 * server round-trips exactly for every type we use: bytea (hex), jsonb, timestamptz with its
 * microseconds (read in UTC), bigint, double precision (shortest exact form), arrays, and the
 * `date`-like text columns. Nothing passes through a JavaScript Date or number.
 */

/** Kysely's bookkeeping: recreated by the code's own migrations on restore, never copied. */
const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

/**
 * Tables whose rows are not carried: sessions (users sign in again after a restore) and the
 * sign-in throttling counters. Both are short-lived and worthless to an attacker holding a copy.
 */
export const EPHEMERAL_TABLES: ReadonlySet<string> = new Set([
  'sessions',
  'login_failures',
  'sign_in_throttle',
]);

export interface ColumnInfo {
  name: string;
  /** `format_type` of the column, e.g. `timestamp with time zone`, `text[]`. */
  type: string;
}

export interface TableInfo {
  name: string;
  /** Columns copied, in the table's order. */
  columns: ColumnInfo[];
  /**
   * Columns not copied because their value belongs to one database instance: a default of the
   * current transaction id (`persons.match_txid`, see ARCHITECTURE.md "Matching in the node") would
   * name transactions of the old database; on restore the column takes its default.
   */
  instanceBound: string[];
  primaryKey: string[];
  /** A single-column foreign key to the table itself (status_events.supersedes → id). */
  selfReference?: { column: string; references: string } | undefined;
  /** Columns fed by a sequence (serial or identity), reset after a load. */
  sequenced: string[];
  hasIdentity: boolean;
}

type Db = Kysely<DB> | Transaction<DB>;

/** The node's tables in an order that satisfies every foreign key (referenced tables first). */
export async function listTables(db: Db): Promise<TableInfo[]> {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`.execute(db);
  const { rows: columns } = await sql<{
    table: string;
    name: string;
    type: string;
    identity: string;
    generated: string;
    default: string | null;
    sequence: string | null;
  }>`
    SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attidentity AS identity, a.attgenerated AS generated,
           pg_get_expr(d.adbin, d.adrelid) AS default,
           pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS sequence
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum`.execute(db);
  const { rows: keys } = await sql<{ table: string; name: string }>`
    SELECT c.relname AS table, a.attname AS name
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
    WHERE n.nspname = current_schema() AND i.indisprimary
    ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)`.execute(db);
  const { rows: fks } = await sql<{
    table: string;
    references: string;
    columns: number;
    column: string;
    target: string;
  }>`
    SELECT c.relname AS table, f.relname AS references, cardinality(k.conkey) AS columns,
           (SELECT attname FROM pg_attribute WHERE attrelid = k.conrelid AND attnum = k.conkey[1]) AS column,
           (SELECT attname FROM pg_attribute WHERE attrelid = k.confrelid AND attnum = k.confkey[1]) AS target
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_class f ON f.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND k.contype = 'f'
    ORDER BY c.relname, k.conname`.execute(db);

  const infos = new Map<string, TableInfo>();
  for (const t of tables) {
    if (MIGRATION_TABLES.has(t.name)) continue;
    infos.set(t.name, {
      name: t.name,
      columns: [],
      instanceBound: [],
      primaryKey: [],
      sequenced: [],
      hasIdentity: false,
    });
  }
  for (const c of columns) {
    const t = infos.get(c.table);
    if (!t || c.generated !== '') continue;
    if (c.identity !== '') t.hasIdentity = true;
    if (c.sequence) t.sequenced.push(c.name);
    if (c.default?.includes('pg_current_xact_id')) t.instanceBound.push(c.name);
    else t.columns.push({ name: c.name, type: c.type });
  }
  for (const k of keys) infos.get(k.table)?.primaryKey.push(k.name);
  const dependsOn = new Map<string, Set<string>>([...infos.keys()].map((n) => [n, new Set<string>()]));
  for (const f of fks) {
    const t = infos.get(f.table);
    if (!t) continue;
    if (f.table === f.references) {
      if (f.columns !== 1)
        throw new Error(`table ${f.table}: a multi-column reference to itself is not supported`);
      t.selfReference = { column: f.column, references: f.target };
    } else if (infos.has(f.references)) {
      dependsOn.get(f.table)?.add(f.references);
    }
  }
  // Topological order, ties by name so that two backups of one database list tables alike.
  const ordered: TableInfo[] = [];
  const done = new Set<string>();
  while (done.size < infos.size) {
    const ready = [...infos.keys()]
      .filter((n) => !done.has(n) && [...(dependsOn.get(n) ?? [])].every((d) => done.has(d)))
      .sort();
    if (ready.length === 0) throw new Error('the tables reference each other in a cycle');
    for (const n of ready) {
      done.add(n);
      ordered.push(infos.get(n)!);
    }
  }
  return ordered;
}

/** The text form of values: UTC instants, ISO dates, hex bytea, exact floats. */
export async function setTextForms(tx: Transaction<DB> | Kysely<DB>): Promise<void> {
  await sql`SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true),
    set_config('IntervalStyle', 'postgres', true), set_config('bytea_output', 'hex', true),
    set_config('extra_float_digits', '3', true)`.execute(tx);
}

const FETCH = 500;

/**
 * Rows of one table as arrays of text (or null), in primary-key order; a table that references
 * itself lists a row only after the row it references. Read through a cursor, FETCH rows at a
 * time, so memory stays bounded whatever the size of the table. Call inside the snapshot
 * transaction (after `setTextForms`).
 */
export async function* readRows(tx: Db, table: TableInfo): AsyncGenerator<(string | null)[][]> {
  const cols = sql.join(table.columns.map((c, i) => sql`t.${sql.ref(c.name)}::text AS ${sql.ref(`c${i}`)}`));
  const order = table.primaryKey.length
    ? sql.join(table.primaryKey.map((k) => sql`t.${sql.ref(k)}`))
    : sql.join(table.columns.map((c) => sql`t.${sql.ref(c.name)}::text`));
  const name = sql.table(table.name);
  let query = sql`SELECT ${cols} FROM ${name} t ORDER BY ${order}`;
  if (table.selfReference) {
    const { column, references } = table.selfReference;
    const [col, ref] = [sql.ref(column), sql.ref(references)];
    query = sql`WITH RECURSIVE depth(key, d) AS (
        SELECT ${ref}, 0 FROM ${name} WHERE ${col} IS NULL
        UNION ALL SELECT c.${ref}, depth.d + 1 FROM ${name} c JOIN depth ON c.${col} = depth.key)
      SELECT ${cols} FROM ${name} t JOIN depth ON depth.key = t.${ref} ORDER BY depth.d, ${order}`;
  }
  await sql`DECLARE homeward_backup_rows NO SCROLL CURSOR FOR ${query}`.execute(tx);
  try {
    for (;;) {
      const { rows } = await sql<
        Record<string, string | null>
      >`FETCH ${sql.raw(String(FETCH))} FROM homeward_backup_rows`.execute(tx);
      if (rows.length === 0) break;
      yield rows.map((r) => table.columns.map((_, i) => r[`c${i}`] ?? null));
    }
  } finally {
    await sql`CLOSE homeward_backup_rows`.execute(tx).catch(() => {});
  }
}

/**
 * Insert rows given as text arrays in `table.columns` order. The caller has disabled the table's
 * own triggers for the load (`setUserTriggers`), so rules meant for new writes (no entry added to
 * a signed list version) do not refuse a faithful copy; foreign keys stay checked.
 */
export async function insertRows(db: Db, table: TableInfo, rows: (string | null)[][]): Promise<void> {
  if (rows.length === 0) return;
  const targets = sql.join(table.columns.map((c) => sql.ref(c.name)));
  const values = sql.join(table.columns.map((c, i) => sql`(r ->> ${sql.lit(i)})::${sql.raw(c.type)}`));
  const overriding = table.hasIdentity ? sql`OVERRIDING SYSTEM VALUE` : sql``;
  await sql`INSERT INTO ${sql.table(table.name)} (${targets}) ${overriding}
    SELECT ${values} FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) AS r`.execute(db);
}

export async function setUserTriggers(db: Db, table: string, enabled: boolean): Promise<void> {
  await sql`ALTER TABLE ${sql.table(table)} ${sql.raw(enabled ? 'ENABLE' : 'DISABLE')} TRIGGER USER`.execute(
    db,
  );
}

/** Remove rows a migration seeded (log_head's first row) before the copy's rows go in. */
export async function clearSeededRows(db: Db, table: string): Promise<void> {
  await sql`DELETE FROM ${sql.table(table)}`.execute(db);
}

/** After a load, the next value of each sequence follows the highest value loaded. */
export async function resetSequences(db: Db, table: TableInfo): Promise<void> {
  for (const column of table.sequenced) {
    const col = sql.ref(column);
    await sql`SELECT setval(pg_get_serial_sequence(${table.name}, ${column}),
        COALESCE(max(${col}), 1), max(${col}) IS NOT NULL) FROM ${sql.table(table.name)}`.execute(db);
  }
}

/** Tables of the current schema (any relation kind), to tell whether a target is empty. */
export async function countRelations(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`.execute(db);
  return rows[0]?.n ?? 0;
}
