/**
 * Ledger error codes: why a proof, note, checkpoint, tile or package was refused. Kept apart from
 * src/domain/errors.ts so the ledger stays a self-contained library; the HTTP and CLI edges map these
 * codes like the domain ones. Messages carry sizes, indices and key names, never payload contents.
 */
export const LedgerErrorCodes = {
  // Merkle tree (RFC 6962 / RFC 9162)
  /** An index or tree size is not an integer in 0..2^53, or an index is not below its tree size. */
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  /** A leaf hash, root or proof hash is not 32 bytes long. */
  HASH_LENGTH: 'HASH_LENGTH',
  /** A proof has more or fewer hashes than its index and sizes require. */
  PROOF_LENGTH: 'PROOF_LENGTH',
  /** The root recomputed from a proof differs from the root it was checked against. */
  ROOT_MISMATCH: 'ROOT_MISMATCH',
  /** A consistency proof starts from the empty tree, which proves nothing, and the caller did not allow it. */
  CONSISTENCY_FROM_EMPTY: 'CONSISTENCY_FROM_EMPTY',

  // Keys and signed notes (C2SP signed-note)
  /** A verifier or signer key string is not in the name+id+base64 form, or its key bytes are invalid. */
  KEY_MALFORMED: 'KEY_MALFORMED',
  /** The key id in a key string is not the first 4 bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key). */
  KEY_ID_MISMATCH: 'KEY_ID_MISMATCH',
  /** The key's signature type is neither Ed25519 (0x01) nor cosignature/v1 (0x04). */
  KEY_UNSUPPORTED: 'KEY_UNSUPPORTED',
  /** Two trusted keys share a name and key id, so a signature could not be attributed to one of them. */
  KEY_AMBIGUOUS: 'KEY_AMBIGUOUS',
  /** A signed note is not valid UTF-8 text, has control characters, or a malformed signature block. */
  NOTE_MALFORMED: 'NOTE_MALFORMED',
  /** A signed note carries more signature lines than the verifier accepts. */
  NOTE_TOO_MANY_SIGNATURES: 'NOTE_TOO_MANY_SIGNATURES',
  /** A signature by a known key does not verify: the note text or the signature was altered. */
  NOTE_BAD_SIGNATURE: 'NOTE_BAD_SIGNATURE',
  /** No signature in the note comes from a known key. */
  NOTE_UNVERIFIED: 'NOTE_UNVERIFIED',
  /** A key rotation note does not continue the chain from the key held now (src/ledger/key-rotation.ts). */
  KEY_ROTATION_REFUSED: 'KEY_ROTATION_REFUSED',

  // Checkpoints, cosignatures, receipts (C2SP tlog-checkpoint, tlog-cosignature, tlog-proof)
  /** A checkpoint body is not origin, decimal size, base64 root hash and non-empty extension lines. */
  CHECKPOINT_MALFORMED: 'CHECKPOINT_MALFORMED',
  /** A checkpoint names another log than the one expected. */
  CHECKPOINT_WRONG_ORIGIN: 'CHECKPOINT_WRONG_ORIGIN',
  /** A checkpoint verified only with witness keys: no signature by the log itself. */
  CHECKPOINT_NOT_SIGNED_BY_LOG: 'CHECKPOINT_NOT_SIGNED_BY_LOG',
  /** A cosignature is not a timestamped signature (8-byte timestamp below 2^53 and a 64-byte signature). */
  COSIGNATURE_MALFORMED: 'COSIGNATURE_MALFORMED',
  /** A tlog-proof receipt does not follow the c2sp.org/tlog-proof@v1 layout. */
  RECEIPT_MALFORMED: 'RECEIPT_MALFORMED',

  // Static publication (C2SP tlog-tiles)
  /** A tile or entry-bundle path is not in the canonical tlog-tiles form. */
  TILE_PATH_MALFORMED: 'TILE_PATH_MALFORMED',
  /** Tile or entry-bundle bytes do not hold exactly the expected number of hashes or entries. */
  TILE_MALFORMED: 'TILE_MALFORMED',
  /** A log entry is not in the homeward/log-entry/v1 form (header, kind, base64 commitment). */
  ENTRY_MALFORMED: 'ENTRY_MALFORMED',
  /** An entry is longer than the 65,535 bytes an entry bundle's 16-bit length prefix can carry. */
  ENTRY_TOO_LARGE: 'ENTRY_TOO_LARGE',

  // Canonical JSON (RFC 8785) and signed packages
  /** A value has no canonical JSON form: NaN, Infinity, a lone surrogate, undefined, or a non-plain object. */
  NOT_CANONICALIZABLE: 'NOT_CANONICALIZABLE',
  /** A package is not valid JSON or its envelope does not match the package schema. */
  PACKAGE_MALFORMED: 'PACKAGE_MALFORMED',
  /** A package's bytes are valid JSON but not its canonical (RFC 8785) form, so they may hide a second reading. */
  PACKAGE_NOT_CANONICAL: 'PACKAGE_NOT_CANONICAL',
  /** A package is signed by, or names as sender, a key not pinned for this counterpart. */
  PACKAGE_UNKNOWN_KEY: 'PACKAGE_UNKNOWN_KEY',
  /** A package signature does not verify: the signed header or the signature bytes were altered. */
  PACKAGE_BAD_SIGNATURE: 'PACKAGE_BAD_SIGNATURE',
  /** The payload does not match the digest in the signed header: payload bytes were altered. */
  PACKAGE_PAYLOAD_ALTERED: 'PACKAGE_PAYLOAD_ALTERED',
  /** This node is not among the package's recipients. */
  PACKAGE_WRONG_RECIPIENT: 'PACKAGE_WRONG_RECIPIENT',
  /** The package's sequence number was already accepted from this sender (a resend or a replay). */
  PACKAGE_REPLAYED: 'PACKAGE_REPLAYED',
  /** The package's sequence number skips ahead: at least one earlier package from this sender is missing. */
  PACKAGE_GAP: 'PACKAGE_GAP',
  /** The package's previous-package hash is not the hash of the last package accepted from this sender. */
  PACKAGE_CHAIN_BROKEN: 'PACKAGE_CHAIN_BROKEN',
} as const;

export type LedgerErrorCode = (typeof LedgerErrorCodes)[keyof typeof LedgerErrorCodes];

export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: LedgerErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'LedgerError';
    this.code = code;
    this.details = details;
  }
}

export function isLedgerError(e: unknown): e is LedgerError {
  return e instanceof LedgerError;
}
