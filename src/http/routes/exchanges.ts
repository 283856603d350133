import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getExchange, listExchanges, recordHandover, stageBoard } from '../../app/exchange-board.ts';
import { IdSchema, InstantSchema } from '../../domain/exchange/common.ts';
import { DiscrepancyCodes, IdentityMethods } from '../../domain/exchange/handover.ts';
import { StageStatuses } from '../../domain/exchange/stage.ts';
import { principal } from '../auth.ts';
import type { ServerOptions } from '../server.ts';

const Counts = z.object({
  planned: z.number().int(),
  onManifest: z.number().int(),
  presented: z.number().int(),
  handedOver: z.number().int(),
  outsideExchange: z.number().int(),
  notHandedOver: z.number().int(),
  pending: z.number().int(),
  discrepancies: z.record(z.string(), z.number().int()),
});

const ReconciliationSchema = z.object({
  stageId: z.string(),
  cells: z.array(Counts.extend({ direction: z.string(), category: z.string() })),
  totals: z.record(z.string(), Counts),
  substitutionChains: z.array(z.array(z.string())),
  exceptions: z.number().int(),
});

const StageSummarySchema = z.object({
  stageId: z.string(),
  date: z.string(),
  crossingPoint: z.string(),
  status: z.enum(StageStatuses),
});

const AgreementInfo = {
  agreement: z.object({
    id: z.string(),
    version: z.number().int(),
    title: z.string(),
    ordinal: z.number().int().nullable(),
  }),
  parties: z.array(z.string()),
  events: z.number().int(),
};

const ExchangeSummarySchema = z.object({
  id: z.string(),
  ...AgreementInfo,
  createdAt: z.string(),
  stages: z.array(StageSummarySchema),
});

const StageReconciledSchema = StageSummarySchema.extend({ reconciliation: ReconciliationSchema });

const BoardLineSchema = z.object({
  entryId: z.string(),
  personRef: z.string(),
  name: z.string().nullable(),
  direction: z.string(),
  category: z.string(),
  outsideExchange: z.boolean(),
  record: z
    .object({
      id: z.string(),
      outcome: z.enum(['handed_over', 'not_handed_over']),
      willingness: z.string(),
      fitness: z.string(),
      identity: z.string().nullable(),
      crossedAt: z.string().nullable(),
      discrepancies: z.array(z.string()),
      recordedAt: z.string(),
    })
    .nullable(),
});

const StageBoardSchema = StageReconciledSchema.extend({
  exchangeId: z.string(),
  seq: z.number().int(),
  manifestVersion: z.number().int().nullable(),
  partyNames: z.record(z.string(), z.string()),
  lines: z.array(BoardLineSchema),
});

/** One person's outcome at the crossing, as the field officer records it. */
export const HandoverBodySchema = z.object({
  entryId: IdSchema,
  id: IdSchema.optional(),
  identityCheck: z
    .object({ method: z.enum(IdentityMethods), result: z.enum(['confirmed', 'mismatch', 'inconclusive']) })
    .nullable(),
  willingness: z.enum(['willing', 'refuses', 'not_asked']),
  fitness: z.enum(['fit', 'fit_with_escort', 'unfit', 'not_assessed']),
  outcome: z.enum(['handed_over', 'not_handed_over']),
  crossedAt: InstantSchema.nullable(),
  receivedBy: IdSchema.nullable().optional(),
  discrepancies: z.array(z.enum(DiscrepancyCodes)).max(9),
  supersedes: IdSchema.nullable().optional(),
});

const ExchangeParams = z.object({ id: z.string().max(128) });
const StageParams = z.object({ id: z.string().max(128), stageId: z.string().max(128) });

export const exchangeRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database } = opts;

    app.get(
      '/api/exchanges',
      {
        config: { access: 'exchange:read' },
        schema: {
          tags: ['exchanges'],
          summary: 'Exchanges of this node, newest first, with the status of each stage',
          response: { 200: z.object({ items: z.array(ExchangeSummarySchema) }) },
        },
      },
      async (req) => ({ items: await listExchanges(principal(req).ctx, database.db) }),
    );

    app.get(
      '/api/exchanges/:id',
      {
        config: { access: 'exchange:read' },
        schema: {
          tags: ['exchanges'],
          summary:
            'One exchange with every stage and its reconciliation: planned, on manifest, presented, handed over, pending and discrepancies per direction × category, derived from the handover records',
          params: ExchangeParams,
          response: {
            200: ExchangeSummarySchema.omit({ createdAt: true, stages: true }).extend({
              stages: z.array(StageReconciledSchema),
            }),
          },
        },
      },
      async (req) => getExchange(principal(req).ctx, database.db, req.params.id),
    );

    app.get(
      '/api/exchanges/:id/stages/:stageId',
      {
        config: { access: 'exchange:read' },
        schema: {
          tags: ['exchanges'],
          summary:
            'The live stage board in one answer: the reconciliation and every active manifest line with its current handover record (names only as the person projection allows)',
          params: StageParams,
          response: { 200: StageBoardSchema },
        },
      },
      async (req) =>
        database.transaction((tx) => stageBoard(principal(req).ctx, tx, req.params.id, req.params.stageId)),
    );

    app.post(
      '/api/exchanges/:id/stages/:stageId/handovers',
      {
        config: { access: 'exchange:write' },
        schema: {
          tags: ['exchanges'],
          summary:
            'Record one person’s handover outcome (identity check, willingness, fitness, crossing time, discrepancies). Refused by the domain with 422 (inconsistent record, stage not in progress, off manifest, refused repatriation), 409 (line already recorded, double handover) or 404 (no such stage or line)',
          params: StageParams,
          body: HandoverBodySchema,
          response: {
            201: z.object({
              recordId: z.string(),
              seq: z.number().int(),
              reconciliation: ReconciliationSchema,
            }),
          },
        },
      },
      async (req, reply) => {
        const { supersedes, ...body } = req.body;
        const out = await database.transaction((tx) =>
          recordHandover(principal(req).ctx, tx, req.params.id, req.params.stageId, {
            ...body,
            supersedes: supersedes ?? null,
          }),
        );
        return reply.status(201).send(out);
      },
    );
  };
