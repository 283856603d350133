/**
 * RFC 8785 canonical JSON for the ledger: src/lib/jcs.ts (pure, shared with the domain and the
 * browser), with its refusals as the ledger's `LedgerError` `NOT_CANONICALIZABLE`, which the HTTP and
 * CLI edges map like every ledger code.
 */
import type { JsonValue } from '../lib/jcs.ts';
import * as jcs from '../lib/jcs.ts';
import { LedgerError } from './errors.ts';

export type { JsonValue } from '../lib/jcs.ts';

function asLedgerError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof jcs.CanonicalJsonError) throw new LedgerError('NOT_CANONICALIZABLE', e.message);
    throw e;
  }
}

/**
 * `value` as the JSON it encodes (what JSON.stringify writes, read back): a domain object typed as a
 * JsonValue without a cast. A value with no JSON form throws.
 */
export function toJsonValue(value: unknown): JsonValue {
  const text = JSON.stringify(value);
  if (text === undefined) throw new LedgerError('NOT_CANONICALIZABLE', `${typeof value} has no JSON form`);
  return JSON.parse(text);
}

export function canonicalize(value: unknown): string {
  return asLedgerError(() => jcs.canonicalize(value));
}

export function canonicalBytes(value: unknown): Uint8Array {
  return asLedgerError(() => jcs.canonicalBytes(value));
}

/** JCS §3.2.2.3: a number as ECMAScript's Number::toString writes it (see src/lib/jcs.ts). */
export function serializeNumber(value: number): string {
  return asLedgerError(() => jcs.serializeNumber(value));
}
