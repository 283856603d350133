/**
 * Key strings, as Go's sumdb/note writes them: verifier keys `name+hexid+base64(type ‖ public key)` and
 * signer keys `PRIVATE+KEY+name+hexid+base64(type ‖ seed)`. Base64 may itself contain `+`, so a vkey is
 * split on its first two `+` only, an skey on its first four.
 */
import { concatBytes, fromBase64, toBase64 } from './bytes.ts';
import { cosignatureSigner, cosignatureVerifier } from './cosignature.ts';
import { ED25519_SEED_SIZE, ed25519FromSeed, newEd25519Seed } from './ed25519.ts';
import { LedgerError } from './errors.ts';
import {
  computeKeyId,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatKeyId,
  isValidKeyName,
  type NoteSigner,
  type NoteVerifier,
  SignatureType,
} from './note.ts';

type KeyType = (typeof SignatureType)[keyof typeof SignatureType];

export function formatVerifierKey(key: { name: string; type: number; publicKey: Uint8Array }): string {
  const keyId = computeKeyId(key.name, key.type, key.publicKey);
  return `${key.name}+${formatKeyId(keyId)}+${toBase64(concatBytes(new Uint8Array([key.type]), key.publicKey))}`;
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  const [name = '', id = '', material = ''] = splitKey(vkey, 2);
  const { type, bytes } = decodeMaterial(material);
  checkKeyId(name, id, type, bytes);
  if (type === SignatureType.ed25519) return ed25519NoteVerifier(name, bytes);
  return cosignatureVerifier(name, bytes);
}

export interface SignerKeyOptions {
  /** Clock for cosignature/v1 (type 0x04) signers, in POSIX seconds. */
  now?: () => number;
}

export function parseSignerKey(skey: string, options: SignerKeyOptions = {}): NoteSigner {
  const [private_, key, name = '', id = '', material = ''] = splitKey(skey, 4);
  if (private_ !== 'PRIVATE' || key !== 'KEY') throw malformed('a signer key starts with PRIVATE+KEY+');
  const { type, bytes: seed } = decodeMaterial(material);
  if (seed.length !== ED25519_SEED_SIZE) throw malformed('an Ed25519 seed is 32 bytes');
  // The id commits to the public key, which only the seed can tell us.
  checkKeyId(name, id, type, ed25519FromSeed(seed).publicKey);
  if (type === SignatureType.ed25519) return ed25519NoteSigner(name, seed);
  return cosignatureSigner(name, seed, options.now);
}

export function formatSignerKey(name: string, type: KeyType, seed: Uint8Array): string {
  const { publicKey } = ed25519FromSeed(seed);
  const keyId = computeKeyId(name, type, publicKey);
  return `PRIVATE+KEY+${name}+${formatKeyId(keyId)}+${toBase64(concatBytes(new Uint8Array([type]), seed))}`;
}

/** A fresh key pair as strings: keep `skey` secret, publish `vkey`. */
export function generateKeyPair(
  name: string,
  type: KeyType = SignatureType.ed25519,
): { skey: string; vkey: string } {
  if (!isValidKeyName(name)) throw malformed('key names must be non-empty, without spaces or +');
  const seed = newEd25519Seed();
  const { publicKey } = ed25519FromSeed(seed);
  return { skey: formatSignerKey(name, type, seed), vkey: formatVerifierKey({ name, type, publicKey }) };
}

function splitKey(text: string, separators: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < separators; i++) {
    const plus = rest.indexOf('+');
    if (plus < 0) throw malformed('too few + separators');
    parts.push(rest.slice(0, plus));
    rest = rest.slice(plus + 1);
  }
  parts.push(rest);
  return parts;
}

function decodeMaterial(material: string): { type: number; bytes: Uint8Array } {
  const raw = fromBase64(material);
  if (!raw || raw.length < 2) throw malformed('key material is not base64 of type and key');
  const type = raw[0]!;
  if (type !== SignatureType.ed25519 && type !== SignatureType.cosignatureV1) {
    throw new LedgerError(
      'KEY_UNSUPPORTED',
      `unsupported signature type 0x${type.toString(16).padStart(2, '0')}`,
    );
  }
  return { type, bytes: raw.subarray(1) };
}

function checkKeyId(name: string, id: string, type: number, publicKey: Uint8Array): void {
  if (!isValidKeyName(name)) throw malformed('bad key name');
  if (!/^[0-9a-fA-F]{8}$/.test(id)) throw malformed('key id must be 8 hex digits');
  if (Number.parseInt(id, 16) !== computeKeyId(name, type, publicKey)) {
    throw new LedgerError('KEY_ID_MISMATCH', `key id ${id} does not match the key named ${name}`);
  }
}

function malformed(why: string): LedgerError {
  return new LedgerError('KEY_MALFORMED', `malformed key: ${why}`);
}
