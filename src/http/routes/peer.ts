import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptPackages, checkPackage } from '../../app/packages.ts';
import { cliContext } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { toBase64 } from '../../ledger/bytes.ts';
import { isLedgerError } from '../../ledger/errors.ts';
import type { ServerOptions } from '../server.ts';

export const PACKAGE_MEDIA_TYPE = 'application/vnd.homeward.package+json';
const MAX_PACKAGE_BYTES = 8 * 1024 * 1024;

const Accepted = z.object({
  hash: z.string().describe('package hash (SHA-256 of the canonical header), base64'),
  logIndex: z.number().describe("index of the package's commitment in this node's log"),
  sequence: z.number(),
  alreadyAccepted: z.boolean().describe('true when this exact package had been accepted before'),
});

/**
 * The peer inbox: another node (a counterpart or the mediator) delivers one signed package per
 * request. No session: the package's own signature, by a key pinned on this node, is the
 * authentication, and its sequence number makes delivery safe to retry (the same package again
 * answers 200 with alreadyAccepted; another package with a used number is a replay, 409).
 */
export const peerRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database, identity } = opts;
    // The exact bytes matter (canonical JSON is checked byte for byte), so the body stays raw.
    app.addContentTypeParser(
      PACKAGE_MEDIA_TYPE,
      { parseAs: 'buffer', bodyLimit: MAX_PACKAGE_BYTES },
      (_req, body, done) => done(null, body),
    );

    app.post(
      '/api/peer/packages',
      {
        bodyLimit: MAX_PACKAGE_BYTES,
        schema: {
          tags: ['peer'],
          summary: `Deliver a signed package (raw body, ${PACKAGE_MEDIA_TYPE}); accepted in sequence and logged`,
          response: { 200: Accepted },
        },
      },
      async (req) => {
        const body = req.body;
        if (!Buffer.isBuffer(body))
          throw new DomainError(
            ErrorCodes.VALIDATION_FAILED,
            `send the package as the body, ${PACKAGE_MEDIA_TYPE}`,
          );
        try {
          const [accepted] = await database.transaction((tx) =>
            acceptPackages(cliContext(identity.orgId, ['coordinator'], 'peer-inbox'), tx, [body]),
          );
          return {
            hash: toBase64(accepted!.hash),
            logIndex: accepted!.logIndex,
            sequence: accepted!.header.sequence,
            alreadyAccepted: false,
          };
        } catch (e) {
          if (!(isLedgerError(e) && e.code === 'PACKAGE_REPLAYED')) throw e;
          // A retried delivery of the package we hold is not an error.
          const check = await checkPackage(database.db, body);
          if (check.recorded?.direction !== 'accepted') throw e;
          return {
            hash: toBase64(check.hash),
            logIndex: check.recorded.logIndex,
            sequence: check.header.sequence,
            alreadyAccepted: true,
          };
        }
      },
    );
  };
