import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { exportPersons } from '../../app/registry/export-persons.ts';
import { requirePermission } from '../../domain/access.ts';
import { principal } from '../auth.ts';
import type { JobServerOptions } from '../options.ts';
import { acceptFileStreams, spoolAsJob, XLSX_TYPE } from '../spool.ts';
import { JobAcceptedSchema } from './jobs.ts';

export const registryFileRoutes =
  (opts: JobServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database } = opts;
    acceptFileStreams(app);

    app.post(
      '/api/imports/persons',
      {
        config: { access: 'registry:import' },
        schema: {
          operationId: 'importPersons',
          tags: ['registry'],
          summary:
            'Import persons from a CSV or XLSX file (raw body) as a background job: 202 with the job id; GET /api/jobs/:id reports progress and the outcome (counts, or IMPORT_REJECTED with every bad row by line and column: then nothing was written). 413 past the upload limit.',
          querystring: z.object({ filename: z.string().max(255).default('upload.csv') }),
          response: { 202: JobAcceptedSchema },
        },
      },
      async (req, reply) => {
        const ctx = principal(req).ctx;
        requirePermission(ctx, 'registry:import');
        const jobId = await spoolAsJob(req, opts, ctx, 'person_import', (spooled) => ({
          file: spooled.file,
          fileName: req.query.filename,
          fileSha256: spooled.sha256,
        }));
        return reply.status(202).send({ jobId });
      },
    );

    app.get(
      '/api/exports/persons',
      {
        config: { access: 'registry:export' },
        schema: {
          operationId: 'exportPersons',
          tags: ['registry'],
          summary: 'Export the registry (no restricted fields; formula cells neutralised)',
          querystring: z.object({ format: z.enum(['csv', 'xlsx']).default('csv') }),
        },
      },
      async (req, reply) => {
        const ctx = principal(req).ctx;
        const { format } = req.query;
        const { body } = await database.transaction((tx) => exportPersons(ctx, tx, format));
        const stamp = new Date().toISOString().slice(0, 10);
        return reply
          .header('content-disposition', `attachment; filename="homeward-persons-${stamp}.${format}"`)
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE)
          .send(body);
      },
    );
  };
