import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PublishedVerifiableBulletinSchema } from '../../app/reports/bulletin-verify.ts';
import { nodeContext } from '../../domain/access.ts';
import { Locales } from '../../i18n/format.ts';
import { negotiateLocale } from '../../i18n/messages.ts';
import { isTimeZone } from '../../reports/html.ts';
import { htmlToPdf, PdfUnavailableError } from '../../reports/pdf.ts';
import { latestPublicBulletin } from '../../reports/public-bulletin.ts';
import { type ReportKind, renderReport } from '../../reports/service.ts';
import { principal } from '../auth.ts';
import type { ServerOptions } from '../options.ts';

const ExchangeParams = z.object({ id: z.string().max(128) });
const StageParams = z.object({ id: z.string().max(128), stageId: z.string().max(128) });
const FormatQuery = z.object({
  format: z.enum(['html', 'pdf']).default('html'),
  lang: z
    .enum(Locales)
    .optional()
    .describe('the reader’s language; default: from Accept-Language, else bilingual Ukrainian | English'),
  tz: z
    .string()
    .max(64)
    .refine(isTimeZone, 'an IANA time zone, e.g. Europe/Kyiv')
    .optional()
    .describe('time zone for times in a one-language report (default UTC)'),
});

/** The reader's language and time zone of a report request. */
const readerOf = (req: FastifyRequest<{ Querystring: z.infer<typeof FormatQuery> }>) => ({
  lang: negotiateLocale(req.query.lang, req.headers['accept-language']),
  timeZone: req.query.tz,
});
const DateQuery = FormatQuery.extend({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
    .optional(),
});

// The reports are self-contained pages: nothing to load, nothing to run.
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

async function send(
  reply: FastifyReply,
  html: string,
  format: 'html' | 'pdf',
  filename: string,
): Promise<FastifyReply> {
  reply.header('vary', 'Accept-Language');
  if (format === 'html')
    return reply.header('content-security-policy', REPORT_CSP).type('text/html; charset=utf-8').send(html);
  try {
    const pdf = await htmlToPdf(html);
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="${filename}.pdf"`)
      .send(pdf);
  } catch (e) {
    if (e instanceof PdfUnavailableError)
      return reply.status(501).send({ error: { code: 'PDF_UNAVAILABLE', message: e.message } });
    throw e;
  }
}

const fileName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

const reportSummary: Record<ReportKind, string> = {
  act: 'The stage handover act: printable HTML or PDF in the reader’s language (lang, Accept-Language; bilingual uk/en when neither names one) with lists per direction (names as the person projection allows), counts by category, discrepancies, exceptions, substitutions, warnings and signature blocks with the confirmation hashes',
  reconciliation:
    'The daily reconciliation report (date: YYYY-MM-DD, default the latest stage’s date): planned vs presented vs handed over per direction × category, pending, discrepancies, warnings with justification codes',
  progress: 'The agreement progress report: targets vs cumulative handed over, per stage',
  dossier:
    'The dispute dossier for the mediator: open discrepancies, unjustified warnings, refusals, ineligible or unverified lines, hashes to check',
};

const reportOperationId = {
  reconciliation: 'getReconciliationReport',
  progress: 'getProgressReport',
  dossier: 'getDisputeDossier',
} as const;

export const reportRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database } = opts;

    app.get(
      '/api/exchanges/:id/stages/:stageId/act',
      {
        config: { access: 'exchange:read' },
        schema: {
          operationId: 'getStageAct',
          tags: ['reports'],
          summary: reportSummary.act,
          params: StageParams,
          querystring: FormatQuery,
        },
      },
      async (req, reply) => {
        const html = await database.transaction((tx) =>
          renderReport(principal(req).ctx, tx, {
            kind: 'act',
            exchangeId: req.params.id,
            stageId: req.params.stageId,
            ...readerOf(req),
          }),
        );
        return send(reply, html, req.query.format, fileName(`act-${req.params.id}-${req.params.stageId}`));
      },
    );

    for (const kind of ['reconciliation', 'progress', 'dossier'] as const)
      app.get(
        `/api/exchanges/:id/reports/${kind}`,
        {
          config: { access: 'exchange:read' },
          schema: {
            operationId: reportOperationId[kind],
            tags: ['reports'],
            summary: reportSummary[kind],
            params: ExchangeParams,
            querystring: DateQuery,
          },
        },
        async (req, reply) => {
          const html = await database.transaction((tx) =>
            renderReport(principal(req).ctx, tx, {
              kind,
              exchangeId: req.params.id,
              date: req.query.date,
              ...readerOf(req),
            }),
          );
          return send(reply, html, req.query.format, fileName(`${kind}-${req.params.id}`));
        },
      );

    app.get(
      '/api/public/bulletin',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getPublicBulletin',
          tags: ['reports'],
          summary:
            'Public, no sign-in: the latest published bulletin of this node (counts with their metric definitions, cumulative totals, small cells withheld, no names) with everything `homeward bulletin verify` needs; 404 when none is published',
          response: {
            200: z.object({
              exchangeId: z.string(),
              publishedAt: z.string(),
              demo: z
                .boolean()
                .describe(
                  'true on a demo node: the other party, the mediator and the witness are simulated with demo-… keys, so `bulletin verify` passes only against keys nobody else holds',
                ),
              verifiable: PublishedVerifiableBulletinSchema,
            }),
          },
        },
      },
      async (req) => ({
        ...(await latestPublicBulletin(database.db, nodeContext(opts.identity, 'publish-bulletin', req.id))),
        demo: opts.identity.demo,
      }),
    );

    app.get(
      '/api/public/bulletin.json',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getPublicBulletinFile',
          tags: ['reports'],
          summary:
            'Public, no sign-in: the latest published bulletin as the file `homeward bulletin verify` checks (the `verifiable` member of GET /api/public/bulletin), served as a download (bulletin.json); the bulletin page links here so that the file is these exact bytes; 404 when none is published',
        },
      },
      async (req, reply) => {
        const { verifiable } = await latestPublicBulletin(
          database.db,
          nodeContext(opts.identity, 'publish-bulletin', req.id),
        );
        return reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', 'attachment; filename="bulletin.json"')
          .send(`${JSON.stringify(verifiable, null, 2)}\n`);
      },
    );
  };
