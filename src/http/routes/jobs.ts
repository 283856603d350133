import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { JobResultSchema } from '../../app/jobs/job-results.ts';
import { createJob, getJob, JobKinds, JobStates, listJobs } from '../../app/jobs/jobs.ts';
import { principal } from '../auth.ts';
import type { ServerOptions } from '../options.ts';

export const JobViewSchema = z.object({
  id: z.string(),
  kind: z.enum(JobKinds),
  state: z.enum(JobStates),
  phase: z.string().nullable(),
  done: z.number().int(),
  total: z.number().int().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  createdBy: z.string(),
  result: JobResultSchema.nullable(),
  error: z
    .object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })
    .nullable(),
});

export const JobAcceptedSchema = z.object({ jobId: z.string() });

export const jobRoutes =
  (opts: ServerOptions & { jobs: { kick(): void } }): FastifyPluginAsyncZod =>
  async (app) => {
    const { database } = opts;

    app.get(
      '/api/jobs/:id',
      {
        config: { access: 'signed-in' },
        schema: {
          operationId: 'getJob',
          tags: ['jobs'],
          summary:
            'A background job: state (queued, running, succeeded, failed), progress (phase, done of total) and outcome (result, or error with every bad row by line and column). Readable by whoever may start that kind of job; another organisation’s job answers 404.',
          params: z.object({ id: z.string().max(64) }),
          response: { 200: JobViewSchema },
        },
      },
      async (req) => getJob(principal(req).ctx, database.db, req.params.id),
    );

    app.get(
      '/api/jobs',
      {
        config: { access: 'signed-in' },
        schema: {
          operationId: 'listJobs',
          tags: ['jobs'],
          summary: 'The caller’s recent background jobs, newest first',
          response: { 200: z.object({ items: z.array(JobViewSchema) }) },
        },
      },
      async (req) => ({ items: await listJobs(principal(req).ctx, database.db) }),
    );

    app.post(
      '/api/matches/dedup',
      {
        config: { access: 'match:review' },
        schema: {
          operationId: 'startDedup',
          tags: ['matches'],
          summary:
            'Look for duplicate candidates in the registry as a background job (202 with the job id); they go to the review queue; nothing is merged',
          body: z.object({ likelyOnly: z.boolean().default(true) }).default({ likelyOnly: true }),
          response: { 202: JobAcceptedSchema },
        },
      },
      async (req, reply) => {
        const ctx = principal(req).ctx;
        const jobId = await database.transaction((tx) =>
          createJob(ctx, tx, 'dedup', { likelyOnly: req.body.likelyOnly }),
        );
        opts.jobs.kick();
        return reply.status(202).send({ jobId });
      },
    );
  };
