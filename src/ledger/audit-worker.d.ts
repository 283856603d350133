/** Types for audit-worker.js (plain JavaScript so that worker threads start without a TypeScript loader). */

/** One Ed25519 signature per entry, over the entry's bytes, by one of a few public keys. */
export interface AuditSignatureJob {
  /** Raw 32-byte Ed25519 public keys. */
  publicKeys: Uint8Array[];
  /** Uint32Array buffer: for each entry, the index of its key in publicKeys. */
  keyIndex: ArrayBufferLike;
  /** For each entry, its 64-byte signature, concatenated. */
  signatures: ArrayBufferLike;
}

export interface AuditJob {
  /** All entries' bytes, concatenated (usually a SharedArrayBuffer, so workers read without copying). */
  data: ArrayBufferLike;
  /** Float64Array buffer of n+1 offsets: entry i is data[offsets[i], offsets[i+1]). */
  offsets: ArrayBufferLike;
  /** Entries [from, to) to hash; `from` is a multiple of blockSize. */
  from: number;
  to: number;
  /** A power of two: each block's root is returned, and the caller builds the tree above the blocks. */
  blockSize: number;
  /** Output, n·32 bytes: the kernel writes each leaf hash at index·32. */
  leafHashes: ArrayBufferLike;
  /** Tree sizes in (from, to] whose within-block compact range the caller needs for their roots. */
  prefixSizes: number[];
  signatures?: AuditSignatureJob | undefined;
}

export interface AuditRangeResult {
  /** Root of each block in [from, to), in order; the last may cover a partial block. */
  blockHashes: Uint8Array[];
  /** For each wanted size s: the perfect subtrees covering [start of s's block, s), largest first. */
  prefixes: { size: number; hashes: Uint8Array[] }[];
  /** Indices of entries whose signature does not verify (or whose key index is unknown). */
  invalidSignatures: number[];
}

export function auditRange(job: AuditJob): AuditRangeResult;
