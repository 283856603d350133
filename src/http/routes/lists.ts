import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createListVersion,
  diffListVersions,
  ListKindNames,
  listListVersions,
  loadListVersion,
  recordListResponses,
  signListVersion,
} from '../../app/lists/lists.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { IdSchema } from '../../domain/exchange/common.ts';
import { FlagCountsSchema, ImportFlags, MatchOutcomeSchema } from '../../domain/exchange/counterpart.ts';
import { NominationSchema, ResponseCodes } from '../../domain/exchange/list.ts';
import { principal } from '../auth.ts';
import type { JobServerOptions } from '../options.ts';
import { acceptFileStreams, spoolAsJob } from '../spool.ts';
import { JobAcceptedSchema } from './jobs.ts';

const VersionSummarySchema = z.object({
  id: z.string(),
  exchangeId: z.string(),
  kind: z.enum(ListKindNames),
  owner: z.string(),
  version: z.number().int(),
  parentHash: z.string().nullable(),
  versionHash: z.string(),
  createdAt: z.string(),
  sourceFileSha256: z.string().nullable(),
  entryCount: z.number().int(),
  signed: z.boolean(),
  signedAt: z.string().nullable(),
  logIndex: z.number().int().nullable(),
  createdBy: z.string().nullable(),
});

const EntrySchema = z.object({
  ord: z.number().int(),
  nomination: NominationSchema,
  key: z.string(),
  personId: z.string().nullable(),
  recordHash: z.string().nullable(),
  claimedCategory: z.string().nullable(),
  flags: z.array(z.enum(ImportFlags)),
  match: MatchOutcomeSchema.nullable(),
  eligibility: z.object({ value: z.enum(['true', 'false', 'unknown']), reason: z.string() }).nullable(),
  duplicateOf: z.number().int().nullable(),
  response: z.enum(ResponseCodes).nullable(),
  registryName: z.string().nullable(),
});

const DiffSchema = z.object({
  from: VersionSummarySchema,
  to: VersionSummarySchema,
  diff: z.object({
    added: z.array(z.unknown()),
    removed: z.array(z.unknown()),
    changed: z.array(
      z.object({ key: z.string(), before: z.unknown(), after: z.unknown(), fields: z.array(z.string()) }),
    ),
    unchanged: z.number().int(),
  }),
});

const ExchangeParams = z.object({ id: z.string().max(128) });
const VersionParams = z.object({ id: z.string().max(128), versionId: z.string().max(20) });

export const listRoutes =
  (opts: JobServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database } = opts;
    // List files arrive as raw bytes, spooled to disk; the reader decides what they are.
    acceptFileStreams(app);

    app.get(
      '/api/exchanges/:id/lists',
      {
        config: { access: 'exchange:read' },
        schema: {
          operationId: 'listListVersions',
          tags: ['lists'],
          summary: 'Every version of the exchange’s lists (our/their request/offer), hash-chained',
          params: ExchangeParams,
          response: { 200: z.object({ items: z.array(VersionSummarySchema) }) },
        },
      },
      async (req) => ({ items: await listListVersions(database.db, principal(req).ctx, req.params.id) }),
    );

    app.get(
      '/api/exchanges/:id/lists/diff',
      {
        config: { access: 'exchange:read' },
        schema: {
          operationId: 'diffListVersions',
          tags: ['lists'],
          summary: 'What changed between two list versions, person by person',
          params: ExchangeParams,
          querystring: z.object({ from: z.string().regex(/^\d{1,18}$/), to: z.string().regex(/^\d{1,18}$/) }),
          response: { 200: DiffSchema },
        },
      },
      async (req) =>
        diffListVersions(database.db, principal(req).ctx, req.params.id, req.query.from, req.query.to),
    );

    app.get(
      '/api/exchanges/:id/lists/:versionId',
      {
        config: { access: 'exchange:read' },
        schema: {
          operationId: 'getListVersion',
          tags: ['lists'],
          summary:
            'One list version with its entries: nomination (registry person or the counterpart’s record verbatim), flags, match with score and explanation, eligibility, latest response',
          params: VersionParams,
          response: {
            200: VersionSummarySchema.extend({ entries: z.array(EntrySchema), flagCounts: FlagCountsSchema }),
          },
        },
      },
      async (req) => loadListVersion(database.db, principal(req).ctx, req.params.id, req.params.versionId),
    );

    app.post(
      '/api/exchanges/:id/lists',
      {
        config: { access: 'list:write' },
        schema: {
          operationId: 'createListVersion',
          tags: ['lists'],
          summary:
            'A new version of one of the exchange’s lists from nominations; refused while the latest version of that list is unsigned',
          params: ExchangeParams,
          body: z.object({ kind: z.enum(ListKindNames), entries: z.array(NominationSchema).max(20_000) }),
          response: { 201: VersionSummarySchema },
        },
      },
      async (req, reply) => {
        const out = await database.transaction((tx) =>
          createListVersion(principal(req).ctx, tx, {
            exchangeId: req.params.id,
            kind: req.body.kind,
            entries: req.body.entries,
          }),
        );
        return reply.status(201).send(out);
      },
    );

    app.post(
      '/api/exchanges/:id/lists/import',
      {
        config: { access: ['list:write', 'person:read'] },
        schema: {
          operationId: 'importList',
          tags: ['lists'],
          summary:
            'Import the counterpart’s list from a CSV or XLSX file (raw body; columns as `homeward match` plus optional category and person_category) as a background job: 202 with the job id. The job matches the rows against the registry, flags them, stores the new version and puts the match candidates in the review queue; GET /api/jobs/:id reports the outcome (IMPORT_REJECTED lists every bad row by line and column, and nothing is written). 413 past the upload limit.',
          params: ExchangeParams,
          querystring: z.object({
            kind: z.enum(['their_offer', 'their_request']).default('their_offer'),
            filename: z.string().max(255).default('list.csv'),
          }),
          response: { 202: JobAcceptedSchema },
        },
      },
      async (req, reply) => {
        const ctx = principal(req).ctx;
        const exchange = await database.db
          .selectFrom('exchanges')
          .select('id')
          .where('id', '=', req.params.id)
          .where('org_id', '=', ctx.orgId)
          .executeTakeFirst();
        if (!exchange) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such exchange');
        const jobId = await spoolAsJob(req, opts, ctx, 'list_import', (spooled) => ({
          file: spooled.file,
          fileName: req.query.filename,
          exchangeId: exchange.id,
          kind: req.query.kind,
        }));
        return reply.status(202).send({ jobId });
      },
    );

    app.post(
      '/api/exchanges/:id/lists/:versionId/sign',
      {
        config: { access: ['list:write', 'node:sign'] },
        schema: {
          operationId: 'signListVersion',
          tags: ['lists'],
          summary:
            'Sign (freeze) a list version: its hash goes into the transparency log as list.signed; 409 when already signed',
          params: VersionParams,
          response: { 200: VersionSummarySchema },
        },
      },
      async (req) =>
        database.transaction((tx) =>
          signListVersion(principal(req).ctx, tx, req.params.id, req.params.versionId),
        ),
    );

    app.post(
      '/api/exchanges/:id/lists/:versionId/responses',
      {
        config: { access: 'list:write' },
        schema: {
          operationId: 'respondToList',
          tags: ['lists'],
          summary: 'Record answers per entry to a signed list version (accepted, rejected, not held, …)',
          params: VersionParams,
          body: z.object({
            responder: IdSchema,
            entries: z
              .array(
                z.object({
                  nominationId: IdSchema,
                  response: z.enum(ResponseCodes),
                  note: z.string().max(1000).nullish(),
                }),
              )
              .max(20_000),
          }),
          response: {
            200: z.object({
              recorded: z.number().int(),
              responses: z.record(z.string(), z.enum(ResponseCodes)),
            }),
          },
        },
      },
      async (req) =>
        database.transaction((tx) =>
          recordListResponses(principal(req).ctx, tx, req.params.id, req.params.versionId, req.body),
        ),
    );
  };
