import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { Roles } from '../../domain/access.ts';
import { PersonCategories, Scripts, Sexes } from '../../domain/person.ts';
import {
  SourceTypes,
  type StatusDimension,
  StatusDimensions,
  statusValues,
  transitionTables,
  VerificationLevels,
} from '../../domain/status.ts';
import type { ServerOptions } from '../options.ts';

const copyTable = (t: Record<string, readonly string[]>) =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, [...v]]));

/** One member per status dimension (not a record keyed by string): clients see each dimension. */
const perDimension = <T extends z.ZodType>(value: T) =>
  z.object(Object.fromEntries(StatusDimensions.map((d) => [d, value])) as Record<StatusDimension, T>);

export const nodeRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/health',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getHealth',
          tags: ['node'],
          summary: 'Liveness and database reachability',
          response: {
            200: z.object({
              status: z.literal('ok'),
              database: z.enum(['pglite', 'postgres']),
              node: z.string(),
            }),
          },
        },
      },
      async () => {
        await sql`select 1`.execute(opts.database.db);
        return { status: 'ok' as const, database: opts.database.kind, node: opts.identity.name };
      },
    );

    app.get(
      '/.well-known/homeward-node',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getNodeIdentity',
          tags: ['node'],
          summary: "The node's name, the party it acts as in agreements, and its Ed25519 public key",
          response: {
            200: z.object({
              name: z.string(),
              party: z
                .string()
                .nullable()
                .describe(
                  'the party or mediator id this node acts as in agreements; null until set (homeward init --party)',
                ),
              algorithm: z.literal('Ed25519'),
              publicKey: z.string().describe('raw 32-byte key, base64'),
              keyId: z.string().describe('C2SP signed-note key id, hex'),
              verifierKey: z.string().describe('C2SP note verifier key: name+hexid+base64'),
            }),
          },
        },
      },
      async () => ({
        name: opts.identity.name,
        party: opts.identity.party,
        algorithm: 'Ed25519' as const,
        publicKey: opts.identity.publicKey,
        keyId: opts.identity.keyId,
        verifierKey: opts.identity.verifierKey,
      }),
    );

    app.get(
      '/api/meta',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getMeta',
          tags: ['node'],
          summary: 'Code lists and transition tables for clients',
          response: {
            200: z.object({
              roles: z.array(z.string()),
              categories: z.array(z.string()),
              sexes: z.array(z.string()),
              scripts: z.array(z.string()),
              dimensions: perDimension(z.array(z.string())),
              transitions: perDimension(z.record(z.string(), z.array(z.string()))),
              sourceTypes: z.array(z.string()),
              verificationLevels: z.array(z.string()),
              demo: z.boolean(),
            }),
          },
        },
      },
      async () => ({
        roles: [...Roles],
        categories: [...PersonCategories],
        sexes: [...Sexes],
        scripts: [...Scripts],
        dimensions: {
          fate: [...statusValues.fate],
          exchange: [...statusValues.exchange],
          legal: [...statusValues.legal],
        },
        transitions: {
          fate: copyTable(transitionTables.fate),
          exchange: copyTable(transitionTables.exchange),
          legal: copyTable(transitionTables.legal),
        },
        sourceTypes: [...SourceTypes],
        verificationLevels: [...VerificationLevels],
        demo: opts.identity.demo,
      }),
    );
  };
