/**
 * This node's log asking witnesses to cosign its checkpoints (c2sp.org/tlog-witness v1, client side),
 * and the quorum that makes a checkpoint final.
 *
 * Witnesses are configured in log_witnesses (name, verifier key, submission URL prefix). For each
 * one we send `old <size>` = the largest size it cosigned for us before (from log_cosignatures), with
 * a consistency proof from there. A witness that recorded another size answers 409 with that size
 * (text/x.tlog.size); we retry once with a proof from it. Every returned cosignature is verified
 * against the witness key before it is stored. A checkpoint is final once at least `witness_quorum`
 * configured witnesses cosigned it.
 */
import type { Kysely, Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { checkpointAt, latestCheckpoint, proveConsistency, type StoredCheckpoint } from '../../db/ledger.ts';
import type { Database } from '../../db/open.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../domain/access.ts';
import { concatBytes, toBase64, uint32BE } from '../../ledger/bytes.ts';
import { isLedgerError, LedgerError } from '../../ledger/errors.ts';
import { parseVerifierKey } from '../../ledger/keys.ts';
import { isValidKeyName, openNote } from '../../ledger/note.ts';
import { localOperator } from '../accounts/local-operator.ts';
import { formatAddCheckpointBody, keyRefOfVkey } from './witness.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export interface LogWitness {
  name: string;
  vkey: string;
  url: string | null;
}

export interface AddWitnessInput {
  name: string;
  vkey: string;
  /** The witness's submission prefix: add-checkpoint is POSTed to <url>/add-checkpoint. */
  url?: string | undefined;
}

/** Adds (or updates the key and URL of) a witness this node's log asks for cosignatures. */
export async function addLogWitness(
  database: Database,
  input: AddWitnessInput,
  ctx?: RequestContext,
): Promise<LogWitness> {
  if (!isValidKeyName(input.name))
    throw new LedgerError('KEY_MALFORMED', 'witness names have no spaces or +');
  const vkey = input.vkey.trim();
  parseVerifierKey(vkey);
  let url: string | null = null;
  if (input.url !== undefined) {
    const parsed = new URL(input.url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new Error('the witness URL must be http(s)');
    url = input.url.replace(/\/+$/, '');
  }
  await database.transaction(async (tx) => {
    await tx
      .insertInto('log_witnesses')
      .values({ name: input.name, vkey, url })
      .onConflict((oc) => oc.column('name').doUpdateSet({ vkey, url }))
      .execute();
    await commitRecords(tx, [{ table: 'log_witnesses', key: input.name }]);
    await writeAudit(tx, ctx ?? (await localOperator(tx)), [
      {
        action: 'trust.witness_added',
        entityType: 'log',
        entityId: input.name,
        detail: { name: input.name, keyRef: keyRefOfVkey(vkey), url },
      },
    ]);
  });
  return { name: input.name, vkey, url };
}

export async function listLogWitnesses(db: Handle): Promise<LogWitness[]> {
  return db.selectFrom('log_witnesses').select(['name', 'vkey', 'url']).orderBy('name').execute();
}

/** Sets how many configured witnesses must cosign a checkpoint before it counts as final. */
export async function setWitnessQuorum(
  database: Database,
  quorum: number,
  ctx?: RequestContext,
): Promise<number> {
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > 1000)
    throw new LedgerError('OUT_OF_RANGE', 'the quorum must be a whole number from 0 to 1000');
  await database.transaction(async (tx) => {
    await tx.updateTable('log_head').set({ witness_quorum: quorum }).where('id', '=', 1).execute();
    await commitRecords(tx, [{ table: 'log_head', key: 1 }]);
    const witnesses = (await listLogWitnesses(tx)).length;
    await writeAudit(tx, ctx ?? (await localOperator(tx)), [
      {
        action: 'trust.witness_quorum_set',
        entityType: 'log',
        entityId: null,
        detail: { quorum, witnesses },
      },
    ]);
  });
  return quorum;
}

export async function witnessQuorum(db: Handle): Promise<number> {
  const head = await db
    .selectFrom('log_head')
    .select('witness_quorum')
    .where('id', '=', 1)
    .executeTakeFirst();
  return head?.witness_quorum ?? 0;
}

export interface LogStatus {
  origin: string | null;
  /** Size of the latest checkpoint (0 for an empty log). */
  size: number;
  /** Whether the latest checkpoint has at least `quorum` cosignatures by configured witnesses. */
  final: boolean;
  cosigned_by: string[];
  quorum: number;
  witnesses: string[];
  /** Size of the latest final checkpoint, or null if none is. */
  final_size: number | null;
}

/** Names of configured witnesses that cosigned the checkpoint of `size`. */
async function cosignersOf(db: Handle, size: number): Promise<string[]> {
  const rows = await db
    .selectFrom('log_cosignatures as c')
    .innerJoin('log_witnesses as w', 'w.name', 'c.witness')
    .select('c.witness')
    .where('c.size', '=', String(size))
    .orderBy('c.witness')
    .execute();
  return rows.map((r) => r.witness);
}

/** The latest checkpoint that has at least `quorum` cosignatures by configured witnesses. */
export async function latestFinalCheckpoint(db: Handle): Promise<StoredCheckpoint | undefined> {
  const quorum = await witnessQuorum(db);
  if (quorum === 0) return latestCheckpoint(db);
  const row = await db
    .selectFrom('log_cosignatures as c')
    .innerJoin('log_witnesses as w', 'w.name', 'c.witness')
    .select('c.size')
    .groupBy('c.size')
    .having((eb) => eb.fn.countAll(), '>=', quorum)
    .orderBy('c.size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? checkpointAt(db, Number(row.size)) : undefined;
}

export async function logStatus(db: Handle): Promise<LogStatus> {
  const latest = await latestCheckpoint(db);
  const quorum = await witnessQuorum(db);
  const witnesses = (await listLogWitnesses(db)).map((w) => w.name);
  const cosignedBy = latest ? await cosignersOf(db, latest.size) : [];
  const final = latest ? await latestFinalCheckpoint(db) : undefined;
  const origin = await db.selectFrom('node_identity').select('name').executeTakeFirst();
  return {
    origin: origin?.name ?? null,
    size: latest?.size ?? 0,
    final: latest !== undefined && cosignedBy.length >= quorum,
    cosigned_by: cosignedBy,
    quorum,
    witnesses,
    final_size: final?.size ?? null,
  };
}

export interface QuorumReport {
  quorum: number;
  /** Size of the newest final checkpoint (cosigned by the quorum), or null. */
  newestFinal: number | null;
  /** The newest checkpoint, when it lacks its quorum of cosignatures (undefined with quorum 0). */
  notFinal?: { size: number; cosigners: string[] } | undefined;
}

/** For `log audit`: a checkpoint is final only with its quorum; the newest one lacking it is named. */
export async function quorumReport(db: Handle): Promise<QuorumReport> {
  const quorum = await witnessQuorum(db);
  const latest = await latestCheckpoint(db);
  if (quorum === 0 || !latest) return { quorum, newestFinal: latest?.size ?? null };
  const final = await latestFinalCheckpoint(db);
  const cosigners = await cosignersOf(db, latest.size);
  return {
    quorum,
    newestFinal: final?.size ?? null,
    notFinal: cosigners.length < quorum ? { size: latest.size, cosigners } : undefined,
  };
}

export type WitnessOutcome =
  | { witness: string; result: 'cosigned'; size: number }
  | { witness: string; result: 'already'; size: number }
  | { witness: string; result: 'skipped'; reason: string }
  | { witness: string; result: 'failed'; status?: number; reason: string };

export interface CosignResult {
  size: number;
  outcomes: WitnessOutcome[];
  cosigned_by: string[];
  quorum: number;
  final: boolean;
}

export interface CosignOptions {
  fetch?: typeof fetch;
  /** Per request, in milliseconds (default 10 s). */
  timeoutMs?: number;
}

/** The largest size of our log this witness cosigned before (0 if none): the old size to send. */
async function lastCosignedSize(db: Handle, witness: string, atMost: number): Promise<number> {
  const row = await db
    .selectFrom('log_cosignatures')
    .select((eb) => eb.fn.max('size').as('size'))
    .where('witness', '=', witness)
    .where('size', '<=', String(atMost))
    .executeTakeFirst();
  return row?.size == null ? 0 : Number(row.size);
}

/** The checkpoint note as the node signed it, without collected cosignatures. */
async function bareNote(db: Handle, size: number): Promise<string> {
  const row = await db
    .selectFrom('log_checkpoints')
    .select('note')
    .where('size', '=', String(size))
    .executeTakeFirstOrThrow();
  return row.note;
}

class WitnessFailure extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/**
 * Asks every configured witness (with a URL) to cosign the latest checkpoint, stores the verified
 * cosignatures and reports whether the checkpoint reached the quorum. Network failures of one
 * witness are reported in its outcome, never thrown.
 */
export async function cosignLatest(database: Database, options: CosignOptions = {}): Promise<CosignResult> {
  const db = database.db;
  const latest = await latestCheckpoint(db);
  const quorum = await witnessQuorum(db);
  if (!latest) return { size: 0, outcomes: [], cosigned_by: [], quorum, final: false };
  const witnesses = await listLogWitnesses(db);
  const already = new Set(await cosignersOf(db, latest.size));
  const note = await bareNote(db, latest.size);

  const outcomes = await Promise.all(
    witnesses.map(async (w): Promise<WitnessOutcome> => {
      if (already.has(w.name)) return { witness: w.name, result: 'already', size: latest.size };
      if (!w.url) return { witness: w.name, result: 'skipped', reason: 'no URL configured' };
      try {
        const line = await requestCosignature(database, w, latest.size, note, options);
        await database.transaction((tx) =>
          tx
            .insertInto('log_cosignatures')
            .values({ size: latest.size, witness: w.name, signature_line: line })
            .onConflict((oc) => oc.columns(['size', 'witness']).doNothing())
            .execute(),
        );
        return { witness: w.name, result: 'cosigned', size: latest.size };
      } catch (e) {
        const status = e instanceof WitnessFailure ? e.status : undefined;
        const reason = e instanceof Error ? e.message : String(e);
        return { witness: w.name, result: 'failed', reason, ...(status ? { status } : {}) };
      }
    }),
  );
  const cosignedBy = await cosignersOf(db, latest.size);
  return {
    size: latest.size,
    outcomes,
    cosigned_by: cosignedBy,
    quorum,
    final: cosignedBy.length >= quorum,
  };
}

/** One add-checkpoint exchange (with one retry on a size conflict); returns the verified signature line. */
async function requestCosignature(
  database: Database,
  witness: LogWitness,
  size: number,
  note: string,
  options: CosignOptions,
): Promise<string> {
  const verifier = parseVerifierKey(witness.vkey);
  const doFetch = options.fetch ?? fetch;
  const url = `${witness.url}/add-checkpoint`;
  let oldSize = await lastCosignedSize(database.db, witness.name, size);
  for (let attempt = 0; ; attempt++) {
    const proof = oldSize === 0 ? [] : await proveConsistency(database.db, oldSize, size);
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: formatAddCheckpointBody({ oldSize, proof, note }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    if (res.status === 200) {
      // The response is signature lines; appended to the note, a note verifier keeps only the witness's.
      let opened: ReturnType<typeof openNote>;
      try {
        opened = openNote(note + text, [verifier]);
      } catch (e) {
        if (isLedgerError(e))
          throw new WitnessFailure(`the witness answered no valid cosignature (${e.code})`);
        throw e;
      }
      const sig = opened.verified[0]!;
      return `— ${sig.name} ${toBase64(concatBytes(uint32BE(sig.keyId), sig.signature))}`;
    }
    const isSize =
      res.status === 409 && (res.headers.get('content-type') ?? '').startsWith('text/x.tlog.size');
    if (isSize && attempt === 0) {
      const m = /^(0|[1-9][0-9]{0,15})\n$/.exec(text);
      const theirs = m ? Number(m[1]) : Number.NaN;
      if (!Number.isSafeInteger(theirs) || theirs > size)
        throw new WitnessFailure(`the witness recorded size ${text.trim().slice(0, 20)}, beyond ours`, 409);
      oldSize = theirs;
      continue;
    }
    throw new WitnessFailure(`the witness refused: HTTP ${res.status} ${summarise(text)}`, res.status);
  }
}

function summarise(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    if (parsed.error?.code) return `${parsed.error.code}: ${parsed.error.message ?? ''}`.slice(0, 200);
  } catch {}
  return body.replace(/\s+/g, ' ').slice(0, 200);
}

export interface CosignLoop {
  stop(): Promise<void>;
}

/**
 * The server's background attempt: every `intervalMs`, if the latest checkpoint lacks a cosignature
 * from some configured witness, ask again. Failures are logged, never thrown; after failures at one
 * size the wait doubles (up to 32 intervals) so a witness that is down is not hammered.
 */
export function startCosignLoop(
  database: Database,
  opts: { intervalMs: number; log: (level: 'info' | 'warn', msg: string, detail?: object) => void },
): CosignLoop {
  let running: Promise<void> | undefined;
  let stopped = false;
  let backoff = { size: -1, skip: 0, wait: 1 };
  const tick = async () => {
    const db = database.db;
    const latest = await latestCheckpoint(db);
    if (!latest) return;
    const witnesses = (await listLogWitnesses(db)).filter((w) => w.url);
    if (witnesses.length === 0) return;
    const done = new Set(await cosignersOf(db, latest.size));
    if (witnesses.every((w) => done.has(w.name))) return;
    if (backoff.size === latest.size && backoff.skip > 0) {
      backoff.skip--;
      return;
    }
    const result = await cosignLatest(database);
    const failed = result.outcomes.filter((o) => o.result === 'failed');
    for (const o of failed)
      opts.log('warn', 'witness did not cosign', {
        witness: o.witness,
        size: result.size,
        reason: o.result === 'failed' ? o.reason : '',
      });
    if (result.outcomes.some((o) => o.result === 'cosigned'))
      opts.log('info', 'checkpoint cosigned', {
        size: result.size,
        cosigned_by: result.cosigned_by,
        final: result.final,
      });
    if (failed.length > 0) {
      const wait = backoff.size === result.size ? Math.min(backoff.wait * 2, 32) : 1;
      backoff = { size: result.size, skip: wait - 1, wait };
    }
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = tick()
      .catch((e: unknown) => opts.log('warn', 'cosigning attempt failed', { error: (e as Error)?.message }))
      .finally(() => {
        running = undefined;
      });
  }, opts.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
