import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface WitnessedLog {
  origin: string;
  vkey: string;
  size: number;
}

export async function listWitnessedLogs(db: Kysely<DB>): Promise<WitnessedLog[]> {
  const rows = await db
    .selectFrom('witnessed_logs')
    .select(['origin', 'vkey', 'size'])
    .orderBy('origin')
    .execute();
  return rows.map((r) => ({ origin: r.origin, vkey: r.vkey, size: Number(r.size) }));
}
