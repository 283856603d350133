/**
 * Full-tree recomputation for `log audit`: every leaf hash, the root, the roots at chosen sizes (the
 * stored checkpoints) and, optionally, one Ed25519 signature per entry, split across worker threads.
 *
 * The entries are cut into blocks of 2^14. Workers hash whole blocks (leaf hashes into a shared buffer,
 * one root per block); this thread then builds the tree above the block roots. That is the RFC 6962
 * tree itself: with blocks of a power-of-two size, every split point of the full tree at or above
 * block size falls on a block boundary, so the block roots are exactly its subtrees.
 */
import { Worker } from 'node:worker_threads';
import { type AuditJob, type AuditRangeResult, auditRange } from './audit-worker.js';
import { LedgerError } from './errors.ts';
import { compactRange, foldCompactRange, HASH_SIZE, MAX_TREE_SIZE, MemoryTree } from './merkle.ts';

export const AUDIT_BLOCK_SIZE = 2 ** 14;

/** Entries in one buffer: entry i is data[offsets[i], offsets[i+1]). Shared memory lets workers read it in place. */
export interface PackedEntries {
  data: Uint8Array;
  offsets: Float64Array;
}

export interface EntrySignatures {
  /** Raw 32-byte Ed25519 public keys. */
  publicKeys: Uint8Array[];
  /** For each entry, which public key signed it. */
  keyIndex: Uint32Array;
  /** For each entry, its 64-byte Ed25519 signature over the entry's bytes, concatenated. */
  signatures: Uint8Array;
}

export interface AuditOptions {
  /** Worker threads to use; 0 computes in this thread. Default 2 (both cores of the target machine). */
  workers?: number;
  /** Tree sizes whose roots to report, e.g. every stored checkpoint's size. */
  rootsAt?: readonly number[];
  signatures?: EntrySignatures;
  /** Entries per block, a power of two; only tests change it, to cross blocks and workers on small logs. */
  blockSize?: number;
}

export interface AuditResult {
  size: number;
  root: Uint8Array;
  /** size·32 bytes: leaf hash i at i·32, to compare with what storage holds. */
  leafHashes: Uint8Array;
  /** Root for each size in `rootsAt`. */
  roots: Map<number, Uint8Array>;
  /** Entries whose signature did not verify, ascending; empty when no signatures were given. */
  invalidSignatures: number[];
}

/** Copies entries into one buffer, shared by default so that worker threads can read it without a copy. */
export function packEntries(entries: readonly Uint8Array[], shared = true): PackedEntries {
  let total = 0;
  for (const e of entries) total += e.length;
  const data = new Uint8Array(shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total));
  const offsets = new Float64Array(
    shared ? new SharedArrayBuffer(8 * (entries.length + 1)) : new ArrayBuffer(8 * (entries.length + 1)),
  );
  let at = 0;
  entries.forEach((e, i) => {
    offsets[i] = at;
    data.set(e, at);
    at += e.length;
  });
  offsets[entries.length] = at;
  return { data, offsets };
}

export async function auditTree(
  entries: PackedEntries | readonly Uint8Array[],
  options: AuditOptions = {},
): Promise<AuditResult> {
  const workers = options.workers ?? 2;
  const packed = 'offsets' in entries ? entries : packEntries(entries, workers > 0);
  const size = packed.offsets.length - 1;
  if (size > MAX_TREE_SIZE) throw new LedgerError('OUT_OF_RANGE', 'log too large to audit', { size });
  const rootsAt = [...new Set(options.rootsAt ?? [])];
  for (const s of rootsAt) {
    if (!Number.isInteger(s) || s < 0 || s > size)
      throw new LedgerError('OUT_OF_RANGE', 'root size beyond the log', { size: s });
  }

  const blockSize = options.blockSize ?? AUDIT_BLOCK_SIZE;
  if (!Number.isInteger(Math.log2(blockSize))) throw new RangeError('block size must be a power of two');
  const blocks = Math.ceil(size / blockSize);
  // Small logs are not worth a thread start; otherwise give each worker an equal run of whole blocks.
  const threads = blocks < 2 ? 0 : Math.min(workers, blocks);
  const shared = threads > 0;
  const leafHashes = new Uint8Array(allocate(size * HASH_SIZE, shared));
  const span = Math.ceil(blocks / Math.max(threads, 1)) * blockSize;
  const signatures = options.signatures && {
    publicKeys: options.signatures.publicKeys,
    keyIndex: wholeBuffer(options.signatures.keyIndex, shared),
    signatures: wholeBuffer(options.signatures.signatures, shared),
  };
  const data = wholeBuffer(packed.data, shared);
  const offsets = wholeBuffer(packed.offsets, shared);
  const jobs: AuditJob[] = [];
  for (let from = 0; from < size; from += span) {
    const to = Math.min(size, from + span);
    jobs.push({
      data,
      offsets,
      from,
      to,
      blockSize,
      leafHashes: leafHashes.buffer,
      prefixSizes: rootsAt.filter((s) => s > from && s <= to && s % blockSize !== 0),
      signatures,
    });
  }
  const results = shared ? await Promise.all(jobs.map(runInWorker)) : jobs.map(auditRange);

  const blockHashes = results.flatMap((r) => r.blockHashes);
  const prefixes = new Map(results.flatMap((r) => r.prefixes).map((p) => [p.size, p.hashes]));
  // Block roots as the leaves of a coarser tree: the same tree, with every full block a perfect subtree.
  const blockTree = MemoryTree.fromLeafHashes(blockHashes);
  const rootAt = (s: number): Uint8Array => {
    const above = compactRange(0, Math.floor(s / blockSize), blockTree.node);
    return foldCompactRange(s % blockSize === 0 ? above : [...above, ...prefixes.get(s)!]);
  };
  return {
    size,
    root: blockTree.root(),
    leafHashes,
    roots: new Map(rootsAt.map((s) => [s, rootAt(s)])),
    invalidSignatures: results.flatMap((r) => r.invalidSignatures),
  };
}

function allocate(bytes: number, shared: boolean): ArrayBufferLike {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** The view's memory as a buffer of its own (the kernel indexes from 0), shared when workers will read it. */
function wholeBuffer(view: Uint8Array | Uint32Array | Float64Array, shared: boolean): ArrayBufferLike {
  const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
  if (whole && (view.buffer instanceof SharedArrayBuffer || !shared)) return view.buffer;
  const copy = new Uint8Array(allocate(view.byteLength, shared));
  copy.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return copy.buffer;
}

function runInWorker(job: AuditJob): Promise<AuditRangeResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./audit-worker.js', import.meta.url), {
      workerData: { homewardAuditJob: job },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`audit worker exited with code ${code}`));
    });
  });
}
