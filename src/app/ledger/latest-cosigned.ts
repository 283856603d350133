import type { Database } from '../../db/open.ts';
import { parseNote } from '../../ledger/note.ts';
import { loadWitnessSigner } from './witness-key.ts';
import { signatureLine } from './witness-protocol.ts';

/**
 * The latest checkpoint this witness cosigned for `origin`, as the log signed it plus this witness's
 * cosignature line (made now, over the same checkpoint text: the witness still vouches for it as the
 * newest it has seen). Undefined when the log is not witnessed here or nothing was cosigned yet.
 * Served at GET /log/witness/latest/<origin> (c2sp tlog-witness has no read endpoint).
 */
export async function latestCosigned(database: Database, origin: string): Promise<string | undefined> {
  const row = await database.db
    .selectFrom('witnessed_logs')
    .select(['checkpoint'])
    .where('origin', '=', origin)
    .executeTakeFirst();
  if (!row?.checkpoint) return undefined;
  const witness = await loadWitnessSigner(database.db);
  const note = row.checkpoint.endsWith('\n') ? row.checkpoint : `${row.checkpoint}\n`;
  return note + signatureLine(witness, parseNote(note).text);
}
