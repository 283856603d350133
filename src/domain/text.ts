/**
 * What text may hold, decided once for every edge (HTTP, import files, CLI input files).
 *
 * - **Control characters** (C0 but tab/LF/CR, DEL, C1) and lone UTF-16 surrogates are refused
 *   everywhere: PostgreSQL cannot store NUL, and the others have no place in a record.
 * - **Tab, LF and CR** only in multi-line free text (notes, marks); never in names, ids, path
 *   parameters or query strings.
 * - **Bidirectional controls and invisible formatting characters** are refused in names: U+202A–202E
 *   (embeddings, overrides), U+2066–2069 (isolates), U+200E/200F and U+061C (marks), U+200B (zero-width
 *   space), U+200C/200D (zero-width non-joiner/joiner), U+2060–2064 (word joiner, invisible
 *   operators), U+FEFF (BOM). They make two different names look alike, or one name display as
 *   another. ZWNJ and ZWJ are legitimate in Persian and Indic scripts, but the names this system
 *   holds are Cyrillic and Latin (Ukrainian, Russian, English transliterations), where neither has a
 *   use; refusing is the honest choice. A deployment that registers names in such a script should
 *   allow U+200C/U+200D between two letters of that script, and nowhere else.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: this is the list of refused control characters
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the same list with tab, LF and CR
const CONTROL_OR_LINE = /[\u0000-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

/** True when `s` holds a character no text may hold (control characters but tab/LF/CR, lone surrogates). */
export function hasForbiddenControl(s: string): boolean {
  return CONTROL.test(s) || LONE_SURROGATE.test(s);
}

/** True when `s` is not a single line of plain text: any control character, tab and line breaks included. */
export function hasLineOrControl(s: string): boolean {
  return CONTROL_OR_LINE.test(s) || LONE_SURROGATE.test(s);
}

/** True when `s` may not be (part of) a name: control, line, bidirectional or invisible characters. */
export function isUnsafeName(s: string): boolean {
  return hasLineOrControl(s) || INVISIBLE.test(s);
}

/** The message for a name refused by `isUnsafeName` (never quotes the value). */
export const UNSAFE_NAME_MESSAGE =
  'must be a single line of visible text: no control, bidirectional-override or zero-width characters';

/** A key that looks like a field name as schemas spell them (the default of `findBadText`). */
const isPlainFieldName = (key: string) => /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key);

/**
 * The path of the first string (value or object key) in parsed JSON that fails `bad`, or undefined.
 * Array indexes are shown; an object key only when `isField` says it is a field name of the schema
 * (the HTTP edge passes the route schema's names), otherwise `(key)`, never repeated.
 */
export function findBadText(
  value: unknown,
  bad: (s: string) => boolean,
  path: string,
  isField: (key: string) => boolean = isPlainFieldName,
  depth = 0,
): string | undefined {
  if (typeof value === 'string') return bad(value) ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadText(value[i], bad, `${path}.${i}`, isField, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (bad(k)) return `${path}.(key)`;
    const found = findBadText(v, bad, `${path}.${isField(k) ? k : '(key)'}`, isField, depth + 1);
    if (found) return found;
  }
  return undefined;
}
