import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  agreementStatus,
  pendingAgreements,
  proposeAgreement,
  signAgreementVersion,
} from '../../app/exchange/agreements.ts';
import { principal } from '../auth.ts';
import type { ServerOptions } from '../options.ts';

const StatusSchema = z.object({
  exchangeId: z.string(),
  title: z.string(),
  agreementId: z.string(),
  version: z.number().int(),
  agreementHash: z.string(),
  proposedBy: z.string(),
  signed: z.array(z.object({ signer: z.string(), role: z.string(), signedAt: z.string() })),
  awaiting: z.array(z.string()),
  started: z.boolean().describe('the exchange runs under this version (every signature held)'),
});
const Params = z.object({ id: z.string().max(128) });

/**
 * Agreeing on an exchange's agreement with the other signers' nodes (src/app/exchange/agreements.ts): propose a
 * version, sign it with this node's key, see who is awaited. Packages go out through the outbox.
 */
export const agreementRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database } = opts;

    app.get(
      '/api/agreements',
      {
        config: { access: 'exchange:read' },
        schema: {
          operationId: 'listPendingAgreements',
          tags: ['agreements'],
          summary:
            'Proposed agreement versions whose exchange has not started under them: who signed, who is awaited, and whether this node may sign',
          response: {
            200: z.object({
              items: z.array(StatusSchema.extend({ ownSigner: z.string().nullable(), canSign: z.boolean() })),
            }),
          },
        },
      },
      async (req) => ({ items: await pendingAgreements(principal(req).ctx, database.db) }),
    );

    app.post(
      '/api/agreements',
      {
        config: { access: ['exchange:write', 'ledger:write', 'node:sign'] },
        schema: {
          operationId: 'proposeAgreement',
          tags: ['agreements'],
          summary:
            'Propose an unsigned agreement version for a new exchange and send it to the other signers (every signer’s key pinned for the agreement first; coordinator). 422 with the fields that are wrong, 409 if the exchange runs already',
          body: z.object({ exchangeId: z.string().max(128), agreement: z.record(z.string(), z.unknown()) }),
          response: { 201: StatusSchema },
        },
      },
      async (req, reply) => {
        const out = await database.transaction((tx) => proposeAgreement(principal(req).ctx, tx, req.body));
        opts.outbox?.kick();
        return reply.status(201).send(out);
      },
    );

    app.post(
      '/api/exchanges/:id/agreement/signatures',
      {
        config: { access: ['exchange:write', 'ledger:write', 'node:sign'] },
        schema: {
          operationId: 'signAgreement',
          tags: ['agreements'],
          summary:
            "Sign the proposed version (or `hash`) as this node's signer with its key and send the signature; the exchange starts when every signature is held. 409 when this signer already signed",
          params: Params,
          body: z.object({
            hash: z
              .string()
              .regex(/^[0-9a-f]{64}$/)
              .optional(),
          }),
          response: { 201: StatusSchema },
        },
      },
      async (req, reply) => {
        const out = await database.transaction((tx) =>
          signAgreementVersion(principal(req).ctx, tx, req.params.id, req.body.hash),
        );
        opts.outbox?.kick();
        return reply.status(201).send(out);
      },
    );

    app.get(
      '/api/exchanges/:id/agreement/status',
      {
        config: { access: 'exchange:read' },
        schema: {
          operationId: 'getAgreementStatus',
          tags: ['agreements'],
          summary:
            'Where the agreement of an exchange stands: the proposed version, who signed, who is awaited',
          params: Params,
          response: { 200: StatusSchema },
        },
      },
      async (req) => agreementStatus(principal(req).ctx, database.db, req.params.id),
    );
  };
