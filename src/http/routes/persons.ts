import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getPerson } from '../../app/registry/get-person.ts';
import { personAuditTrail } from '../../app/registry/person-audit-trail.ts';
import {
  listStatusEvents,
  recordStatusEvent,
  StatusEventInputSchema,
  StatusEventViewSchema,
} from '../../app/registry/record-status-event.ts';
import { registerPerson } from '../../app/registry/register-person.ts';
import { searchPersons } from '../../app/registry/search-persons.ts';
import { updatePerson } from '../../app/registry/update-person.ts';
import { ActorKinds } from '../../domain/actor.ts';
import { MatchInfoSchema } from '../../domain/match.ts';
import { PersonCategories, PersonInputSchema } from '../../domain/person.ts';
import { PersonViewSchema } from '../../domain/person-view.ts';
import { FateStatuses, INITIAL } from '../../domain/status.ts';
import { principal } from '../auth.ts';
import type { ServerOptions } from '../options.ts';

const IdParams = z.object({ id: z.string().max(64) });

/** Restricted fields can never appear in list responses: the schema itself has no place for them. */
const PersonSummarySchema = PersonViewSchema.omit({
  contacts: true,
  health: true,
  marks: true,
  photos: true,
});

export const personRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database, matcher } = opts;

    app.get(
      '/api/persons',
      {
        config: { access: 'person:read' },
        schema: {
          operationId: 'listPersons',
          tags: ['registry'],
          summary:
            'Search the registry by name (any script, transliteration, Russian or Ukrainian form, typos), birth year, category and fate status. Persons the matching engine found come first, best first, with `match` (score in [0,1], band, explanation field by field); persons whose names merely start with the typed words follow without it.',
          querystring: z.object({
            q: z.string().max(200).optional(),
            birthYear: z.coerce.number().int().min(1800).max(2100).optional(),
            category: z.enum(PersonCategories).optional(),
            status: z.enum([INITIAL, ...FateStatuses]).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).max(100_000).default(0),
          }),
          response: {
            200: z.object({
              items: z.array(PersonSummarySchema.extend({ match: MatchInfoSchema.optional() })),
              hasMore: z.boolean(),
            }),
          },
        },
      },
      async (req) => {
        const q = req.query;
        const ctx = principal(req).ctx;
        // Outside the transaction: the first search of a node builds its match index.
        if (q.q?.trim()) await matcher?.prepare(ctx.orgId);
        return database.transaction((tx) =>
          searchPersons(
            ctx,
            tx,
            {
              q: q.q?.trim() || undefined,
              birthYear: q.birthYear,
              category: q.category,
              fateStatus: q.status,
              limit: q.limit,
              offset: q.offset,
            },
            matcher,
          ),
        );
      },
    );

    app.post(
      '/api/persons',
      {
        config: { access: 'person:write' },
        schema: {
          operationId: 'createPerson',
          tags: ['registry'],
          summary: 'Register a person',
          body: PersonInputSchema,
          response: { 201: PersonViewSchema },
        },
      },
      async (req, reply) => {
        const p = await database.transaction((tx) => registerPerson(principal(req).ctx, tx, req.body));
        return reply.status(201).send(p);
      },
    );

    app.get(
      '/api/persons/:id',
      {
        config: { access: 'person:read' },
        schema: {
          operationId: 'getPerson',
          tags: ['registry'],
          summary:
            'One person as the caller may see them (restricted fields only for allowed roles; such reads are audited)',
          params: IdParams,
          response: { 200: PersonViewSchema },
        },
      },
      async (req) => database.transaction((tx) => getPerson(principal(req).ctx, tx, req.params.id)),
    );

    app.put(
      '/api/persons/:id',
      {
        config: { access: 'person:write' },
        schema: {
          operationId: 'updatePerson',
          tags: ['registry'],
          summary: 'Replace a person’s details; `version` must be the one you read (409 CONFLICT otherwise)',
          params: IdParams,
          body: PersonInputSchema.extend({ version: z.number().int().min(1) }),
          response: { 200: PersonViewSchema },
        },
      },
      async (req) => {
        const { version, ...input } = req.body;
        return database.transaction((tx) =>
          updatePerson(principal(req).ctx, tx, req.params.id, input, version),
        );
      },
    );

    app.get(
      '/api/persons/:id/status-events',
      {
        config: { access: 'person:read' },
        schema: {
          operationId: 'listStatusEvents',
          tags: ['registry'],
          summary: 'Status history, newest first',
          params: IdParams,
          response: { 200: z.object({ items: z.array(StatusEventViewSchema) }) },
        },
      },
      async (req) => ({
        items: await database.transaction((tx) => listStatusEvents(principal(req).ctx, tx, req.params.id)),
      }),
    );

    app.post(
      '/api/persons/:id/status-events',
      {
        config: { access: 'status:write' },
        schema: {
          operationId: 'recordStatusEvent',
          tags: ['registry'],
          summary:
            'Record a status event (checked against the transition table; 422 FORBIDDEN_TRANSITION otherwise)',
          params: IdParams,
          body: StatusEventInputSchema,
          response: { 201: StatusEventViewSchema },
        },
      },
      async (req, reply) => {
        const e = await database.transaction((tx) =>
          recordStatusEvent(principal(req).ctx, tx, req.params.id, req.body),
        );
        return reply.status(201).send(e);
      },
    );

    app.get(
      '/api/persons/:id/audit',
      {
        config: { access: 'audit:read' },
        schema: {
          operationId: 'listPersonAudit',
          tags: ['registry'],
          summary: 'Audit trail of this person’s record (auditors, coordinators)',
          params: IdParams,
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  id: z.string(),
                  at: z.string(),
                  actor: z.string().nullable(),
                  actorKind: z
                    .enum(ActorKinds)
                    .nullable()
                    .describe(
                      'user, operator (at the node’s shell), node (system work) or peer; null before recorded',
                    ),
                  action: z.string(),
                  detail: z.record(z.string(), z.unknown()),
                }),
              ),
            }),
          },
        },
      },
      async (req) => ({
        items: await database.transaction((tx) => personAuditTrail(principal(req).ctx, tx, req.params.id)),
      }),
    );
  };
