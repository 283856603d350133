import type { Database } from '../../db/open.ts';
import { bytesEqual } from '../../ledger/bytes.ts';
import { openCheckpoint, parseCheckpoint } from '../../ledger/checkpoint.ts';
import { isLedgerError } from '../../ledger/errors.ts';
import { parseVerifierKey } from '../../ledger/keys.ts';
import { emptyTreeRoot, verifyConsistency } from '../../ledger/merkle.ts';
import { type NoteSigner, type NoteVerifier, parseNote } from '../../ledger/note.ts';
import { loadWitnessSigner } from './witness-key.ts';
import { malformed, parseAddCheckpointBody, signatureLine, WitnessRefusal } from './witness-protocol.ts';

/**
 * Handles one add-checkpoint request: checks it against the recorded state of its log, records the
 * new checkpoint (atomically with the check) and returns the cosignature line(s). Throws WitnessRefusal.
 */
export async function addCheckpoint(
  database: Database,
  body: Uint8Array,
  signer?: NoteSigner,
): Promise<{ lines: string; origin: string; size: number }> {
  const req = parseAddCheckpointBody(body);
  let text: string;
  let origin: string;
  try {
    text = parseNote(req.note).text;
    origin = parseCheckpoint(text).origin;
  } catch (e) {
    if (isLedgerError(e)) throw malformed(e.message);
    throw e;
  }
  const witness = signer ?? (await loadWitnessSigner(database.db));

  const result = await database.transaction(async (tx) => {
    const row = await tx
      .selectFrom('witnessed_logs')
      .select(['vkey', 'size', 'root', 'checkpoint'])
      .where('origin', '=', origin)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new WitnessRefusal(404, 'UNKNOWN_LOG', `this witness does not witness ${origin}`);

    let logKey: NoteVerifier;
    try {
      logKey = parseVerifierKey(row.vkey);
    } catch {
      throw new Error(`the configured key of ${origin} is unreadable`);
    }
    let checkpoint: ReturnType<typeof openCheckpoint>['checkpoint'];
    try {
      checkpoint = openCheckpoint(req.note, { origin, logKeys: [logKey] }).checkpoint;
    } catch (e) {
      if (!isLedgerError(e)) throw e;
      if (
        e.code === 'NOTE_MALFORMED' ||
        e.code === 'NOTE_TOO_MANY_SIGNATURES' ||
        e.code === 'CHECKPOINT_MALFORMED'
      )
        throw malformed(e.message);
      throw new WitnessRefusal(403, 'NOT_SIGNED_BY_LOG', `no valid signature by the key of ${origin}`);
    }

    const recorded = Number(row.size);
    if (req.oldSize > checkpoint.size)
      throw new WitnessRefusal(400, 'OLD_SIZE_TOO_LARGE', 'the old size exceeds the checkpoint size');
    if (req.oldSize !== recorded)
      throw new WitnessRefusal(409, 'SIZE_MISMATCH', `this witness last cosigned size ${recorded}`, recorded);

    // From here on the log's key signed what we refuse: keep the request as evidence (committed
    // with nothing else), then refuse.
    const refuseWithEvidence = async (reason: 'fork' | 'inconsistent', refusal: WitnessRefusal) => {
      await tx
        .insertInto('witness_evidence')
        .values({
          origin,
          reason,
          recorded_size: recorded,
          recorded_checkpoint: row.checkpoint,
          request: Buffer.from(body),
        })
        .execute();
      return { refusal };
    };
    const recordedRoot = row.root ? new Uint8Array(row.root) : emptyTreeRoot();
    if (req.oldSize === checkpoint.size) {
      if (!bytesEqual(recordedRoot, checkpoint.root))
        return refuseWithEvidence(
          'fork',
          new WitnessRefusal(
            409,
            'ROOT_MISMATCH',
            `a different tree of size ${recorded} was cosigned before: the log forked`,
          ),
        );
      if (req.proof.length > 0)
        return refuseWithEvidence(
          'inconsistent',
          new WitnessRefusal(422, 'BAD_PROOF', 'the proof must be empty for equal sizes'),
        );
    } else {
      try {
        verifyConsistency(req.oldSize, checkpoint.size, recordedRoot, checkpoint.root, req.proof, {
          allowEmptyFirst: true,
        });
      } catch (e) {
        if (!isLedgerError(e)) throw e;
        return refuseWithEvidence(
          'inconsistent',
          new WitnessRefusal(422, 'BAD_PROOF', `the consistency proof does not verify: ${e.message}`),
        );
      }
    }
    await tx
      .updateTable('witnessed_logs')
      .set({
        size: checkpoint.size,
        root: Buffer.from(checkpoint.root),
        checkpoint: req.note,
        updated_at: new Date(),
      })
      .where('origin', '=', origin)
      .execute();
    return { size: checkpoint.size };
  });
  if ('refusal' in result) throw result.refusal;
  // Persisted before we answer, as the spec requires; the cosignature is over the note's text only.
  return { lines: signatureLine(witness, text), origin, size: result.size };
}
