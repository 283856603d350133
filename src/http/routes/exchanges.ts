import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AgreementViewSchema, agreementView } from '../../app/exchange/agreement-view.ts';
import {
  justifyBreach,
  reconcileStageNow,
  signStageConfirmation,
} from '../../app/exchange/exchange-actions.ts';
import { getExchange, listExchanges, recordHandover, stageBoard } from '../../app/exchange/exchange-board.ts';
import { ActingPartySchema as ActingPartyOf } from '../../app/node/node-party.ts';
import { HashHexSchema, IdSchema, InstantSchema, SignerRoles } from '../../domain/exchange/common.ts';
import { DiscrepancyCodes, IdentityMethods } from '../../domain/exchange/handover.ts';
import { WarningKinds, WarningMessageFields } from '../../domain/exchange/rules.ts';
import { JustificationCodes, StageStatuses } from '../../domain/exchange/stage.ts';
import { principal } from '../auth.ts';
import type { ServerOptions } from '../options.ts';

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

const NamedSchema = z.object({ id: z.string(), name: z.string() });

/** Which signer of the agreement this node acts as (src/app/node/node-party.ts). */
const ActingPartySchema = ActingPartyOf.nullable();

const StageBoardSchema = StageReconciledSchema.extend({
  exchangeId: z.string(),
  seq: z.number().int(),
  manifestVersion: z.number().int().nullable(),
  partyNames: z.record(z.string(), z.string()),
  lines: z.array(BoardLineSchema),
  warnings: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(WarningKinds),
      message: z.string(),
      ...WarningMessageFields,
      justification: z
        .object({ code: z.enum(JustificationCodes), note: z.string().nullable(), by: z.string() })
        .nullable(),
    }),
  ),
  substitutions: z.array(
    z.object({
      id: z.string(),
      replaces: z.string(),
      by: z.string(),
      reason: z.string(),
      approvedBy: z.array(z.string()),
    }),
  ),
  exceptions: z.array(
    z.object({
      id: z.string(),
      entryId: z.string(),
      direction: z.string(),
      category: z.string(),
      outsideExchange: z.boolean(),
      reason: z.string(),
      approvedBy: z.array(z.string()),
    }),
  ),
  reconciliationHash: z.string().nullable(),
  confirmations: z.array(
    z.object({ signer: z.string(), role: z.enum(SignerRoles), keyId: z.string(), signedAt: z.string() }),
  ),
  signers: z.object({ parties: z.array(NamedSchema), mediators: z.array(NamedSchema) }),
  actingAs: ActingPartySchema,
});

const StageActionSchema = z.object({
  stageId: z.string(),
  seq: z.number().int(),
  status: z.enum(StageStatuses),
});

/** A justification of one stage warning; who justifies is this node's party, not the request's say. */
export const JustificationBodySchema = z.object({
  warningId: z.string().min(1).max(300),
  code: z.enum(JustificationCodes),
  note: z.string().max(2000).nullable().optional(),
});

/** The reconciliation hash the signer read; a stage that changed since is refused (409). */
export const ConfirmationBodySchema = z.object({ reconciliationHash: HashHexSchema.optional() });

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
    const { database, identity } = opts;

    app.get(
      '/api/exchanges',
      {
        config: { access: 'exchange:read' },
        schema: {
          operationId: 'listExchanges',
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
          operationId: 'getExchange',
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
          operationId: 'getStageBoard',
          tags: ['exchanges'],
          summary:
            'The live stage board in one answer: the reconciliation and every active manifest line with its current handover record (names only as the person projection allows)',
          params: StageParams,
          response: { 200: StageBoardSchema },
        },
      },
      async (req) =>
        database.transaction((tx) =>
          stageBoard(principal(req).ctx, tx, req.params.id, req.params.stageId, identity),
        ),
    );

    app.get(
      '/api/exchanges/:id/agreement',
      {
        config: { access: 'exchange:read' },
        schema: {
          operationId: 'getAgreement',
          tags: ['exchanges'],
          summary:
            'The agreement an exchange runs under: parties, mediators, categories (predicates as text), ratio, all-for-all and ordering rules, targets with progress derived from the handover records, conditions, hash, signatures, whether it is in force, and the agreement-level warnings',
          params: ExchangeParams,
          response: { 200: AgreementViewSchema },
        },
      },
      async (req) => agreementView(principal(req).ctx, database.db, req.params.id, identity),
    );

    app.post(
      '/api/exchanges/:id/stages/:stageId/reconcile',
      {
        config: { access: 'exchange:write' },
        schema: {
          operationId: 'reconcileStage',
          tags: ['exchanges'],
          summary:
            'Reconcile a stage (event stage.reconciled): refused with 422 while an active line has no handover record or when the stage is not in progress, 404 for no such stage',
          params: StageParams,
          response: { 201: StageActionSchema },
        },
      },
      async (req, reply) => {
        const out = await database.transaction((tx) =>
          reconcileStageNow(principal(req).ctx, tx, req.params.id, req.params.stageId),
        );
        opts.outbox?.kick(); // deliver what this node shared, after the commit
        return reply.status(201).send(out);
      },
    );

    app.post(
      '/api/exchanges/:id/stages/:stageId/justifications',
      {
        config: { access: 'exchange:write' },
        schema: {
          operationId: 'justifyWarning',
          tags: ['exchanges'],
          summary:
            'Justify one stage warning (event breach.justified) with a justification code and a note, as this node’s party. Refused with 404 (no such stage or warning), 409 (already justified, or a confirmation is signed) or 422',
          params: StageParams,
          body: JustificationBodySchema,
          response: { 201: StageActionSchema },
        },
      },
      async (req, reply) => {
        const out = await database.transaction((tx) =>
          justifyBreach(principal(req).ctx, tx, identity, req.params.id, req.params.stageId, req.body),
        );
        opts.outbox?.kick(); // deliver what this node shared, after the commit
        return reply.status(201).send(out);
      },
    );

    app.post(
      '/api/exchanges/:id/stages/:stageId/confirmations',
      {
        config: { access: ['exchange:write', 'node:sign'] },
        schema: {
          operationId: 'signConfirmation',
          tags: ['exchanges'],
          summary:
            'Sign the stage confirmation (event stage.confirmation_signed) as this node’s party over the reconciliation hash. Refused with 422 (not reconciled, unjustified warnings, already signed), 409 (the stage changed since the given hash) or 404',
          params: StageParams,
          body: ConfirmationBodySchema,
          response: { 201: StageActionSchema.extend({ reconciliationHash: z.string() }) },
        },
      },
      async (req, reply) => {
        const out = await database.transaction((tx) =>
          signStageConfirmation(principal(req).ctx, tx, identity, req.params.id, req.params.stageId, {
            expectedHash: req.body.reconciliationHash,
          }),
        );
        opts.outbox?.kick(); // deliver what this node shared, after the commit
        return reply.status(201).send(out);
      },
    );

    app.post(
      '/api/exchanges/:id/stages/:stageId/handovers',
      {
        config: { access: 'handover:write' },
        schema: {
          operationId: 'recordHandover',
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
        opts.outbox?.kick(); // deliver what this node shared, after the commit
        return reply.status(201).send(out);
      },
    );
  };
