// The served OpenAPI document (GET /api/openapi.json): what @fastify/swagger builds from the routes'
// Zod schemas, plus what a third-party tool needs to accept it (`redocly lint`, recommended rules;
// the check runs in src/http/openapi.int.test.ts): every operation's security from its
// `config.access`, `servers`, a named parameter for wildcard paths, and the error answer.
import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import type { RouteOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { permissionsOfAccess, SESSION_COOKIE } from './auth.ts';
import { FILE_TYPES } from './spool.ts';

/** The security schemes every non-public operation accepts (src/http/auth.ts authenticate). */
export const securitySchemes = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'Browser session from POST /api/session. Mutations must also send the csrf header.',
  },
  csrf: {
    type: 'apiKey',
    in: 'header',
    name: 'x-csrf-token',
    description:
      'The csrfToken of the session, echoed on every POST, PUT, PATCH and DELETE of a cookie session.',
  },
  token: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (hw_…) from POST /api/tokens, for scripts; needs no CSRF header.',
  },
} as const;

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Names of the path parameters that Fastify's `*` wildcard stands for, by route. */
const wildcardNames: Record<string, { name: string; description: string }> = {
  '/log/tile/*': {
    name: 'tilePath',
    description:
      'the rest of the tile path after tile/: <L>/<N>[.p/<W>] or entries/<N>[.p/<W>] (contains slashes)',
  },
  '/log/witness/latest/*': { name: 'origin', description: "the log's origin, percent-encoded" },
};

/** Routes whose body is a file, streamed raw (src/http/spool.ts); Fastify validates no body schema. */
const fileUploads = new Set(['/api/imports/persons', '/api/exchanges/:id/lists/import']);

type Security = Record<string, string[]>[];

/** Who may call a route, as OpenAPI security requirements: none for public routes. */
export function securityOf(route: Pick<RouteOptions, 'method' | 'url' | 'config'>): Security {
  const access = route.config?.access;
  if (!access || access === 'public') return [];
  const methods = [route.method].flat();
  const mutating = methods.some((m) => MUTATING.has(m)) && route.url !== '/api/session';
  return [mutating ? { session: [], csrf: [] } : { session: [] }, { token: [] }];
}

/** Per route: the Zod schemas as JSON Schema, then security, access and wildcard parameters. */
export const openApiTransform: SwaggerTransform = (args) => {
  const { schema, url } = jsonSchemaTransform(args) as { schema: Record<string, unknown>; url: string };
  const { route } = args;
  const access = route.config?.access;
  const out: Record<string, unknown> = { ...schema, security: securityOf(route) };
  if (access)
    out['x-homeward-access'] =
      access === 'public' || access === 'signed-in' ? access : [...permissionsOfAccess(access)];
  if (fileUploads.has(route.url)) {
    out.body = { type: 'string', format: 'binary', description: 'the file: CSV or XLSX' };
    out.consumes = FILE_TYPES;
  }
  const wildcard = wildcardNames[route.url];
  if (!wildcard) return { schema: out, url };
  const params = schema.params as { properties?: Record<string, unknown> } | undefined;
  const given = params?.properties?.['*'] as Record<string, unknown> | undefined;
  out.params = {
    type: 'object',
    properties: { [wildcard.name]: { type: 'string', ...given, description: wildcard.description } },
    required: [wildcard.name],
  };
  return { schema: out, url: url.replace('*', `:${wildcard.name}`) };
};

const errorResponse = {
  description: 'An error: {"error":{"code","message","details"}}; the code says what went wrong.',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              details: {
                type: 'object',
                description: 'What the code needs said: field issues, rejected rows, limits.',
                additionalProperties: true,
                properties: {
                  issues: {
                    type: 'array',
                    description: 'VALIDATION_FAILED: each invalid field of the request',
                    items: {
                      type: 'object',
                      properties: { path: { type: 'string' }, message: { type: 'string' } },
                      required: ['path', 'message'],
                    },
                  },
                  rows: {
                    type: 'array',
                    description: 'IMPORT_REJECTED: every bad row of the file (src/io/row-error.ts)',
                    items: {
                      type: 'object',
                      properties: {
                        line: {
                          type: 'integer',
                          description: '1-based line or spreadsheet row; 0: the whole file',
                        },
                        column: { type: 'string', nullable: true },
                        code: { type: 'string' },
                        message: { type: 'string' },
                        params: {
                          type: 'object',
                          description:
                            "parameters of the code's translated message (catalogue msg.row.<code>)",
                          additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
                        },
                        position: { type: 'integer', description: 'character position within the line' },
                      },
                      required: ['line', 'column', 'code', 'message'],
                    },
                  },
                },
              },
            },
            required: ['code', 'message'],
          },
        },
        required: ['error'],
      },
    },
  },
};

interface OpenApiObject {
  paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  components?: Record<string, unknown>;
}

/**
 * OpenAPI 3.0 needs a `type` beside `nullable`; a nullable union of objects (a Zod discriminated union
 * `.nullable()`) comes without one. It gets the type its members share.
 */
function typeNullableUnions(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) typeNullableUnions(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  const members = (schema.oneOf ?? schema.anyOf) as { type?: unknown }[] | undefined;
  if (schema.nullable === true && schema.type === undefined && Array.isArray(members)) {
    const types = new Set(members.map((m) => m.type));
    const [only] = types;
    if (types.size === 1 && typeof only === 'string') schema.type = only;
  }
  for (const value of Object.values(schema)) typeNullableUnions(value);
}

/**
 * Whole document: nullable unions typed, and the error answer as a shared response referenced by
 * every operation that documents no 4xx of its own.
 */
export const openApiTransformObject: SwaggerTransformObject = (documentObject) => {
  if (!('openapiObject' in documentObject)) return documentObject.swaggerObject;
  const doc = documentObject.openapiObject as OpenApiObject;
  typeNullableUnions(doc.paths);
  doc.components = { ...doc.components, responses: { Error: errorResponse } };
  for (const item of Object.values(doc.paths ?? {}))
    for (const operation of Object.values(item)) {
      operation.responses ??= {};
      const responses = operation.responses;
      if (!Object.keys(responses).some((s) => s.startsWith('4')))
        responses['4XX'] = { $ref: '#/components/responses/Error' };
    }
  return documentObject.openapiObject;
};
