/**
 * The baseline of a node upgraded past migration 014: rows written before record commitments existed
 * have none, and `log audit` would report each as inserted. On the first start after the upgrade
 * (when the CLI opens the node — `homeward serve` and every command — right after its signing key),
one transaction commits every existing row of the committed
 * tables in `records` entries of at most `chunk` records each, and audits it as the node
 * (`records.baseline`).
 *
 * It runs only while `record_commitments` is empty: once any record is committed it never runs again,
 * so it cannot be used to launder rows inserted later. Removing every commitment to make it run again
 * leaves the earlier `records` entries without their commitments, which `log audit` reports.
 */
import { type Kysely, sql } from 'kysely';
import { nodeContext } from '../domain/access.ts';
import { writeAudit } from './audit.ts';
import type { Database } from './open.ts';
import { commitRecordsNow, RECORD_TABLES, type RecordRef, uncommittedRecordIds } from './records.ts';
import type { DB } from './schema.ts';

export interface BaselineResult {
  records: number;
  /** The indexes of the `records` entries written (empty when there was nothing to commit). */
  entries: number[];
}

const none: BaselineResult = { records: 0, entries: [] };

async function anyCommitment(db: Kysely<DB>): Promise<boolean> {
  const { rows } = await sql`SELECT 1 FROM record_commitments LIMIT 1`.execute(db);
  return rows.length > 0;
}

export async function baselineRecords(
  database: Pick<Database, 'db' | 'transaction'>,
  opts: { chunk?: number } = {},
): Promise<BaselineResult> {
  const chunk = opts.chunk ?? 20_000;
  // Cheap checks first: a node past its baseline, or one with no identity yet (nothing written).
  if (await anyCommitment(database.db)) return none;
  const identity = await database.db
    .selectFrom('node_identity')
    .select(['name', 'org_id'])
    .executeTakeFirst();
  if (!identity) return none;
  return database.transaction(async (tx) => {
    // The log head's lock serialises this with every writer (each appends to the log) and with a
    // second process starting at the same time, which then finds the commitments and stops.
    await tx.selectFrom('log_head').select('id').where('id', '=', 1).forUpdate().execute();
    if (await anyCommitment(tx)) return none;
    const entries: number[] = [];
    let records = 0;
    let pending: RecordRef[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      entries.push((await commitRecordsNow(tx, pending))!);
      records += pending.length;
      pending = [];
    };
    for (const table of RECORD_TABLES) {
      for (const id of await uncommittedRecordIds(tx, table)) {
        pending.push({ table, key: id });
        if (pending.length >= chunk) await flush();
      }
    }
    await flush();
    if (records === 0) return none;
    await writeAudit(tx, nodeContext({ orgId: identity.org_id, name: identity.name }, 'commit-baseline'), [
      { action: 'records.baseline', entityType: 'log', entityId: null, detail: { records, entries } },
    ]);
    return { records, entries };
  });
}
