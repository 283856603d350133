/**
 * C2SP signed notes (c2sp.org/signed-note): text, a blank line, then lines "— <key name> base64(key id ‖
 * signature)". Verified the way Go's golang.org/x/mod/sumdb/note does, so both accept the same notes.
 */
import {
  bytesEqual,
  concatBytes,
  decodeUtf8,
  fromBase64,
  hasLoneSurrogate,
  readUint32BE,
  toBase64,
  uint32BE,
  utf8,
} from './bytes.ts';
import {
  ED25519_PUBLIC_KEY_SIZE,
  ed25519FromSeed,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
} from './ed25519.ts';
import { LedgerError } from './errors.ts';
import { sha256 } from './merkle.ts';

/** Signature type bytes assigned by the signed-note spec that we implement. */
export const SignatureType = {
  /** Ed25519 over the note text. */
  ed25519: 0x01,
  /** Timestamped Ed25519 witness cosignature, c2sp.org/tlog-cosignature. */
  cosignatureV1: 0x04,
} as const;

/**
 * The spec requires accepting at least 16 signatures and recommends a limit; we take exactly 16, enough
 * for a log, both parties, a mediator and a dozen witnesses, and bounded work for hostile notes.
 */
export const MAX_NOTE_SIGNATURES = 16;

/** A trusted public key, identified in signature lines by its name and 32-bit key id. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Uint8Array;
  /** Checks a signature (without its 4-byte key id) over the note text. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Uint8Array;
  /** Signs the note text; the result excludes the 4-byte key id. */
  sign(text: Uint8Array): Uint8Array;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the key id. */
  signature: Uint8Array;
}

export interface Note {
  /** The note text, ending in a newline, without the blank line before the signatures. */
  text: string;
  signatures: NoteSignature[];
}

export interface VerifiedSignature extends NoteSignature {
  verifier: NoteVerifier;
}

export interface OpenedNote extends Note {
  /** Signatures by known keys, each verified; a repeated signature by the same key is listed once. */
  verified: VerifiedSignature[];
  /** Signatures by keys we do not know, ignored as the spec requires. */
  unknown: NoteSignature[];
}

export interface NoteOptions {
  maxSignatures?: number;
}

const SIGNATURE_PREFIX = '— ';
// Go's unicode.IsSpace is the Unicode White_Space property; key names may not contain any of it.
const WHITE_SPACE = /\p{White_Space}/u;

/** True for any ASCII control character but newline: notes must not carry them. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

export function isValidKeyName(name: string): boolean {
  return name !== '' && !WHITE_SPACE.test(name) && !name.includes('+') && !hasLoneSurrogate(name);
}

/** key id = first 4 bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ type ‖ public key). */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const digest = sha256(concatBytes(utf8(`${name}\n`), new Uint8Array([type]), publicKey));
  return readUint32BE(digest);
}

export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

export function ed25519NoteVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  assertEd25519Key(name, publicKey);
  const key = ed25519PublicKey(publicKey);
  return {
    name,
    keyId: computeKeyId(name, SignatureType.ed25519, publicKey),
    type: SignatureType.ed25519,
    publicKey,
    verify: (text, signature) => ed25519Verify(key, text, signature),
  };
}

export function ed25519NoteSigner(name: string, seed: Uint8Array): NoteSigner {
  const { privateKey, publicKey } = ed25519FromSeed(seed);
  assertEd25519Key(name, publicKey);
  return {
    name,
    keyId: computeKeyId(name, SignatureType.ed25519, publicKey),
    type: SignatureType.ed25519,
    publicKey,
    sign: (text) => ed25519Sign(privateKey, text),
  };
}

/** Throws KEY_MALFORMED unless the name is a valid key name and the key a 32-byte Ed25519 public key. */
export function assertEd25519Key(name: string, publicKey: Uint8Array): void {
  if (!isValidKeyName(name))
    throw new LedgerError('KEY_MALFORMED', 'key names must be non-empty, without spaces or +');
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE)
    throw new LedgerError('KEY_MALFORMED', 'not a 32-byte Ed25519 key');
}

/** Splits a signed note into text and signature lines, checking the format but no signature. */
export function parseNote(message: string | Uint8Array, options: NoteOptions = {}): Note {
  const maxSignatures = options.maxSignatures ?? MAX_NOTE_SIGNATURES;
  const msg = typeof message === 'string' ? message : decodeUtf8(message);
  if (msg === undefined || hasLoneSurrogate(msg)) throw malformed('not valid UTF-8');
  if (hasControlCharacter(msg)) throw malformed('control character other than newline');

  // The text ends at the last blank line; it may itself contain blank lines.
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = msg.slice(0, split + 1);
  const block = msg.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed('signature block must end in a newline');

  const lines = block.slice(0, -1).split('\n');
  if (lines.length > maxSignatures) {
    throw new LedgerError(
      'NOTE_TOO_MANY_SIGNATURES',
      `note has ${lines.length} signatures, limit ${maxSignatures}`,
    );
  }
  const signatures = lines.map((line) => {
    if (!line.startsWith(SIGNATURE_PREFIX))
      throw malformed('signature line must start with an em dash and space');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const bytes = space < 0 ? undefined : fromBase64(rest.slice(space + 1));
    if (!isValidKeyName(name) || !bytes || bytes.length < 5) throw malformed('bad signature line');
    return { name, keyId: readUint32BE(bytes), signature: bytes.subarray(4) };
  });
  return { text, signatures };
}

/**
 * Parses a note and verifies every signature by a known key. Unknown keys are ignored; a known key whose
 * signature fails rejects the whole note (the spec's SHOULD, and Go's behaviour), as does a note with no
 * verified signature at all.
 */
export function openNote(
  message: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: NoteOptions = {},
): OpenedNote {
  const note = parseNote(message, options);
  const text = utf8(note.text);
  const verified: VerifiedSignature[] = [];
  const unknown: NoteSignature[] = [];
  for (const sig of note.signatures) {
    const matches = verifiers.filter((v) => v.name === sig.name && v.keyId === sig.keyId);
    if (matches.length > 1) {
      throw new LedgerError(
        'KEY_AMBIGUOUS',
        `two trusted keys are named ${sig.name}+${formatKeyId(sig.keyId)}`,
      );
    }
    const verifier = matches[0];
    if (!verifier) {
      if (!unknown.some((u) => sameSignature(u, sig))) unknown.push(sig);
      continue;
    }
    // Like Go, a second signature by the same key is dropped unread.
    if (verified.some((v) => v.verifier === verifier)) continue;
    if (!verifier.verify(text, sig.signature)) {
      throw new LedgerError(
        'NOTE_BAD_SIGNATURE',
        `signature by ${sig.name}+${formatKeyId(sig.keyId)} does not verify`,
        {
          name: sig.name,
          keyId: formatKeyId(sig.keyId),
        },
      );
    }
    verified.push({ ...sig, verifier });
  }
  if (verified.length === 0) throw new LedgerError('NOTE_UNVERIFIED', 'no signature by a known key');
  return { ...note, verified, unknown };
}

function sameSignature(a: NoteSignature, b: NoteSignature): boolean {
  return a.name === b.name && a.keyId === b.keyId && bytesEqual(a.signature, b.signature);
}

/** Writes a note: its text, a blank line, then one line per signature. */
export function formatNote(note: Note): string {
  checkText(note.text);
  let out = `${note.text}\n`;
  for (const sig of note.signatures) {
    if (!isValidKeyName(sig.name)) throw malformed('bad key name');
    out += `${SIGNATURE_PREFIX}${sig.name} ${toBase64(concatBytes(uint32BE(sig.keyId), sig.signature))}\n`;
  }
  return out;
}

/**
 * Signs a note text with each signer. Existing signatures (say, a checkpoint being cosigned) come first,
 * except those by a key that signs again now.
 */
export function signNote(
  text: string,
  signers: readonly NoteSigner[],
  existing: readonly NoteSignature[] = [],
): string {
  checkText(text);
  const bytes = utf8(text);
  const fresh = signers.map((s) => ({ name: s.name, keyId: s.keyId, signature: s.sign(bytes) }));
  const kept = existing.filter((e) => !fresh.some((f) => f.name === e.name && f.keyId === e.keyId));
  return formatNote({ text, signatures: [...kept, ...fresh] });
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw malformed('note text must end in a newline');
  if (hasControlCharacter(text) || hasLoneSurrogate(text))
    throw malformed('control character or invalid text');
}

function malformed(why: string): LedgerError {
  return new LedgerError('NOTE_MALFORMED', `malformed note: ${why}`);
}
