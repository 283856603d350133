import { type Kysely, sql } from 'kysely';

/**
 * Record commitments (src/db/records.ts): every record that matters (persons with their names and
 * references, status events, exchange events, lists, packages, trust changes, audit rows) has, in the
 * transaction that writes it, a row here holding the SHA-256 of its committed columns, and the
 * transaction's rows are committed together by one log entry of kind `records` at `log_idx`.
 * `log audit` recomputes each record's digest from its row and compares. Append-only, like the log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE record_commitments (
      log_idx bigint NOT NULL REFERENCES log_entries(idx),
      seq integer NOT NULL CHECK (seq >= 0),
      table_name text NOT NULL,
      row_id text NOT NULL,
      version bigint NOT NULL,
      digest bytea NOT NULL CHECK (length(digest) = 32),
      PRIMARY KEY (log_idx, seq)
    );
    CREATE INDEX record_commitments_row ON record_commitments (table_name, row_id, log_idx DESC, seq DESC);
    CREATE TRIGGER record_commitments_append_only BEFORE UPDATE OR DELETE ON record_commitments
      FOR EACH ROW EXECUTE FUNCTION homeward_append_only();
    CREATE TRIGGER record_commitments_no_truncate BEFORE TRUNCATE ON record_commitments
      FOR EACH STATEMENT EXECUTE FUNCTION homeward_append_only();
  `.execute(db);
}
