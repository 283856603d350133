/**
 * Checkpoints (c2sp.org/tlog-checkpoint@v1): a signed note whose text is the log's origin, the tree size
 * in decimal and the base64 root hash, then optional extension lines. Witness cosignatures ride in the
 * same note as extra signature lines.
 */
import { fromBase64, parseDecimal, toBase64 } from './bytes.ts';
import { LedgerError } from './errors.ts';
import { HASH_SIZE, MAX_TREE_SIZE } from './merkle.ts';
import {
  type NoteOptions,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  openNote,
  signNote,
  type VerifiedSignature,
} from './note.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  /** Opaque extension lines; the spec discourages them, as monitors cannot audit them. */
  extensions: string[];
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, extensions } = checkpoint;
  if (origin === '' || origin.includes('\n')) throw malformed('origin must be one non-empty line');
  if (!Number.isInteger(size) || size < 0 || size > MAX_TREE_SIZE) throw malformed('size out of range');
  if (root.length !== HASH_SIZE) throw malformed('root hash must be 32 bytes');
  if (extensions.some((line) => line === '' || line.includes('\n'))) throw malformed('empty extension line');
  return [origin, String(size), toBase64(root), ...extensions].map((line) => `${line}\n`).join('');
}

/** Parses checkpoint text (a note's text, without signatures). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('text must end in a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (origin === undefined || sizeLine === undefined || rootLine === undefined)
    throw malformed('fewer than 3 lines');
  if (origin === '') throw malformed('empty origin');
  const size = parseDecimal(sizeLine, MAX_TREE_SIZE);
  if (size === undefined) throw malformed('size is not a decimal without leading zeros, up to 2^53');
  const root = fromBase64(rootLine);
  if (!root || root.length !== HASH_SIZE) throw malformed('root is not the base64 of 32 bytes');
  if (extensions.some((line) => line === '')) throw malformed('empty extension line');
  return { origin, size, root, extensions };
}

export function signCheckpoint(
  checkpoint: Checkpoint,
  signers: readonly NoteSigner[],
  existing: readonly NoteSignature[] = [],
): string {
  return signNote(formatCheckpoint(checkpoint), signers, existing);
}

export interface CheckpointTrust extends NoteOptions {
  /** The origin we expect: a checkpoint from another log is refused even if a trusted key signed it. */
  origin: string;
  /** The log's own keys; at least one must have signed. */
  logKeys: readonly NoteVerifier[];
  /** Witness keys whose cosignatures are checked and reported; other signatures are ignored. */
  witnessKeys?: readonly NoteVerifier[];
}

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  text: string;
  logSignatures: VerifiedSignature[];
  cosignatures: VerifiedSignature[];
}

/**
 * Verifies a signed checkpoint: note format, every signature by a known key, at least one by the log,
 * the origin, then the body. Quorum policy on cosignatures is the caller's.
 */
export function openCheckpoint(note: string | Uint8Array, trust: CheckpointTrust): OpenedCheckpoint {
  const witnessKeys = trust.witnessKeys ?? [];
  const opened = openNote(note, [...new Set([...trust.logKeys, ...witnessKeys])], trust);
  const logSignatures = opened.verified.filter((s) => trust.logKeys.includes(s.verifier));
  const cosignatures = opened.verified.filter((s) => witnessKeys.includes(s.verifier));
  if (logSignatures.length === 0) {
    throw new LedgerError('CHECKPOINT_NOT_SIGNED_BY_LOG', 'no valid signature by the log on this checkpoint');
  }
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== trust.origin) {
    throw new LedgerError(
      'CHECKPOINT_WRONG_ORIGIN',
      `checkpoint is from ${checkpoint.origin}, not ${trust.origin}`,
    );
  }
  return { checkpoint, text: opened.text, logSignatures, cosignatures };
}

function malformed(why: string): LedgerError {
  return new LedgerError('CHECKPOINT_MALFORMED', `malformed checkpoint: ${why}`);
}
