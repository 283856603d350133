/**
 * `homeward log audit`: trust nothing derived. Recompute the whole tree from the stored entries, then
 * check every stored leaf hash against it, every stored checkpoint's signature, size and root, and
 * therefore every consistency between checkpoints (all of them must be prefixes of the one tree the
 * entries give). Anything altered is named: the first entry whose bytes no longer match, or, when
 * someone rewrote the leaf hashes too, the range between the last good and the first bad checkpoint.
 */
import type { Kysely } from 'kysely';
import { auditTree, packEntries } from '../ledger/audit.ts';
import { bytesEqual } from '../ledger/bytes.ts';
import { openCheckpoint } from '../ledger/checkpoint.ts';
import { decodeLogEntry } from '../ledger/entry.ts';
import { isLedgerError } from '../ledger/errors.ts';
import { type KeyChain, keyForSize } from '../ledger/key-rotation.ts';
import { parseVerifierKey } from '../ledger/keys.ts';
import { HASH_SIZE } from '../ledger/merkle.ts';
import { loadKeyChain } from './key-chain.ts';
import { loadLogKeys } from './ledger.ts';
import { auditRecords } from './records.ts';
import type { DB } from './schema.ts';

export interface LogAuditProblem {
  /** What was found; never an entry's contents. */
  message: string;
  entry?: number;
  checkpoint?: number;
  /** A record that no longer matches its commitment (table and id, never its contents). */
  table?: string;
  id?: string;
}

export interface LogAuditReport {
  ok: boolean;
  /** Entries read. */
  size: number;
  checkpoints: number;
  cosignatures: number;
  /** Records recounted against their commitments (src/db/records.ts). */
  records: number;
  /** The first entry known to be altered, missing or out of place; undefined when none is. */
  firstBadEntry: number | undefined;
  problems: LogAuditProblem[];
}

const CHUNK = 50_000;

/** What the audit found so far, in the order found, and the first entry known to be bad. */
class Findings {
  problems: LogAuditProblem[] = [];
  firstBadEntry: number | undefined;
  badEntry(index: number, message: string): void {
    if (this.firstBadEntry === undefined || index < this.firstBadEntry) this.firstBadEntry = index;
    this.problems.push({ message, entry: index });
  }
}

interface StoredCheckpoint {
  size: number;
  root: Uint8Array;
  note: string;
}

/**
 * Recompute the tree from the stored entries and check, in this order: the entries are dense, each
 * matches its stored leaf hash, every checkpoint's signature and root, every witness cosignature, the
 * head, and every record against its commitment. Problems name entries, checkpoints and records,
 * never their contents.
 */
export async function auditStoredLog(
  db: Kysely<DB>,
  opts: { workers?: number } = {},
): Promise<LogAuditReport> {
  const keys = await loadLogKeys(db);
  const found = new Findings();
  // Each checkpoint verifies with the key of its size: the node's keys follow its rotation notes.
  let chain: KeyChain = { keys: [keys.verifier], rotations: [] };
  try {
    chain = await loadKeyChain(db);
  } catch (e) {
    found.problems.push({ message: `key rotation notes: ${(e as Error).message}` });
  }
  const entries = await readDenseEntries(db, found);
  const size = entries.length;
  const storedLeaves = await readStoredLeaves(db, size);
  const checkpoints = await readCheckpoints(db);
  const within = checkpoints.filter((c) => c.size <= size);
  for (const c of checkpoints.filter((c) => c.size > size)) {
    found.badEntry(
      size,
      `checkpoint ${c.size} covers entries beyond the ${size} stored: entries were removed`,
    );
  }

  const tree = await auditTree(packEntries(entries, (opts.workers ?? 2) > 0), {
    workers: opts.workers ?? 2,
    rootsAt: within.map((c) => c.size),
  });
  for (let i = 0; i < size; i++) {
    const stored = storedLeaves[i];
    const computed = tree.leafHashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
    if (!stored || !bytesEqual(stored, computed)) {
      found.badEntry(i, `entry ${i} does not match its stored leaf hash: the entry or the hash was altered`);
      break;
    }
  }
  checkCheckpoints(within, tree.roots, keys.origin, chain, found);
  const cosignatures = await checkCosignatures(db, checkpoints, keys.origin, chain, found);
  await checkHead(db, size, checkpoints, found);
  const records = await recountRecords(db, entries, found);
  return {
    ok: found.problems.length === 0,
    size,
    checkpoints: checkpoints.length,
    cosignatures,
    records,
    firstBadEntry: found.firstBadEntry,
    problems: found.problems,
  };
}

/** The stored entries from 0 up to the first gap (a gap means a row was deleted). */
async function readDenseEntries(db: Kysely<DB>, found: Findings): Promise<Uint8Array[]> {
  const entries: Uint8Array[] = [];
  for (let from = 0; ; from += CHUNK) {
    const rows = await db
      .selectFrom('log_entries')
      .select(['idx', 'data'])
      .where('idx', '>=', String(from))
      .where('idx', '<', String(from + CHUNK))
      .orderBy('idx')
      .execute();
    for (const r of rows) {
      const idx = Number(r.idx);
      if (idx !== entries.length) {
        found.badEntry(entries.length, `entry ${entries.length} is missing (next stored entry is ${idx})`);
        break;
      }
      entries.push(new Uint8Array(r.data));
    }
    if (found.firstBadEntry !== undefined || rows.length < CHUNK) break;
  }
  return entries;
}

/** The stored leaf hashes of the first `size` entries, by index (a hole where one is missing). */
async function readStoredLeaves(db: Kysely<DB>, size: number): Promise<(Uint8Array | undefined)[]> {
  const storedLeaves: (Uint8Array | undefined)[] = [];
  for (let from = 0; from < size; from += CHUNK) {
    const rows = await db
      .selectFrom('log_nodes')
      .select(['idx', 'hash'])
      .where('level', '=', 0)
      .where('idx', '>=', String(from))
      .where('idx', '<', String(Math.min(size, from + CHUNK)))
      .execute();
    for (const r of rows) storedLeaves[Number(r.idx)] = new Uint8Array(r.hash);
  }
  return storedLeaves;
}

async function readCheckpoints(db: Kysely<DB>): Promise<StoredCheckpoint[]> {
  const checkpointRows = await db
    .selectFrom('log_checkpoints')
    .select(['size', 'root', 'note'])
    .orderBy('size')
    .execute();
  return checkpointRows.map((c) => ({
    size: Number(c.size),
    root: new Uint8Array(c.root),
    note: c.note,
  }));
}

/**
 * Each checkpoint within the stored entries: its signature (by the key of its size), its note against
 * its stored size and root, its root against the recomputed tree. A bad checkpoint after good ones
 * with no bad entry found means an entry and its leaf hash were altered together.
 */
function checkCheckpoints(
  within: readonly StoredCheckpoint[],
  roots: ReadonlyMap<number, Uint8Array>,
  origin: string,
  chain: KeyChain,
  found: Findings,
): void {
  let lastGood = 0;
  let firstBadCheckpoint: number | undefined;
  for (const c of within) {
    let problem: string | undefined;
    try {
      const opened = openCheckpoint(c.note, { origin, logKeys: [keyForSize(chain, c.size)] });
      if (opened.checkpoint.size !== c.size || !bytesEqual(opened.checkpoint.root, c.root))
        problem = 'its signed note does not match its stored size and root';
      else if (!bytesEqual(roots.get(c.size)!, c.root))
        problem = 'its root is not the root of the stored entries: entries before it were altered';
    } catch (e) {
      problem = `its signature does not verify (${isLedgerError(e) ? e.code : 'unreadable'})`;
    }
    if (problem) {
      found.problems.push({ message: `checkpoint ${c.size}: ${problem}`, checkpoint: c.size });
      firstBadCheckpoint ??= c.size;
    } else if (firstBadCheckpoint === undefined) {
      lastGood = c.size;
    }
  }
  if (firstBadCheckpoint !== undefined && found.firstBadEntry === undefined) {
    found.firstBadEntry = lastGood;
    found.problems.push({
      message: `an entry in ${lastGood}..${firstBadCheckpoint - 1} was altered together with its leaf hash`,
      entry: lastGood,
    });
  }
}

/**
 * Cosignatures were verified before they were stored; check them again against the witnesses' keys.
 * Returns how many are stored.
 */
async function checkCosignatures(
  db: Kysely<DB>,
  checkpoints: readonly StoredCheckpoint[],
  origin: string,
  chain: KeyChain,
  found: Findings,
): Promise<number> {
  const witnessKeys = new Map(
    (await db.selectFrom('log_witnesses').select(['name', 'vkey']).execute()).map((w) => [w.name, w.vkey]),
  );
  const notes = new Map(checkpoints.map((c) => [c.size, c.note]));
  const cosignatureRows = await db
    .selectFrom('log_cosignatures')
    .select(['size', 'witness', 'signature_line'])
    .orderBy('size')
    .execute();
  for (const row of cosignatureRows) {
    const size = Number(row.size);
    const vkey = witnessKeys.get(row.witness);
    let valid = false;
    try {
      const witness = vkey ? parseVerifierKey(vkey) : undefined;
      const note = notes.get(size);
      if (witness && note) {
        const opened = openCheckpoint(`${note}${row.signature_line}\n`, {
          origin,
          logKeys: [keyForSize(chain, size)],
          witnessKeys: [witness],
        });
        valid = opened.cosignatures.length === 1;
      }
    } catch {
      valid = false;
    }
    if (!valid)
      found.problems.push({
        message: `checkpoint ${size}: the cosignature by ${row.witness} does not verify with that witness's key`,
        checkpoint: size,
      });
  }
  return cosignatureRows.length;
}

/**
 * The head, the entries and the latest checkpoint must agree: each append signs a checkpoint for the
 * head's new size, so a log cut short (entries, nodes and checkpoints deleted) shows here.
 */
async function checkHead(
  db: Kysely<DB>,
  size: number,
  checkpoints: readonly StoredCheckpoint[],
  found: Findings,
): Promise<void> {
  const head = await db.selectFrom('log_head').select('size').where('id', '=', 1).executeTakeFirst();
  const headSize = Number(head?.size ?? -1);
  if (headSize !== size)
    found.badEntry(
      Math.min(size, Math.max(headSize, 0)),
      `the log head says ${headSize} entries but ${size} are stored: entries were removed from the end, or the head was altered`,
    );
  const latest = checkpoints.at(-1)?.size ?? 0;
  if (latest !== headSize)
    found.problems.push({
      message: `the latest checkpoint covers ${latest} entries but the log head says ${headSize}: checkpoints were removed`,
      checkpoint: latest,
    });
}

/** Every record against its commitment, every commitment against its `records` entry; how many. */
async function recountRecords(
  db: Kysely<DB>,
  entries: readonly Uint8Array[],
  found: Findings,
): Promise<number> {
  const decoded = entries.map((e) => {
    try {
      return decodeLogEntry(e);
    } catch {
      return undefined;
    }
  });
  const recount = await auditRecords(db, decoded);
  for (const p of recount.problems) {
    found.problems.push(p);
    if (
      p.entry !== undefined &&
      p.table === undefined &&
      (found.firstBadEntry === undefined || p.entry < found.firstBadEntry)
    )
      found.firstBadEntry = p.entry;
  }
  return recount.records;
}
