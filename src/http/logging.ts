import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import pinoPretty from 'pino-pretty';

/** `json`: one JSON object a line (for log collectors); `pretty`: readable lines for a terminal. */
export type LogFormat = 'json' | 'pretty';

/** `auto` is pretty on a terminal and JSON everywhere else (a file, a pipe, a service manager). */
export function resolveLogFormat(asked: string | undefined, isTTY: boolean): LogFormat {
  const v = (asked ?? 'auto').toLowerCase();
  if (v === 'json' || v === 'pretty') return v;
  if (v !== 'auto') throw new Error('the log format is one of auto, pretty, json');
  return isTTY ? 'pretty' : 'json';
}

/** Readable lines on a terminal: time, level, message, and the few fields a request log carries. */
export function prettyStream(destination: NodeJS.WritableStream = process.stdout): NodeJS.WritableStream {
  return pinoPretty({
    destination,
    colorize: (destination as { isTTY?: boolean }).isTTY === true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,reqId,req,res,responseTime',
    singleLine: true,
  });
}

/**
 * On a terminal, one line per request instead of Fastify's two, and successful reads (the stage
 * board polls every few seconds) only at debug level, so that the start-up banner with the URL and
 * the logins stays on the screen. Carries method, path and status only, like the JSON log.
 */
export function terminalRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (req, reply) => {
    const quietRead = (req.method === 'GET' || req.method === 'HEAD') && reply.statusCode < 400;
    const level = reply.statusCode >= 500 ? 'error' : quietRead ? 'debug' : 'info';
    const ms = Math.round(reply.elapsedTime);
    app.log[level](`${req.method} ${req.url.split('?')[0]} ${reply.statusCode} ${ms} ms`);
  });
}

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
