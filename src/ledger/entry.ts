/**
 * What a Homeward log entry holds: a kind and a 32-byte commitment, as three text lines,
 *
 *   homeward/log-entry/v1
 *   <kind>
 *   <base64 SHA-256 commitment>
 *
 * so that entry bundles published as tlog-tiles are readable with nothing but a hex dump, and carry no
 * personal data: a commitment reveals nothing about what it commits to, yet anyone holding the
 * original (a package file, a scanned list, a status event) can show it is in the log.
 */
import { fromBase64, toBase64, utf8 } from './bytes.ts';
import { LedgerError } from './errors.ts';
import { HASH_SIZE } from './merkle.ts';

export const LOG_ENTRY_HEADER = 'homeward/log-entry/v1';

/** Kinds name what was committed: `package.sent`, `package.accepted`, `notarized`, `status-event`, … */
export const LOG_ENTRY_KIND_RE = /^[a-z][a-z0-9.-]{0,63}$/;

export interface LogEntry {
  kind: string;
  commitment: Uint8Array;
}

export function encodeLogEntry(entry: LogEntry): Uint8Array {
  if (!LOG_ENTRY_KIND_RE.test(entry.kind))
    throw new LedgerError('ENTRY_MALFORMED', `bad entry kind: ${JSON.stringify(entry.kind)}`);
  if (entry.commitment.length !== HASH_SIZE)
    throw new LedgerError('HASH_LENGTH', `a commitment is ${HASH_SIZE} bytes`);
  return utf8(`${LOG_ENTRY_HEADER}\n${entry.kind}\n${toBase64(entry.commitment)}\n`);
}

export function decodeLogEntry(bytes: Uint8Array): LogEntry {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const m = /^homeward\/log-entry\/v1\n([a-z][a-z0-9.-]{0,63})\n([A-Za-z0-9+/]{43}=)\n$/.exec(text);
  const commitment = m ? fromBase64(m[2]!) : undefined;
  if (!m || !commitment || commitment.length !== HASH_SIZE)
    throw new LedgerError('ENTRY_MALFORMED', 'not a homeward/log-entry/v1 entry');
  return { kind: m[1]!, commitment };
}
