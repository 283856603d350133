/**
 * Witness cosignatures, c2sp.org/tlog-cosignature `cosignature/v1`: a note signature of type 0x04 whose
 * bytes are a big-endian u64 timestamp followed by an Ed25519 signature over
 * "cosignature/v1\ntime <timestamp>\n" ‖ checkpoint text.
 */
import { concatBytes, readUint64BE, uint64BE, utf8 } from './bytes.ts';
import {
  ED25519_SIGNATURE_SIZE,
  ed25519FromSeed,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
} from './ed25519.ts';
import { LedgerError } from './errors.ts';
import { assertEd25519Key, computeKeyId, type NoteSigner, type NoteVerifier, SignatureType } from './note.ts';

const TIMESTAMP_SIZE = 8;
export const COSIGNATURE_SIZE = TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE;

/** The exact bytes a cosigner signs: header line, timestamp line, then the whole checkpoint text. */
export function cosignatureMessage(checkpointText: Uint8Array, timestamp: number): Uint8Array {
  return concatBytes(utf8(`cosignature/v1\ntime ${timestamp}\n`), checkpointText);
}

/**
 * The POSIX timestamp in a cosignature's bytes (after the 4-byte key id). The spec allows up to 2^63-1;
 * we refuse what a double cannot hold exactly (beyond 2^53 seconds, some 285 million years away).
 */
export function cosignatureTimestamp(signature: Uint8Array): number {
  if (signature.length !== COSIGNATURE_SIZE) {
    throw new LedgerError(
      'COSIGNATURE_MALFORMED',
      `a cosignature is ${COSIGNATURE_SIZE} bytes, not ${signature.length}`,
    );
  }
  const timestamp = readUint64BE(signature);
  if (timestamp === undefined)
    throw new LedgerError('COSIGNATURE_MALFORMED', 'cosignature timestamp beyond 2^53');
  return timestamp;
}

export function cosignatureVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  assertEd25519Key(name, publicKey);
  const key = ed25519PublicKey(publicKey);
  return {
    name,
    keyId: computeKeyId(name, SignatureType.cosignatureV1, publicKey),
    type: SignatureType.cosignatureV1,
    publicKey,
    verify(text, signature) {
      if (signature.length !== COSIGNATURE_SIZE) return false;
      const timestamp = readUint64BE(signature);
      if (timestamp === undefined) return false;
      return ed25519Verify(key, cosignatureMessage(text, timestamp), signature.subarray(TIMESTAMP_SIZE));
    },
  };
}

/** A witness's signer; `now` gives the POSIX time in seconds to stamp (the clock is passed in, not global). */
export function cosignatureSigner(
  name: string,
  seed: Uint8Array,
  now: () => number = () => Math.floor(Date.now() / 1000),
): NoteSigner {
  const { privateKey, publicKey } = ed25519FromSeed(seed);
  return cosignatureSignerOf(name, publicKey, (message) => ed25519Sign(privateKey, message), now);
}

/** A witness's signer over any Ed25519 signing function (a key store's `sign`). */
export function cosignatureSignerOf(
  name: string,
  publicKey: Uint8Array,
  sign: (message: Uint8Array) => Uint8Array,
  now: () => number = () => Math.floor(Date.now() / 1000),
): NoteSigner {
  assertEd25519Key(name, publicKey);
  return {
    name,
    keyId: computeKeyId(name, SignatureType.cosignatureV1, publicKey),
    type: SignatureType.cosignatureV1,
    publicKey,
    sign(text) {
      const timestamp = now();
      return concatBytes(uint64BE(timestamp), sign(cosignatureMessage(text, timestamp)));
    },
  };
}
