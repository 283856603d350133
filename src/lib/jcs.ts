/**
 * RFC 8785 JSON Canonicalization Scheme: one byte string per JSON value, so that signatures and hashes
 * over JSON agree between implementations. Objects sorted by UTF-16 code units, no whitespace, minimal
 * string escapes, numbers in ECMAScript's shortest round-trip form, UTF-8 output. Pure (no Node
 * built-ins): the domain and the browser use it too; the ledger through src/ledger/jcs.ts.
 */

/**
 * A value with no RFC 8785 form (a function, a non-finite number, a lone surrogate, …). src/ledger/jcs.ts
 * turns it into the ledger's `NOT_CANONICALIZABLE` refusal.
 */
export class CanonicalJsonError extends Error {
  readonly code = 'NOT_CANONICALIZABLE';
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalJsonError';
  }
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalize(value: unknown): string {
  const path: string[] = [];
  return serialize(value, path);
}

export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}

/** `path` is where `value` sits (a stack kept by the caller), named only in a refusal. */
function serialize(value: unknown, path: string[]): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return serializeNumber(value);
  if (typeof value === 'string') return serializeString(value);
  if (Array.isArray(value)) {
    // Index loop, not map: map skips holes, which have no JSON form and must be refused.
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      path.push(String(i));
      out += (i ? ',' : '') + serialize(value[i], path);
      path.pop();
    }
    return `${out}]`;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const record = value as Record<string, unknown>;
    // JCS §3.2.3: sort by UTF-16 code units, which is exactly how JavaScript compares strings.
    const keys = Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      path.push(k);
      out += `${i ? ',' : ''}${serializeString(k)}:${serialize(record[k], path)}`;
      path.pop();
    }
    return `${out}}`;
  }
  throw notCanonicalizable(`${typeof value} has no JSON form`, path);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * JCS §3.2.2.3 defines numbers as ECMAScript's Number::toString. The engine's toExponential() gives the
 * shortest digits that round-trip (the same digits toString picks); the layout rules below are the
 * spec's steps, written out so the format is explicit and testable (see src/ledger/jcs.test.ts).
 */
export function serializeNumber(value: number): string {
  if (!Number.isFinite(value)) throw notCanonicalizable(`${value} is not a JSON number`, []);
  if (value === 0) return '0'; // also -0
  // Integers below 2^53 are their decimal digits (what the steps below give): the common case, quickly.
  if (Number.isSafeInteger(value)) return String(value);
  if (value < 0) return `-${serializeNumber(-value)}`;
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const k = digits.length;
  // n: where the decimal point falls relative to the digits (value = 0.digits × 10^n).
  const n = Number(exponent) + 1;
  if (k <= n && n <= 21) return digits + '0'.repeat(n - k);
  if (0 < n && n <= 21) return `${digits.slice(0, n)}.${digits.slice(n)}`;
  if (-6 < n && n <= 0) return `0.${'0'.repeat(-n)}${digits}`;
  const e = n - 1;
  const sign = e < 0 ? '-' : '+';
  const head = k === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${head}e${sign}${Math.abs(e)}`;
}

const SHORT_ESCAPES: Record<number, string> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
  34: '\\"',
  92: '\\\\',
};

/** What JCS §3.2.2.2 escapes: ", \\ and controls; and surrogates, which must come in pairs. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls JCS escapes
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JCS §3.2.2.2: escape only ", \ and controls; everything else, U+2028 included, is written as is. */
function serializeString(text: string): string {
  if (!NEEDS_CARE.test(text)) return `"${text}"`;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        throw notCanonicalizable('lone surrogate: the string is not valid Unicode', []);
      }
      out += text[i]! + text[i + 1]!;
      i += 1;
    } else if (SHORT_ESCAPES[c] !== undefined) {
      out += SHORT_ESCAPES[c];
    } else if (c < 0x20) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else {
      out += text[i];
    }
  }
  return `${out}"`;
}

function notCanonicalizable(why: string, path: string[]): CanonicalJsonError {
  const where = path.length ? ` at ${path.join('.')}` : '';
  return new CanonicalJsonError(`cannot canonicalize${where}: ${why}`);
}
