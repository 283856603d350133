import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { type ErrorCode, isDomainError } from '../domain/errors.ts';
import { fieldNamesOf, shownMessage, shownPath } from '../domain/field-names.ts';
import { isLedgerError, type LedgerErrorCode } from '../ledger/errors.ts';

/** The only place that knows HTTP status codes for domain errors. */
export const statusOf: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 422,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  THROTTLED: 429,
  FORBIDDEN_TRANSITION: 422,
  INSUFFICIENT_SOURCE: 422,
  CONFLICT: 409,
  DUPLICATE: 409,
  IMPORT_REJECTED: 422,
  PAYLOAD_TOO_LARGE: 413,
  DATA_DIR_LOCKED: 503,
  CSRF_FAILED: 403,
  ACCOUNT_DISABLED: 403,
  NOT_WHITELISTED: 422,
  KEY_NOT_PINNED_FOR_AGREEMENT: 403,
  // The server's data failed a check: unavailable until an operator audits and restores it.
  INTEGRITY_ERROR: 503,
};

/** HTTP statuses for ledger errors: malformed input 400, failed verification 422, never 500. */
export const ledgerStatusOf: Record<LedgerErrorCode, number> = {
  OUT_OF_RANGE: 400,
  HASH_LENGTH: 400,
  PROOF_LENGTH: 422,
  ROOT_MISMATCH: 422,
  CONSISTENCY_FROM_EMPTY: 400,
  KEY_MALFORMED: 400,
  KEY_ID_MISMATCH: 400,
  KEY_UNSUPPORTED: 400,
  KEY_AMBIGUOUS: 409,
  NOTE_MALFORMED: 400,
  NOTE_TOO_MANY_SIGNATURES: 400,
  NOTE_BAD_SIGNATURE: 403,
  NOTE_UNVERIFIED: 403,
  KEY_ROTATION_REFUSED: 422,
  CHECKPOINT_MALFORMED: 400,
  CHECKPOINT_WRONG_ORIGIN: 404,
  CHECKPOINT_NOT_SIGNED_BY_LOG: 403,
  COSIGNATURE_MALFORMED: 400,
  RECEIPT_MALFORMED: 400,
  TILE_PATH_MALFORMED: 400,
  TILE_MALFORMED: 400,
  ENTRY_MALFORMED: 400,
  ENTRY_TOO_LARGE: 413,
  NOT_CANONICALIZABLE: 400,
  PACKAGE_MALFORMED: 400,
  PACKAGE_NOT_CANONICAL: 400,
  PACKAGE_UNKNOWN_KEY: 403,
  PACKAGE_BAD_SIGNATURE: 422,
  PACKAGE_PAYLOAD_ALTERED: 422,
  PACKAGE_WRONG_RECIPIENT: 422,
  PACKAGE_REPLAYED: 409,
  PACKAGE_GAP: 409,
  PACKAGE_CHAIN_BROKEN: 409,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> | undefined };
}

const send = (reply: FastifyReply, status: number, body: ErrorBody) =>
  reply.status(status).type('application/json').send(body);

/**
 * Structured JSON errors. Domain messages are written never to contain personal data; anything
 * else (driver errors, stack traces, parser messages that quote the input) is replaced by a
 * generic message and the request id, and logged only by its type.
 */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (isDomainError(err)) {
    return send(reply, statusOf[err.code], {
      error: { code: err.code, message: err.message, details: err.details },
    });
  }
  if (isLedgerError(err)) {
    return send(reply, ledgerStatusOf[err.code], {
      error: { code: err.code, message: err.message, details: err.details },
    });
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    return send(reply, 422, {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'the request is not valid',
        details: {
          issues: err.validation.map((v) => ({
            path: issuePath(req, err.validationContext ?? '', v.instancePath),
            message: shownMessage(v.keyword, v.message),
          })),
        },
      },
    });
  }
  if (isResponseSerializationError(err)) {
    req.log.error(
      { kind: 'response_serialization', route: req.routeOptions.url },
      'response did not match its schema',
    );
    return send(reply, 500, { error: { code: 'INTERNAL', message: `internal error (request ${req.id})` } });
  }
  const framework = frameworkErrorBody(err.code);
  if (framework) return send(reply, framework[0], framework[1]);
  const status = err.statusCode ?? 500;
  if (status === 413)
    return send(reply, 413, {
      error: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' },
    });
  if (status === 415)
    return send(reply, 415, {
      error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'this content type is not accepted here' },
    });
  if (status >= 400 && status < 500) {
    return send(reply, status, {
      error: {
        code: 'BAD_REQUEST',
        message: err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'the body is not valid JSON' : 'bad request',
      },
    });
  }
  req.log.error(
    { kind: err.name, code: (err as { code?: string }).code, route: req.routeOptions.url },
    'unhandled error',
  );
  return send(reply, 500, { error: { code: 'INTERNAL', message: `internal error (request ${req.id})` } });
}

/**
 * The path of a validation issue as shown: array indexes and the field names the route's schema spells.
 * Anything else is a key the client chose (a record's key, an unknown field) and is not repeated.
 */
function issuePath(req: FastifyRequest, part: string, instancePath: string): string {
  const schema = (req.routeOptions.schema ?? {}) as Record<string, unknown>;
  const data = { body: req.body, querystring: req.query, params: req.params, headers: req.headers }[part];
  return shownPath(part, instancePath.split('/').filter(Boolean), data, fieldNamesOf(schema[part]));
}

/** Errors the framework raises before a route runs, in the standard shape and never quoting the URL. */
function frameworkErrorBody(code: string | undefined): [number, ErrorBody] | undefined {
  switch (code) {
    case 'FST_ERR_BAD_URL':
      return [
        400,
        { error: { code: 'BAD_REQUEST', message: 'the URL is not valid (bad percent-encoding)' } },
      ];
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return [414, { error: { code: 'URI_TOO_LONG', message: 'a path parameter is too long' } }];
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return [400, { error: { code: 'BAD_REQUEST', message: 'bad request' } }];
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return [400, { error: { code: 'BAD_REQUEST', message: 'the body is not valid JSON' } }];
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return [
        400,
        { error: { code: 'BAD_REQUEST', message: 'the body is empty but its content type is JSON' } },
      ];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? [
            415,
            { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'this content type is not accepted here' } },
          ]
        : [400, { error: { code: 'BAD_REQUEST', message: 'the content length does not match the body' } }];
    default:
      return undefined;
  }
}

/**
 * Fastify's `frameworkErrors`: a bad URL (broken percent-encoding) or a path parameter longer than
 * `maxParamLength` answer in the standard shape; Fastify's own answer quotes the whole URL.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  return errorHandler(err, req, reply);
}

/**
 * Errors of Node's HTTP parser, before any request exists (headers too large, malformed request
 * line, timeouts): answered in the standard shape on the socket, then the connection is closed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, body]: [number, string, ErrorBody] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          { error: { code: 'HEADERS_TOO_LARGE', message: 'the request headers are too large' } },
        ]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [
            408,
            'Request Timeout',
            { error: { code: 'REQUEST_TIMEOUT', message: 'the request took too long' } },
          ]
        : [400, 'Bad Request', { error: { code: 'BAD_REQUEST', message: 'the request is malformed' } }];
  const json = JSON.stringify(body);
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${json}`,
    );
  socket.destroy(err);
}

export const ErrorBodySchemaDoc = 'Errors: { "error": { "code", "message", "details"? } }';
