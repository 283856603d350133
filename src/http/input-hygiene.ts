/**
 * Text hygiene at the HTTP edge, once for every route: control characters are refused with 422
 * before any use case (or PostgreSQL, which cannot store NUL) sees them. What may hold what is
 * decided in src/domain/text.ts; names refuse more, in their own schema.
 *
 * - Path parameters and query strings: a single line (no control characters, tab and line breaks
 *   included).
 * - Bodies and request headers: no control characters but tab, LF and CR (multi-line notes).
 *
 * Checked on what the route's schema made of the input, and on the raw input where a route has no
 * schema for a part. The error names the field (only as the schema spells it: a record's keys are
 * the client's words and shown as `(key)`), never the value.
 */
import type {
  FastifyReply,
  FastifyRequest,
  FastifySchemaCompiler,
  FastifySchemaValidationError,
} from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { DomainError, ErrorCodes } from '../domain/errors.ts';
import { fieldNamesOf } from '../domain/field-names.ts';
import { findBadText, hasForbiddenControl, hasLineOrControl } from '../domain/text.ts';

type Part = 'body' | 'querystring' | 'params' | 'headers';

const checkOf = (part: string) =>
  part === 'params' || part === 'querystring' ? hasLineOrControl : hasForbiddenControl;

const refusal = (path: string) =>
  new DomainError(ErrorCodes.VALIDATION_FAILED, 'the request is not valid', {
    issues: [{ path, message: 'contains control characters (or a line break where one line is expected)' }],
  });

/** The Zod validator compiler, followed by the control-character check of what it produced. */
export const hygienicValidatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const validate = validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
  const part = route.httpPart ?? 'body';
  const bad = checkOf(part);
  const names = fieldNamesOf(route.schema);
  const isField = (key: string) => names.has(key);
  return (data: unknown) => {
    const result = validate(data) as { value?: unknown; error?: Error | FastifySchemaValidationError[] };
    if (result.error) return result;
    const found = findBadText(result.value, bad, part, isField);
    return found ? { error: refusal(found) } : result;
  };
};

const PARTS: [Part, (req: FastifyRequest) => unknown][] = [
  ['params', (req) => req.params],
  ['querystring', (req) => req.query],
  ['body', (req) => req.body],
];

/**
 * onRequest: request headers may carry no control characters (Node's HTTP parser refuses most on a
 * real socket; this holds for every way a request arrives). Runs before authentication reads them.
 */
export async function refuseControlInHeaders(req: FastifyRequest, _reply: FastifyReply) {
  for (const [name, value] of Object.entries(req.headers)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'string' && hasForbiddenControl(v)))
      throw refusal(KNOWN_HEADERS.has(name) ? `headers.${name}` : 'headers');
  }
}

/** Headers the node reads, named in a refusal; any other header name is the client's own word. */
const KNOWN_HEADERS = new Set([
  'authorization',
  'cookie',
  'x-csrf-token',
  'content-type',
  'content-length',
  'accept',
  'host',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-proto',
]);

/** preValidation: the parts a route has no schema for are checked raw. */
export async function refuseControlInUnvalidatedParts(req: FastifyRequest, _reply: FastifyReply) {
  const schema = (req.routeOptions.schema ?? {}) as Partial<Record<Part, unknown>>;
  for (const [part, get] of PARTS) {
    if (schema[part]) continue;
    // No schema names its fields: say which part, never a key the client chose.
    if (findBadText(get(req), checkOf(part), part)) throw refusal(part);
  }
}
