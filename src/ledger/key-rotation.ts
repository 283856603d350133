/**
 * Key rotation notes: a node announces its new Ed25519 key in a C2SP signed note signed by the old
 * key AND the new one (the old vouches for the successor, the new proves it is held). Text:
 *
 *     homeward/key-rotation/v1
 *     <origin>
 *     <seq>                       1 for the first rotation, then 2, 3, …
 *     <old verifier key line>
 *     <new verifier key line>
 *     <log size>                  checkpoints up to this size are the old key's, later ones the new key's
 *
 * A verifier that pinned some key follows the chain from it: each note must be signed by the key it
 * holds now and by the note's new key; anything else is refused. Checkpoints verify with the key of
 * their size (`keyForSize`).
 */
import { LedgerError } from './errors.ts';
import { formatVerifierKey, parseVerifierKey } from './keys.ts';
import { type NoteSigner, type NoteVerifier, openNote, SignatureType, signNote } from './note.ts';

export const KEY_ROTATION_HEADER = 'homeward/key-rotation/v1';

export interface KeyRotation {
  origin: string;
  seq: number;
  oldKey: NoteVerifier;
  newKey: NoteVerifier;
  /** The log size at the rotation: checkpoints of size ≤ logSize are signed by the old key. */
  logSize: number;
  note: string;
}

export function rotationText(r: {
  origin: string;
  seq: number;
  oldKey: string;
  newKey: string;
  logSize: number;
}): string {
  return `${KEY_ROTATION_HEADER}\n${r.origin}\n${r.seq}\n${r.oldKey}\n${r.newKey}\n${r.logSize}\n`;
}

/** The rotation note, signed by the old key's signer and the new one's. */
export function signRotation(
  r: { origin: string; seq: number; logSize: number },
  oldSigner: NoteSigner,
  newSigner: NoteSigner,
): string {
  const text = rotationText({
    ...r,
    oldKey: formatVerifierKey(oldSigner),
    newKey: formatVerifierKey(newSigner),
  });
  return signNote(text, [oldSigner, newSigner]);
}

const refused = (why: string) => new LedgerError('KEY_ROTATION_REFUSED', why);

/**
 * Opens a rotation note as the successor of `current`: it must name `current` as its old key, be
 * signed by `current` and by its new key, and have the expected sequence number.
 */
export function openRotation(note: string, current: NoteVerifier, expectedSeq: number): KeyRotation {
  const text = note.slice(0, note.indexOf('\n\n') + 1);
  const lines = text.split('\n');
  if (lines.length !== 7 || lines[0] !== KEY_ROTATION_HEADER) throw refused('not a key rotation note');
  const [, origin, seqText, oldText, newText, sizeText] = lines as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!/^[1-9][0-9]{0,8}$/.test(seqText) || Number(seqText) !== expectedSeq)
    throw refused(`expected rotation ${expectedSeq}, the note is rotation ${seqText}`);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText)) throw refused('bad log size in the rotation note');
  if (oldText !== formatVerifierKey(current))
    throw refused('the rotation note does not start from the key held now (not signed by the pinned key)');
  let newKey: NoteVerifier;
  try {
    newKey = parseVerifierKey(newText);
  } catch {
    throw refused('the new key in the rotation note is not a verifier key');
  }
  if (newKey.type !== SignatureType.ed25519) throw refused('the new key must be an Ed25519 key');
  if (newKey.name !== current.name) throw refused('the new key must keep the node name');
  if (formatVerifierKey(newKey) === oldText) throw refused('the new key is the old key');
  let opened: ReturnType<typeof openNote>;
  try {
    opened = openNote(note, [current, newKey]);
  } catch (e) {
    throw refused(
      `the rotation note's signatures do not verify (${(e as LedgerError).code ?? 'unreadable'})`,
    );
  }
  const signedBy = new Set(opened.verified.map((v) => v.verifier));
  if (!signedBy.has(current)) throw refused('the rotation note is not signed by the key held now');
  if (!signedBy.has(newKey)) throw refused('the rotation note is not signed by its new key');
  return { origin, seq: expectedSeq, oldKey: current, newKey, logSize: Number(sizeText), note };
}

export interface KeyChain {
  /** Keys in order, the first the pinned one, the last the current one. */
  keys: NoteVerifier[];
  rotations: KeyRotation[];
}

/**
 * Follows `notes` (in order, all the node's rotations) from `pinned`: notes before the pinned key
 * are skipped (a verifier may have pinned a later key); from there each must verify. Throws
 * KEY_ROTATION_REFUSED for a note that does not continue the chain.
 */
export function followKeyChain(pinned: NoteVerifier, notes: readonly string[]): KeyChain {
  const pinnedLine = formatVerifierKey(pinned);
  // Where the pinned key enters the chain: as the original key, or as the new key of a rotation.
  let start = 0;
  for (let i = 0; i < notes.length; i++) {
    const lines = notes[i]!.split('\n');
    if (lines[4] === pinnedLine) start = i + 1;
  }
  const keys = [pinned];
  const rotations: KeyRotation[] = [];
  for (let i = start; i < notes.length; i++) {
    const r = openRotation(notes[i]!, keys[keys.length - 1]!, i + 1);
    if (rotations.length > 0 && r.logSize < rotations[rotations.length - 1]!.logSize)
      throw refused('rotation notes go back in the log');
    rotations.push(r);
    keys.push(r.newKey);
  }
  return { keys, rotations };
}

/** The key that signs checkpoints of `size` under the chain (the pinned key before any rotation it follows). */
export function keyForSize(chain: KeyChain, size: number): NoteVerifier {
  let key = chain.keys[0]!;
  for (const r of chain.rotations) if (size > r.logSize) key = r.newKey;
  return key;
}
