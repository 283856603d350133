// Test helper: the tamper probe "log rebuilt and re-signed". Someone with write access to the
// database drops the append-only triggers' guard, empties the log and appends every entry again —
// one of them altered — in the same batches, so the rebuilt log agrees with itself. The record
// commitments (src/db/records.ts) refer to entries by index: they are set aside and put back at the
// same indices (those beyond a truncated log are dropped), so the records still match their entries
// as long as the altered entry is not a `records` entry.
import { sql } from 'kysely';
import { appendLogEntries, readEntries } from '../../db/ledger.ts';
import type { Database } from '../../db/open.ts';
import { decodeLogEntry, type LogEntry } from '../../ledger/entry.ts';

const LOG_TABLES = ['log_cosignatures', 'log_checkpoints', 'log_nodes', 'log_entries'] as const;

/**
 * Rebuilds the log with `alter` applied to its entries and signs its checkpoints with the key this
 * process holds (what an attacker could do only with the node's key: the database alone cannot).
 */
export async function rebuildLog(
  database: Database,
  alter: (entries: LogEntry[]) => LogEntry[],
): Promise<void> {
  const sizes = (
    await database.db.selectFrom('log_checkpoints').select('size').orderBy('size').execute()
  ).map((r) => Number(r.size));
  const last = sizes[sizes.length - 1] ?? 0;
  const entries = alter((await readEntries(database.db, 0, last)).map(decodeLogEntry));
  await database.transaction(async (tx) => {
    await sql`CREATE TEMP TABLE rebuilt_record_commitments ON COMMIT DROP AS SELECT * FROM record_commitments`.execute(
      tx,
    );
    for (const t of ['record_commitments', ...LOG_TABLES]) {
      await sql`ALTER TABLE ${sql.id(t)} DISABLE TRIGGER USER`.execute(tx);
      await sql`DELETE FROM ${sql.id(t)}`.execute(tx);
      await sql`ALTER TABLE ${sql.id(t)} ENABLE TRIGGER USER`.execute(tx);
    }
    await tx
      .updateTable('log_head')
      .set({ size: 0, frontier: Buffer.alloc(0) })
      .where('id', '=', 1)
      .execute();
    let from = 0;
    for (const size of sizes) {
      const batch = entries.slice(from, size);
      if (batch.length === 0) break;
      await appendLogEntries(tx, batch);
      from += batch.length;
    }
    await sql`INSERT INTO record_commitments SELECT * FROM rebuilt_record_commitments
              WHERE log_idx < ${String(from)}::bigint`.execute(tx);
  });
}
