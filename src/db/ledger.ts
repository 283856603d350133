/**
 * The transparency log in the node's database (tables in migrations/003_ledger.ts).
 *
 * Appends run inside the caller's transaction, so an entry exists exactly when the event it records
 * does. Each append locks the log head (appends are serialised), adds the entries and every perfect
 * subtree they complete, and signs a checkpoint for the new size: one checkpoint per batch.
 *
 * Proof and tile reads use the pure functions of src/ledger with a two-pass node reader: the first
 * pass only records which subtrees the proof needs (that depends on sizes and indices, not on hash
 * values), one query fetches them, the second pass computes.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { concatBytes, fromBase64 } from '../ledger/bytes.ts';
import { type Checkpoint, parseCheckpoint, signCheckpoint } from '../ledger/checkpoint.ts';
import { encodeLogEntry, type LogEntry } from '../ledger/entry.ts';
import { LedgerError } from '../ledger/errors.ts';
import { EncryptedKeyStore, NodeKeyRing, type NodeKeyStore } from '../ledger/key-store.ts';
import {
  consistencyProof,
  foldCompactRange,
  HASH_SIZE,
  hashChildren,
  hashLeaf,
  inclusionProof,
  type NodeReader,
  treeRoot,
} from '../ledger/merkle.ts';
import {
  computeKeyId,
  ed25519NoteVerifier,
  type NoteSigner,
  type NoteVerifier,
  SignatureType,
} from '../ledger/note.ts';
import type { DB } from './schema.ts';
import { DatabaseSlot } from './scope.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export interface LogKeys {
  /** The log's origin line: the node's name. */
  origin: string;
  signer: NoteSigner;
  verifier: NoteVerifier;
}

const keyRings = new DatabaseSlot(() => new NodeKeyRing());

/** The node keys this process opened for the database `db` belongs to (and for no other database). */
export function nodeKeyRingOf(db: Handle): NodeKeyRing {
  return keyRings.of(db);
}

/**
 * The node's key store, opened by this process (ensureNodeIdentity with the key file or passphrase).
 * The database names the key in use; it cannot produce it.
 */
export async function loadNodeKeyStore(db: Handle): Promise<NodeKeyStore> {
  const row = await db.selectFrom('node_identity').select(['name', 'public_key']).executeTakeFirst();
  if (!row) throw new Error('this node has no identity yet: run `homeward init` first');
  const ring = keyRings.of(db);
  let store = ring.find(row.name, row.public_key);
  const secret = store ? undefined : ring.rememberedSecret(row.name);
  if (!store && secret) {
    // Rotated by another process since this one opened the key: open the new one with the same secret.
    const sealed = await db.selectFrom('node_identity').select('sealed_key').executeTakeFirst();
    if (sealed?.sealed_key) {
      store = EncryptedKeyStore.unlock(row.name, fromBase64(row.public_key)!, sealed.sealed_key, secret!);
      ring.register(store);
    }
  }
  if (!store)
    throw new Error(
      "this process has not opened the node's signing key: start it with the node's key file or passphrase",
    );
  return store;
}

/** A note signer over the key store: the node's Ed25519 key under its name. */
export function noteSignerOf(store: NodeKeyStore): NoteSigner {
  return {
    name: store.name,
    keyId: computeKeyId(store.name, SignatureType.ed25519, store.publicKey),
    type: SignatureType.ed25519,
    publicKey: store.publicKey,
    sign: (text) => store.sign(text),
  };
}

// Per database, by opened store: a rotated key gets its own entry.
const logKeyCaches = new DatabaseSlot(() => new WeakMap<NodeKeyStore, LogKeys>());

/** The node's log signing key (its Ed25519 identity key under the node's name). */
export async function loadLogKeys(db: Handle): Promise<LogKeys> {
  const store = await loadNodeKeyStore(db);
  const keyCache = logKeyCaches.of(db);
  const cached = keyCache.get(store);
  if (cached) return cached;
  const signer = noteSignerOf(store);
  const keys = { origin: store.name, signer, verifier: ed25519NoteVerifier(store.name, store.publicKey) };
  keyCache.set(store, keys);
  return keys;
}

/** Perfect subtrees of the compact range [0, size), left to right: one per set bit of size, highest first. */
function frontierLevels(size: number): number[] {
  const levels: number[] = [];
  for (let level = 52; level >= 0; level--) if (Math.floor(size / 2 ** level) % 2 === 1) levels.push(level);
  return levels;
}

function splitHashes(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += HASH_SIZE) out.push(bytes.slice(at, at + HASH_SIZE));
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export interface AppendResult {
  /** Index of the first entry appended. */
  first: number;
  /** The log size after the append, which the new checkpoint covers. */
  size: number;
  checkpoint: string;
}

/**
 * Appends entries (in order) and signs the checkpoint for the new size. Call with the transaction
 * that records the events the entries commit to.
 */
export async function appendLogEntries(
  tx: Transaction<DB>,
  entries: readonly LogEntry[],
): Promise<AppendResult> {
  if (entries.length === 0) throw new RangeError('nothing to append');
  const data = entries.map(encodeLogEntry);
  const keys = await loadLogKeys(tx);
  const head = await tx
    .selectFrom('log_head')
    .select(['size', 'frontier'])
    .where('id', '=', 1)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const first = Number(head.size);
  const stack = frontierLevels(first).map((level, i) => ({
    level,
    hash: splitHashes(head.frontier)[i]!,
  }));
  if (stack.some((s) => !s.hash)) throw new Error('log head is damaged: run `homeward log audit`');

  const nodeLevels: number[] = [];
  const nodeIndices: string[] = [];
  const nodeHashes: string[] = [];
  const addNode = (level: number, index: number, hash: Uint8Array) => {
    nodeLevels.push(level);
    nodeIndices.push(String(index));
    nodeHashes.push(hex(hash));
  };
  data.forEach((entry, i) => {
    const index = first + i;
    let node = { level: 0, hash: hashLeaf(entry) };
    addNode(0, index, node.hash);
    // Each completed pair on the right edge becomes a node one level up.
    while (stack.length > 0 && stack[stack.length - 1]!.level === node.level) {
      const left = stack.pop()!;
      node = { level: node.level + 1, hash: hashChildren(left.hash, node.hash) };
      addNode(node.level, (index + 1) / 2 ** node.level - 1, node.hash);
    }
    stack.push(node);
  });
  const size = first + data.length;

  await sql`
    INSERT INTO log_entries (idx, kind, data)
    SELECT i, k, decode(d, 'hex')
    FROM unnest(${data.map((_, i) => String(first + i))}::bigint[], ${entries.map((e) => e.kind)}::text[],
                ${data.map(hex)}::text[]) AS x(i, k, d)
  `.execute(tx);
  await sql`
    INSERT INTO log_nodes (level, idx, hash)
    SELECT l, i, decode(h, 'hex')
    FROM unnest(${nodeLevels}::smallint[], ${nodeIndices}::bigint[], ${nodeHashes}::text[]) AS x(l, i, h)
  `.execute(tx);
  const frontier = concatBytes(...stack.map((s) => s.hash));
  await tx
    .updateTable('log_head')
    .set({ size, frontier: Buffer.from(frontier) })
    .where('id', '=', 1)
    .execute();
  const root = foldCompactRange(stack.map((s) => s.hash));
  const checkpoint = signCheckpoint({ origin: keys.origin, size, root, extensions: [] }, [keys.signer]);
  await tx
    .insertInto('log_checkpoints')
    .values({ size, root: Buffer.from(root), note: checkpoint })
    .execute();
  return { first, size, checkpoint };
}

/** Runs a pure proof function against stored subtrees: one pass to learn which, one query, one pass to compute. */
async function withStoredNodes<T>(db: Handle, compute: (read: NodeReader) => T): Promise<T> {
  const wanted = new Map<string, { level: number; index: number }>();
  const dummy = new Uint8Array(HASH_SIZE);
  compute((level, index) => {
    wanted.set(`${level}:${index}`, { level, index });
    return dummy;
  });
  const refs = [...wanted.values()];
  const found = new Map<string, Uint8Array>();
  if (refs.length > 0) {
    const rows = await sql<{ level: number; idx: string; hash: Uint8Array }>`
      SELECT n.level, n.idx, n.hash FROM log_nodes n
      JOIN unnest(${refs.map((r) => r.level)}::smallint[], ${refs.map((r) => String(r.index))}::bigint[])
        AS q(l, i) ON n.level = q.l AND n.idx = q.i
    `.execute(db);
    for (const r of rows.rows) found.set(`${r.level}:${r.idx}`, new Uint8Array(r.hash));
  }
  return compute((level, index) => {
    const h = found.get(`${level}:${index}`);
    if (!h) throw new LedgerError('OUT_OF_RANGE', 'subtree not in the log', { level, index });
    return h;
  });
}

export interface StoredCheckpoint {
  size: number;
  root: Uint8Array;
  /** The signed note: the node's signature, then every witness cosignature collected. */
  note: string;
  cosignatures: string[];
}

async function withCosignatures(
  db: Handle,
  row: { size: string; root: Uint8Array; note: string },
): Promise<StoredCheckpoint> {
  const cosigs = await db
    .selectFrom('log_cosignatures')
    .select(['signature_line'])
    .where('size', '=', row.size)
    .orderBy('witness')
    .execute();
  const cosignatures = cosigs.map((c) => c.signature_line);
  return {
    size: Number(row.size),
    root: new Uint8Array(row.root),
    note: row.note + cosignatures.map((l) => `${l}\n`).join(''),
    cosignatures,
  };
}

/** The latest checkpoint, or undefined for an empty log. */
export async function latestCheckpoint(db: Handle): Promise<StoredCheckpoint | undefined> {
  const row = await db
    .selectFrom('log_checkpoints')
    .select(['size', 'root', 'note'])
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && withCosignatures(db, row);
}

export async function checkpointAt(db: Handle, size: number): Promise<StoredCheckpoint | undefined> {
  const row = await db
    .selectFrom('log_checkpoints')
    .select(['size', 'root', 'note'])
    .where('size', '=', String(size))
    .executeTakeFirst();
  return row && withCosignatures(db, row);
}

/** The current size of the log (entries appended, whether or not a checkpoint covers them yet). */
export async function logSize(db: Handle): Promise<number> {
  const head = await db.selectFrom('log_head').select('size').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(head.size);
}

function checkIndex(value: number, what: string, max: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max)
    throw new LedgerError('OUT_OF_RANGE', `${what} must be an integer in 0..${max}`, { [what]: value });
}

export interface InclusionResult {
  index: number;
  size: number;
  leafHash: Uint8Array;
  proof: Uint8Array[];
}

/** Inclusion proof for entry `index` in the tree of `size` (default: the latest checkpoint's size). */
export async function proveInclusion(db: Handle, index: number, size?: number): Promise<InclusionResult> {
  const current = await logSize(db);
  const treeSize = size ?? (await latestCheckpoint(db))?.size ?? 0;
  checkIndex(treeSize, 'size', current);
  if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize)
    throw new LedgerError('OUT_OF_RANGE', `index must be below the tree size ${treeSize}`, {
      index,
      size: treeSize,
    });
  return withStoredNodes(db, (read) => ({
    index,
    size: treeSize,
    leafHash: read(0, index),
    proof: inclusionProof(index, treeSize, read),
  }));
}

/** Consistency proof from the tree of size `from` to the tree of size `to`. */
export async function proveConsistency(db: Handle, from: number, to: number): Promise<Uint8Array[]> {
  const current = await logSize(db);
  checkIndex(to, 'to', current);
  checkIndex(from, 'from', to);
  return withStoredNodes(db, (read) => consistencyProof(from, to, read));
}

/** Root of the tree of any size up to the current one, from stored subtrees. */
export async function storedRoot(db: Handle, size: number): Promise<Uint8Array> {
  checkIndex(size, 'size', await logSize(db));
  return withStoredNodes(db, (read) => treeRoot(size, read));
}

/** Stored hashes of perfect subtrees at `level`, indices [from, to): a tile's contents. */
export async function readLevel(db: Handle, level: number, from: number, to: number): Promise<Uint8Array[]> {
  const rows = await db
    .selectFrom('log_nodes')
    .select(['idx', 'hash'])
    .where('level', '=', level)
    .where('idx', '>=', String(from))
    .where('idx', '<', String(to))
    .orderBy('idx')
    .execute();
  if (rows.length !== to - from || rows.some((r, i) => Number(r.idx) !== from + i))
    throw new LedgerError('OUT_OF_RANGE', 'subtrees missing from the log', { level, from, to });
  return rows.map((r) => new Uint8Array(r.hash));
}

/** Entries [from, to) as stored. */
export async function readEntries(db: Handle, from: number, to: number): Promise<Uint8Array[]> {
  const rows = await db
    .selectFrom('log_entries')
    .select(['idx', 'data'])
    .where('idx', '>=', String(from))
    .where('idx', '<', String(to))
    .orderBy('idx')
    .execute();
  if (rows.length !== to - from || rows.some((r, i) => Number(r.idx) !== from + i))
    throw new LedgerError('OUT_OF_RANGE', 'entries missing from the log', { from, to });
  return rows.map((r) => new Uint8Array(r.data));
}

/** The checkpoint body of a stored note, for callers that need the size and root parsed. */
export function checkpointBody(note: string): Checkpoint {
  return parseCheckpoint(note.slice(0, note.indexOf('\n\n') + 1));
}
