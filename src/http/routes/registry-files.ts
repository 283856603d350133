import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { exportPersons } from '../../app/export-persons.ts';
import { importPersons } from '../../app/import-persons.ts';
import { requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { MAX_IMPORT_BYTES, readPersonFile } from '../../io/read-person-file.ts';
import { principal } from '../auth.ts';
import type { ServerOptions } from '../server.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const registryFileRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database } = opts;
    // Import files arrive as raw bytes; the reader decides what they are and rejects garbage.
    for (const type of ['text/csv', 'text/plain', 'application/octet-stream', XLSX_TYPE]) {
      app.addContentTypeParser(
        type,
        { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES + 1024 },
        (_req, body, done) => done(null, body),
      );
    }

    app.post(
      '/api/imports/persons',
      {
        config: { access: 'registry:import' },
        bodyLimit: MAX_IMPORT_BYTES + 1024,
        schema: {
          tags: ['registry'],
          summary:
            'Import persons from a CSV or XLSX file (raw body). All or nothing: 422 IMPORT_REJECTED lists every bad row by line and column.',
          querystring: z.object({ filename: z.string().max(255).default('upload.csv') }),
          response: {
            200: z.object({
              total: z.number(),
              created: z.number(),
              updated: z.number(),
              unchanged: z.number(),
            }),
          },
        },
      },
      async (req) => {
        const ctx = principal(req).ctx;
        requirePermission(ctx, 'registry:import');
        const body = req.body;
        if (!Buffer.isBuffer(body)) {
          throw new DomainError(
            ErrorCodes.VALIDATION_FAILED,
            'send the file as the request body (text/csv or xlsx)',
          );
        }
        const result = await readPersonFile(body, req.query.filename);
        if (!result.ok) {
          throw new DomainError(
            ErrorCodes.IMPORT_REJECTED,
            `the file was not imported: ${result.errors.length} problem(s)`,
            {
              rows: result.errors,
            },
          );
        }
        const fileSha256 = createHash('sha256').update(body).digest('hex');
        return database.transaction((tx) => importPersons(ctx, tx, result.rows, { fileSha256 }));
      },
    );

    app.get(
      '/api/exports/persons',
      {
        config: { access: 'registry:export' },
        schema: {
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
