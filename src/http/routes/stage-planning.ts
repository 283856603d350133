import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { planStage, proposeManifest, signManifest, startStage } from '../../app/exchange/stage-planning.ts';
import { PlainDateSchema } from '../../domain/person.ts';
import { principal } from '../auth.ts';
import type { ServerOptions } from '../options.ts';

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be an id');
const Action = z.object({ stageId: z.string(), seq: z.number().int(), status: z.string() });
const StageParams = z.object({ id: z.string().max(128), stageId: z.string().max(128) });

/**
 * Planning a stage (src/app/exchange/stage-planning.ts): the plan, manifest versions, this node's party's
 * signature on a manifest, the start. Each is admitted by the exchange domain and shared with the other
 * signers' nodes; a manifest locks when both parties have signed it from their own nodes.
 */
export const stagePlanningRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database } = opts;
    // 201, and deliver what this node shared once the transaction has committed.
    const done = <T>(reply: { status(n: number): unknown }, out: T): T => {
      opts.outbox?.kick();
      reply.status(201);
      return out;
    };

    app.post(
      '/api/exchanges/:id/stages',
      {
        config: { access: 'list:write' },
        schema: {
          operationId: 'planStage',
          tags: ['exchanges'],
          summary:
            'Plan a stage: date, crossing point, counts by receiving party and agreement category (event stage.planned). 422 for an unknown category or direction',
          params: z.object({ id: z.string().max(128) }),
          body: z.object({
            stageId: Id,
            date: PlainDateSchema,
            crossingPoint: z.string().min(1).max(200),
            planned: z
              .array(z.object({ direction: Id, category: Id, count: z.number().int().nonnegative() }))
              .max(200),
          }),
          response: { 201: Action },
        },
      },
      async (req, reply) =>
        done(
          reply,
          await database.transaction((tx) => planStage(principal(req).ctx, tx, req.params.id, req.body)),
        ),
    );

    app.post(
      '/api/exchanges/:id/stages/:stageId/manifests',
      {
        config: { access: 'list:write' },
        schema: {
          operationId: 'proposeManifest',
          tags: ['exchanges'],
          summary:
            'Propose the next manifest version (lines: person reference, receiving party, category, reserve, outside the exchange, eligibility); a version after a locked one needs reasons. Returns the hash both parties sign',
          params: StageParams,
          body: z.object({
            entries: z.array(z.record(z.string(), z.unknown())).max(20_000),
            reasons: z.string().max(2000).nullish(),
          }),
          response: { 201: Action.extend({ version: z.number().int(), manifestHash: z.string() }) },
        },
      },
      async (req, reply) =>
        done(
          reply,
          await database.transaction((tx) =>
            proposeManifest(principal(req).ctx, tx, req.params.id, req.params.stageId, {
              entries: req.body.entries as never,
              reasons: req.body.reasons,
            }),
          ),
        ),
    );

    app.post(
      '/api/exchanges/:id/stages/:stageId/manifests/:version/signatures',
      {
        config: { access: 'node:sign' },
        schema: {
          operationId: 'signManifest',
          tags: ['exchanges'],
          summary:
            "Sign a manifest version as this node's party (Ed25519, over its hash); send the hash you were shown (409 if it differs). The manifest locks when both parties have signed it",
          params: StageParams.extend({ version: z.coerce.number().int().positive() }),
          body: z.object({
            manifestHash: z
              .string()
              .regex(/^[0-9a-f]{64}$/)
              .optional(),
          }),
          response: { 201: Action.extend({ manifestHash: z.string() }) },
        },
      },
      async (req, reply) =>
        done(
          reply,
          await database.transaction((tx) =>
            signManifest(principal(req).ctx, tx, req.params.id, req.params.stageId, req.params.version, {
              expectedHash: req.body.manifestHash,
            }),
          ),
        ),
    );

    app.post(
      '/api/exchanges/:id/stages/:stageId/start',
      {
        config: { access: 'exchange:write' },
        schema: {
          operationId: 'startStage',
          tags: ['exchanges'],
          summary:
            'Start a stage whose manifest is locked (event stage.started); the board then takes handovers',
          params: StageParams,
          response: { 201: Action },
        },
      },
      async (req, reply) =>
        done(
          reply,
          await database.transaction((tx) =>
            startStage(principal(req).ctx, tx, req.params.id, req.params.stageId),
          ),
        ),
    );
  };
