import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  decideMatch,
  listMatchQueue,
  MatchCandidateViewSchema,
  MatchDecisionInputSchema,
} from '../../app/matching/match-review.ts';
import { MatchKinds, MatchStatuses } from '../../domain/match.ts';
import { principal } from '../auth.ts';
import type { ServerOptions } from '../options.ts';

/** The review queue of match candidates (from `homeward dedup` and `homeward match --list`). */
export const matchRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database } = opts;

    app.get(
      '/api/matches',
      {
        config: { access: 'match:review' },
        schema: {
          operationId: 'listMatches',
          tags: ['matching'],
          summary:
            'Match candidates to review, best score first: duplicate pairs of the registry and counterpart list rows with their registry candidates, each with score, band and explanation',
          querystring: z.object({
            status: z.enum(MatchStatuses).optional(),
            kind: z.enum(MatchKinds).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).max(100_000).default(0),
          }),
          response: { 200: z.object({ items: z.array(MatchCandidateViewSchema), hasMore: z.boolean() }) },
        },
      },
      async (req) => database.transaction((tx) => listMatchQueue(principal(req).ctx, tx, req.query)),
    );

    app.post(
      '/api/matches/:id/decision',
      {
        config: { access: 'match:review' },
        schema: {
          operationId: 'decideMatch',
          tags: ['matching'],
          summary:
            'Confirm (the same person) or reject a candidate. Final: a second decision answers 409 CONFLICT. Audited; nothing is merged.',
          params: z.object({ id: z.string().max(64) }),
          body: MatchDecisionInputSchema,
          response: { 200: MatchCandidateViewSchema },
        },
      },
      async (req) =>
        database.transaction((tx) => decideMatch(principal(req).ctx, tx, req.params.id, req.body)),
    );
  };
