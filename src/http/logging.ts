import type { FastifyServerOptions } from 'fastify';

/**
 * Request logs carry method, path and status only: query strings (which hold searched names),
 * bodies, cookies and tokens never reach the log. Redaction is a second line of defence for any
 * structured field that slips through.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.names',
        '*.family',
        '*.given',
        '*.patronymic',
        '*.contacts',
        '*.health',
        '*.marks',
        '*.photos',
        '*.birth',
        '*.q',
        'body',
        'query',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
