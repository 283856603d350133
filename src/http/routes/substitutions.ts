import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadExchange } from '../../app/exchange/exchange.ts';
import {
  approveSubstitution,
  pendingSubstitutions,
  proposeSubstitution,
  unusedReserve,
} from '../../app/exchange/substitutions.ts';
import { SubstitutionSchema } from '../../domain/exchange/handover.ts';
import { principal } from '../auth.ts';
import type { ServerOptions } from '../options.ts';

const StageParams = z.object({ id: z.string().max(128), stageId: z.string().max(128) });
const PendingSchema = z.object({
  substitutionId: z.string(),
  stageId: z.string(),
  replaces: z.string(),
  by: z.string(),
  reason: z.string(),
  approvalHash: z.string(),
  proposedBy: z.string(),
  approvedBy: z.array(z.string()),
  awaiting: z.array(z.string()),
  canApprove: z.boolean().describe("this node's party may approve it now"),
});

/** Substitutions approved by both parties from their own nodes (src/app/exchange/substitutions.ts). */
export const substitutionRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database } = opts;

    app.get(
      '/api/exchanges/:id/stages/:stageId/substitutions',
      {
        config: { access: 'exchange:read' },
        schema: {
          operationId: 'listSubstitutions',
          tags: ['exchanges'],
          summary:
            'Substitutions proposed for the stage and awaiting a party’s approval, and the unused reserve lines a substitution may bring in',
          params: StageParams,
          response: {
            200: z.object({
              pending: z.array(PendingSchema),
              reserve: z.array(
                z.object({ entryId: z.string(), direction: z.string(), category: z.string() }),
              ),
            }),
          },
        },
      },
      async (req) => {
        const ctx = principal(req).ctx;
        const pending = await pendingSubstitutions(database.db, ctx, req.params.id, req.params.stageId);
        const { state } = await loadExchange(database.db, ctx, req.params.id);
        return { pending, reserve: unusedReserve(state, req.params.stageId) };
      },
    );

    app.post(
      '/api/exchanges/:id/stages/:stageId/substitutions',
      {
        config: { access: ['exchange:write', 'node:sign'] },
        schema: {
          operationId: 'proposeSubstitution',
          tags: ['exchanges'],
          summary:
            'Propose replacing an active line by an unused reserve line of the same direction, approved by this node’s party and sent to the other party for its approval. Refused with 422/404 as the stage would refuse it',
          params: StageParams,
          body: z.object({
            replaces: z.string().max(128),
            by: z.string().max(128),
            reason: SubstitutionSchema.shape.reason,
          }),
          response: { 201: PendingSchema },
        },
      },
      async (req, reply) => {
        const out = await database.transaction((tx) =>
          proposeSubstitution(principal(req).ctx, tx, req.params.id, req.params.stageId, req.body),
        );
        opts.outbox?.kick();
        return reply.status(201).send(out);
      },
    );

    app.post(
      '/api/exchanges/:id/substitutions/:substitutionId/approvals',
      {
        config: { access: ['exchange:write', 'node:sign'] },
        schema: {
          operationId: 'approveSubstitution',
          tags: ['exchanges'],
          summary:
            'Approve a proposed substitution as this node’s party; with both approvals it is recorded in the stage and shared. 409 when this party approved already',
          params: z.object({ id: z.string().max(128), substitutionId: z.string().max(128) }),
          response: { 201: z.object({ recorded: z.boolean() }) },
        },
      },
      async (req, reply) => {
        const out = await database.transaction((tx) =>
          approveSubstitution(principal(req).ctx, tx, req.params.id, req.params.substitutionId),
        );
        opts.outbox?.kick();
        return reply.status(201).send(out);
      },
    );
  };
