import { writeAudit } from '../../db/audit.ts';
import type { Database } from '../../db/open.ts';
import { commitRecords } from '../../db/records.ts';
import type { RequestContext } from '../../domain/access.ts';
import { openCheckpoint } from '../../ledger/checkpoint.ts';
import { LedgerError } from '../../ledger/errors.ts';
import { parseVerifierKey } from '../../ledger/keys.ts';
import { formatKeyId, SignatureType } from '../../ledger/note.ts';
import { localOperator } from '../accounts/local-operator.ts';
import type { WitnessedLog } from './list-witnessed-logs.ts';

export interface TrustLogInput {
  /** The log's Ed25519 verifier key line (type 0x01). */
  vkey: string;
  /** The log's checkpoint origin; default the key's name. */
  origin?: string | undefined;
  /**
   * Optionally a checkpoint of that log, signed by that key, to start from instead of size 0 (a
   * witness that knows where the log stood refuses a fork from before that point too).
   */
  checkpoint?: string | undefined;
}

/** Configures a log this node will witness (the operator's `homeward log witness trust`). */
/** `name+keyid` of a verifier key line, for the audit trail (never the key itself needed there). */
export function keyRefOfVkey(vkey: string): string {
  const v = parseVerifierKey(vkey);
  return `${v.name}+${formatKeyId(v.keyId)}`;
}

export async function trustLog(
  database: Database,
  input: TrustLogInput,
  ctx?: RequestContext,
): Promise<WitnessedLog> {
  const verifier = parseVerifierKey(input.vkey.trim());
  if (verifier.type !== SignatureType.ed25519)
    throw new LedgerError('KEY_UNSUPPORTED', 'a log key must be an Ed25519 (type 0x01) note key');
  const origin = input.origin ?? verifier.name;
  if (origin === '' || origin.includes('\n')) throw new LedgerError('CHECKPOINT_MALFORMED', 'bad origin');
  let start: { size: number; root: Uint8Array; note: string } | undefined;
  if (input.checkpoint !== undefined) {
    const opened = openCheckpoint(input.checkpoint, { origin, logKeys: [verifier] });
    start = { size: opened.checkpoint.size, root: opened.checkpoint.root, note: input.checkpoint };
  }
  const vkey = input.vkey.trim();
  return database.transaction(async (tx) => {
    const existing = await tx
      .selectFrom('witnessed_logs')
      .select(['vkey', 'size'])
      .where('origin', '=', origin)
      .forUpdate()
      .executeTakeFirst();
    // Once the witness has cosigned, its record moves only through add-checkpoint (with a proof).
    if (existing && start && Number(existing.size) > 0)
      throw new Error(
        `this node already cosigned ${origin} at size ${existing.size}: its record moves forward only with a consistency proof`,
      );
    if (existing) {
      await tx
        .updateTable('witnessed_logs')
        .set({
          vkey,
          ...(start ? { size: start.size, root: Buffer.from(start.root), checkpoint: start.note } : {}),
        })
        .where('origin', '=', origin)
        .execute();
    } else {
      await tx
        .insertInto('witnessed_logs')
        .values({
          origin,
          vkey,
          size: start?.size ?? 0,
          root: start ? Buffer.from(start.root) : null,
          checkpoint: start?.note ?? null,
        })
        .execute();
    }
    await commitRecords(tx, [{ table: 'witnessed_logs', key: origin }]);
    const size = start?.size ?? Number(existing?.size ?? 0);
    await writeAudit(tx, ctx ?? (await localOperator(tx)), [
      {
        action: 'trust.log_witnessed',
        entityType: 'log',
        entityId: origin,
        detail: {
          origin,
          keyRef: keyRefOfVkey(vkey),
          size,
          replacedKey: !!existing && existing.vkey !== vkey,
        },
      },
    ]);
    return { origin, vkey, size };
  });
}
