/**
 * Validation issues as an error may show them, at the HTTP edge and in the use cases alike: the only
 * object keys named are the field names the schema spells. Anything else in a path (a record's key, an
 * unknown field) is a word the client chose and is shown as `(key)`, so that no error repeats what was
 * sent.
 */
import { z } from 'zod';

const cache = new WeakMap<object, ReadonlySet<string>>();
const NONE: ReadonlySet<string> = new Set();

/** Every property name declared anywhere in `schema` (a Zod schema, or a JSON schema as is). */
export function fieldNamesOf(schema: unknown): ReadonlySet<string> {
  if (!schema || typeof schema !== 'object') return NONE;
  const known = cache.get(schema);
  if (known) return known;
  let json: unknown = schema;
  if (schema instanceof z.ZodType) {
    try {
      json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    } catch {
      json = undefined;
    }
  }
  const names = new Set<string>();
  const walk = (node: unknown, depth: number) => {
    if (!node || typeof node !== 'object' || depth > 64) return;
    if (Array.isArray(node)) {
      for (const x of node) walk(x, depth + 1);
      return;
    }
    const properties = (node as { properties?: unknown }).properties;
    if (properties && typeof properties === 'object' && !Array.isArray(properties))
      for (const k of Object.keys(properties)) names.add(k);
    for (const x of Object.values(node)) walk(x, depth + 1);
  };
  walk(json, 0);
  cache.set(schema, names);
  return names;
}

/**
 * The path of a validation issue as shown: `segments` walk `data` (what the client sent); an index
 * into an array is shown, an object key only when the schema names it.
 */
export function shownPath(
  part: string,
  segments: readonly string[],
  data: unknown,
  names: ReadonlySet<string>,
): string {
  const out = [part];
  let at: unknown = data;
  for (const s of segments) {
    const index = Array.isArray(at) && /^\d{1,9}$/.test(s);
    out.push(index || names.has(s) ? s : '(key)');
    at =
      at && typeof at === 'object' && Object.hasOwn(at, s) ? (at as Record<string, unknown>)[s] : undefined;
  }
  return out.join('.');
}

/** A Zod issue as an error may show it: its path as `shownPath` does, its message never quoting a key. */
export function shownIssue(
  schema: unknown,
  issue: { path: readonly PropertyKey[]; code: string; message: string },
): { path: string; message: string } {
  const names = fieldNamesOf(schema);
  const path = issue.path
    .map((k) => (typeof k === 'number' ? String(k) : typeof k === 'string' && names.has(k) ? k : '(key)'))
    .join('.');
  return { path, message: shownMessage(issue.code, issue.message) };
}

/**
 * The message of a Zod issue of kind `code`. Zod's messages name types, limits and the schema's own
 * options, never the value received, except for unknown keys ("Unrecognized key: …"), replaced here.
 */
export function shownMessage(code: string, message: string | undefined): string {
  if (code === 'unrecognized_keys') return 'unknown field';
  if (code === 'invalid_key') return 'invalid key';
  return message ?? 'invalid';
}
