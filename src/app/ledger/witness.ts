/**
 * This node as a witness of other logs (c2sp.org/tlog-witness v1, `add-checkpoint`).
 *
 * For each trusted log (table witnessed_logs: origin, log key, latest cosigned size, root and note)
 * the witness cosigns a new checkpoint only if it is signed by the log's key and provably extends the
 * checkpoint it cosigned last. The check and the update of that record happen in one transaction
 * holding the row lock, so two concurrent requests can never roll the recorded size back or cosign
 * two forks. The witness key is the node's Ed25519 identity key, used as a cosignature/v1 (type 0x04)
 * key under the node's name.
 */
import type { Kysely } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { loadNodeKeyStore } from '../../db/ledger.ts';
import type { Database } from '../../db/open.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../domain/access.ts';
import {
  bytesEqual,
  concatBytes,
  decodeUtf8,
  fromBase64,
  parseDecimal,
  toBase64,
  uint32BE,
  utf8,
} from '../../ledger/bytes.ts';
import { openCheckpoint, parseCheckpoint } from '../../ledger/checkpoint.ts';
import { cosignatureSignerOf } from '../../ledger/cosignature.ts';
import { isLedgerError, LedgerError } from '../../ledger/errors.ts';
import { formatVerifierKey, parseVerifierKey } from '../../ledger/keys.ts';
import { emptyTreeRoot, HASH_SIZE, MAX_TREE_SIZE, verifyConsistency } from '../../ledger/merkle.ts';
import {
  formatKeyId,
  type NoteSigner,
  type NoteVerifier,
  parseNote,
  SignatureType,
} from '../../ledger/note.ts';
import { localOperator } from '../accounts/local-operator.ts';

/** A client must not send more than 63 consistency proof lines (tlog-witness). */
export const MAX_PROOF_LINES = 63;

/** Why the witness refuses a request, with the HTTP status tlog-witness prescribes. */
export class WitnessRefusal extends Error {
  readonly status: 400 | 403 | 404 | 409 | 422;
  readonly code: string;
  /** For 409 on a size mismatch: the size this witness last cosigned (sent as text/x.tlog.size). */
  readonly recordedSize: number | undefined;
  constructor(status: WitnessRefusal['status'], code: string, message: string, recordedSize?: number) {
    super(message);
    this.name = 'WitnessRefusal';
    this.status = status;
    this.code = code;
    this.recordedSize = recordedSize;
  }
}

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Uint8Array[];
  /** The signed checkpoint note, as sent. */
  note: string;
}

/** Parses an add-checkpoint body: `old <size>`, proof lines (base64), an empty line, the signed note. */
export function parseAddCheckpointBody(body: Uint8Array): AddCheckpointRequest {
  const text = decodeUtf8(body);
  if (text === undefined) throw malformed('the body is not UTF-8');
  const lines: string[] = [];
  let at = 0;
  for (;;) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) throw malformed('no empty line before the checkpoint');
    const line = text.slice(at, nl);
    at = nl + 1;
    if (line === '') break;
    lines.push(line);
  }
  const [oldLine, ...proofLines] = lines;
  const m = oldLine === undefined ? null : /^old (0|[1-9][0-9]*)$/.exec(oldLine);
  const oldSize = m ? parseDecimal(m[1]!, MAX_TREE_SIZE) : undefined;
  if (oldSize === undefined) throw malformed('the first line must be "old <size>"');
  if (proofLines.length > MAX_PROOF_LINES) throw malformed(`more than ${MAX_PROOF_LINES} proof lines`);
  const proof = proofLines.map((line) => {
    const hash = fromBase64(line);
    if (!hash || hash.length !== HASH_SIZE) throw malformed('a proof line is not a base64 SHA-256 hash');
    return hash;
  });
  const note = text.slice(at);
  if (note === '') throw malformed('no checkpoint after the empty line');
  return { oldSize, proof, note };
}

export function formatAddCheckpointBody(req: AddCheckpointRequest): string {
  return `old ${req.oldSize}\n${req.proof.map((h) => `${toBase64(h)}\n`).join('')}\n${req.note}`;
}

/** A note signature line, `— <name> base64(key id ‖ signature)` and a newline. */
export function signatureLine(signer: NoteSigner, text: string): string {
  const signature = signer.sign(utf8(text));
  return `— ${signer.name} ${toBase64(concatBytes(uint32BE(signer.keyId), signature))}\n`;
}

/** The node's witness key: its Ed25519 identity key as a cosignature/v1 key under the node's name. */
export async function loadWitnessSigner(
  db: Kysely<DB>,
  now: () => number = () => Math.floor(Date.now() / 1000),
): Promise<NoteSigner> {
  const store = await loadNodeKeyStore(db);
  return cosignatureSignerOf(store.name, store.publicKey, (message) => store.sign(message), now);
}

/** This node's witness verifier key line (type 0x04), for logs that want its cosignatures. */
export async function witnessVerifierKey(db: Kysely<DB>): Promise<string> {
  const signer = await loadWitnessSigner(db);
  return formatVerifierKey(signer);
}

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

export interface WitnessedLog {
  origin: string;
  vkey: string;
  size: number;
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

export async function listWitnessedLogs(db: Kysely<DB>): Promise<WitnessedLog[]> {
  const rows = await db
    .selectFrom('witnessed_logs')
    .select(['origin', 'vkey', 'size'])
    .orderBy('origin')
    .execute();
  return rows.map((r) => ({ origin: r.origin, vkey: r.vkey, size: Number(r.size) }));
}

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

function malformed(why: string): WitnessRefusal {
  return new WitnessRefusal(400, 'MALFORMED', `malformed add-checkpoint request: ${why}`);
}

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
