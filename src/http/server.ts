import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { JobRunner } from '../app/jobs/jobs.ts';
import { startCosignLoop } from '../app/ledger/log-cosign.ts';
import { RegistryMatcher } from '../app/matching/registry-matcher.ts';
import { Outbox } from '../app/peers/outbox.ts';
import { nodeContext } from '../domain/access.ts';
import { MAX_IMPORT_BYTES } from '../io/read-person-file.ts';
import { authenticate, authorize, DOCS_PREFIX, recordRouteAccess } from './auth.ts';
import { clientErrorHandler, errorHandler, frameworkErrors } from './errors.ts';
import {
  hygienicValidatorCompiler,
  refuseControlInHeaders,
  refuseControlInUnvalidatedParts,
} from './input-hygiene.ts';
import { loggerOptions, prettyStream, terminalRequestLog } from './logging.ts';
import { openApiTransform, openApiTransformObject, securitySchemes } from './openapi.ts';
import type { JobServerOptions, ServerOptions } from './options.ts';
import { accountRoutes } from './routes/accounts.ts';
import { agreementRoutes } from './routes/agreements.ts';
import { exchangeRoutes } from './routes/exchanges.ts';
import { jobRoutes } from './routes/jobs.ts';
import { listRoutes } from './routes/lists.ts';
import { logRoutes } from './routes/log.ts';
import { matchRoutes } from './routes/matches.ts';
import { nodeRoutes } from './routes/node.ts';
import { peerRoutes } from './routes/peer.ts';
import { personRoutes } from './routes/persons.ts';
import { registryFileRoutes } from './routes/registry-files.ts';
import { reportRoutes } from './routes/reports.ts';
import { stagePlanningRoutes } from './routes/stage-planning.ts';
import { substitutionRoutes } from './routes/substitutions.ts';

export type { JobServerOptions, ServerOptions } from './options.ts';

export type App = FastifyInstance;

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const opts = { ...options, matcher: options.matcher ?? new RegistryMatcher(options.database) };
  const outbox =
    opts.outbox ??
    new Outbox(
      opts.database,
      nodeContext(opts.identity, 'deliver-outbox'),
      (e) => app.log.warn({ kind: 'outbox', err: e }, 'delivering packages to peers failed'),
      opts.outboxIntervalMs ?? 30_000,
    );
  opts.outbox = outbox;
  const maxUploadBytes = opts.maxUploadBytes ?? MAX_IMPORT_BYTES;
  const spoolDir = opts.spoolDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-spool-'));
  const jobs =
    opts.jobs ??
    new JobRunner({
      database: opts.database,
      matcher: opts.matcher,
      maxBytes: maxUploadBytes,
      chunkRows: opts.importChunkRows,
      log: (level, msg, detail) => app.log[level]({ kind: 'job', ...detail }, msg),
    });
  const jobOpts: JobServerOptions = { ...opts, spoolDir, maxUploadBytes, jobs };
  const logger = loggerOptions(opts.logLevel ?? 'info') as Record<string, unknown>;
  const pretty = opts.logFormat === 'pretty';
  const stream = pretty ? prettyStream(opts.logStream ?? process.stdout) : opts.logStream;
  const app = Fastify({
    logger: stream ? { ...logger, stream } : logger,
    ...(pretty ? { logController: new LogController({ disableRequestLogging: true }) } : {}),
    bodyLimit: 1024 * 1024,
    trustProxy: opts.trustProxy?.length ? [...opts.trustProxy] : false,
    // Framework and HTTP-parser errors answer in the standard shape, never quoting the request.
    frameworkErrors,
    clientErrorHandler,
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(hygienicValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  if (pretty) terminalRequestLog(app);

  recordRouteAccess(app);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Homeward node API',
        version: '0.1.0',
        description:
          'Person registry of one Homeward node. Errors are JSON: {"error":{"code","message","details"}}. Browser sessions use a cookie and must send x-csrf-token on mutations; scripts use Authorization: Bearer <API token>.',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      // Relative: the node that serves the document.
      servers: [{ url: '/', description: 'this node' }],
      components: { securitySchemes },
    },
    transform: openApiTransform,
    transformObject: openApiTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });

  app.addHook('onRequest', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });
  // Control characters in headers are refused before authentication reads them; in the rest of
  // the request, before validation (src/http/input-hygiene.ts).
  app.addHook('onRequest', refuseControlInHeaders);
  app.addHook('preValidation', refuseControlInUnvalidatedParts);
  // Before the body is parsed and validated: an anonymous or unauthorised caller gets 401/403 only.
  app.addHook('onRequest', authenticate(opts.database));
  app.addHook('onRequest', authorize);

  app.addHook('onClose', () => outbox.stop());
  // Recover interrupted jobs and start picking queued ones once the server is ready.
  app.addHook('onReady', () => jobs.start());
  app.addHook('onClose', async () => {
    await jobs.stop();
    if (!opts.spoolDir) fs.rmSync(spoolDir, { recursive: true, force: true });
  });
  // No index build may query after close: the caller closes the database (or drops a test schema) next.
  app.addHook('onClose', () => opts.matcher.settled());
  await app.register(nodeRoutes(opts));
  await app.register(accountRoutes(opts));
  await app.register(personRoutes(opts));
  await app.register(registryFileRoutes(jobOpts));
  await app.register(jobRoutes(jobOpts));
  await app.register(logRoutes(opts));
  await app.register(peerRoutes(opts));
  if (opts.cosignIntervalMs) {
    const loop = startCosignLoop(opts.database, {
      intervalMs: opts.cosignIntervalMs,
      log: (level, msg, detail) => app.log[level]({ kind: 'log_cosign', ...detail }, msg),
    });
    app.addHook('onClose', () => loop.stop());
  }
  await app.register(matchRoutes(opts));
  await app.register(exchangeRoutes(opts));
  await app.register(agreementRoutes(opts));
  await app.register(substitutionRoutes(opts));
  await app.register(stagePlanningRoutes(opts));
  await app.register(listRoutes(jobOpts));
  await app.register(reportRoutes(opts));
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  const webDir = opts.webDir;
  const index = webDir ? path.join(webDir, 'index.html') : undefined;
  if (webDir && index && fs.existsSync(index)) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });
    app.setNotFoundHandler((req, reply) => {
      if (
        req.method === 'GET' &&
        !req.url.startsWith('/api/') &&
        !req.url.startsWith('/.well-known/') &&
        !req.url.startsWith('/log/')
      ) {
        return reply.type('text/html').send(fs.createReadStream(index));
      }
      return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such route' } });
    });
  } else {
    app.setNotFoundHandler((_req, reply) =>
      reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such route' } }),
    );
  }
  return app;
}
