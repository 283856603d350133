/**
 * SHA-256 for the domain's content hashes (src/domain/exchange/common.ts): the same code on the
 * server and in the browser, so no Node built-in. It is @noble/hashes (audited, pure JavaScript), not
 * a hand-written digest; sha256.test.ts checks it against node:crypto and the FIPS examples. The
 * ledger keeps node:crypto (src/ledger/merkle.ts) for its bulk hashing.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** The 32-byte SHA-256 digest of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/** Bytes as lowercase hex. */
export function hex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}
