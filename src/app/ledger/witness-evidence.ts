import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface WitnessEvidence {
  id: number;
  origin: string;
  reason: 'fork' | 'inconsistent';
  recordedSize: number;
  recordedCheckpoint: string | null;
  /** The add-checkpoint body as received: a checkpoint signed by the log that contradicts the record. */
  request: Uint8Array;
  createdAt: Date;
}

/** Requests signed by a witnessed log but refused as a fork or inconsistent: evidence against that log. */
export async function listWitnessEvidence(db: Kysely<DB>, origin?: string): Promise<WitnessEvidence[]> {
  let q = db.selectFrom('witness_evidence').selectAll().orderBy('id');
  if (origin !== undefined) q = q.where('origin', '=', origin);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    origin: r.origin,
    reason: r.reason,
    recordedSize: Number(r.recorded_size),
    recordedCheckpoint: r.recorded_checkpoint,
    request: new Uint8Array(r.request),
    createdAt: new Date(r.created_at),
  }));
}
