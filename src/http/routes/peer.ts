import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applicationOf, applyPendingPackages } from '../../app/peers/inbox.ts';
import { precheckPackage } from '../../app/peers/inbox-precheck.ts';
import { acceptPackages, checkPackage } from '../../app/peers/packages.ts';
import { nodeContext } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { toBase64 } from '../../ledger/bytes.ts';
import { isLedgerError } from '../../ledger/errors.ts';
import { PACKAGE_MEDIA_TYPE } from '../../ledger/package.ts';
import type { ServerOptions } from '../options.ts';
import { type RateLimit, rateLimitHook } from '../rate-limit.ts';

/** Largest package body accepted by default (`serve --max-package-kb`); it also bounds the largest list version. */
export const DEFAULT_MAX_PACKAGE_BYTES = 4 * 1024 * 1024;
/** Deliveries per client address by default: a burst of 120, then 2 a second. */
export const DEFAULT_PEER_RATE_LIMIT: RateLimit = { burst: 120, perSecond: 2 };

const Accepted = z.object({
  hash: z.string().describe('package hash (SHA-256 of the canonical header), base64'),
  logIndex: z.number().describe("index of the package's commitment in this node's log"),
  sequence: z.number(),
  alreadyAccepted: z.boolean().describe('true when this exact package had been accepted before'),
  application: z
    .object({
      status: z.enum(['applied', 'refused', 'kept', 'pending']),
      code: z.string().nullable(),
      message: z.string().nullable(),
    })
    .describe(
      'what this node did with the content, after accepting the package: applied (e.g. its exchange events admitted), kept (stored, read where needed), refused (authentic and logged, but its content broke a rule: code and message), or pending (to be retried)',
    ),
});

/**
 * The peer inbox: another node (a counterpart or the mediator) delivers one signed package per
 * request. No session: the package's own signature, by a key pinned on this node, is the
 * authentication, and its sequence number makes delivery safe to retry (the same package again
 * answers 200 with alreadyAccepted; another package with a used number is a replay, 409). The body is
 * limited in size (413), each client address in rate (429), and junk is refused by cheap checks before
 * any signature is verified (src/app/peers/inbox-precheck.ts). Once accepted,
 * its content is applied (src/app/peers/inbox.ts) and the answer says how: a refusal of the content is not
 * an HTTP error, since the package itself is accepted and logged.
 */
export const peerRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const { database, identity } = opts;
    const maxBytes = opts.maxPackageBytes ?? DEFAULT_MAX_PACKAGE_BYTES;
    // The exact bytes matter (canonical JSON is checked byte for byte), so the body stays raw.
    app.addContentTypeParser(
      PACKAGE_MEDIA_TYPE,
      { parseAs: 'buffer', bodyLimit: maxBytes },
      (_req, body, done) => done(null, body),
    );

    app.post(
      '/api/peer/packages',
      {
        config: { access: 'public' },
        bodyLimit: maxBytes,
        // Before the body is read: a flood costs a map look-up per request.
        onRequest: rateLimitHook(opts.peerRateLimit ?? DEFAULT_PEER_RATE_LIMIT, 'deliveries'),
        schema: {
          operationId: 'deliverPackage',
          tags: ['peer'],
          summary: `Deliver a signed package (raw body, ${PACKAGE_MEDIA_TYPE}); accepted in sequence and logged`,
          response: { 200: Accepted },
        },
      },
      async (req) => {
        // The node receives the package; once its signature verifies, its acceptance is audited as
        // the peer whose pinned key signed it (src/app/peers/packages.ts). Applying its content is the
        // node's own work, after the accepting transaction commits (src/app/peers/inbox.ts).
        const ctx = nodeContext(identity, 'receive-package', req.id);
        const applied = async (hash: Uint8Array) => {
          try {
            await applyPendingPackages(database, nodeContext(identity, 'apply-package', req.id));
          } catch (e) {
            req.log.error({ err: e }, 'applying accepted packages failed; they stay pending');
          }
          const a = await applicationOf(ctx, database.db, hash);
          return a
            ? { status: a.status, code: a.code, message: a.message }
            : { status: 'pending' as const, code: null, message: null };
        };
        const body = req.body;
        if (!Buffer.isBuffer(body))
          throw new DomainError(
            ErrorCodes.VALIDATION_FAILED,
            `send the package as the body, ${PACKAGE_MEDIA_TYPE}`,
          );
        // Cheap refusals first (src/app/peers/inbox-precheck.ts): no signature is verified for junk.
        const pre = await precheckPackage(database.db, body);
        if (pre.kind === 'accepted-before')
          return {
            hash: toBase64(pre.hash),
            logIndex: pre.logIndex,
            sequence: pre.sequence,
            alreadyAccepted: true,
            application: await applied(pre.hash),
          };
        try {
          const [accepted] = await database.transaction((tx) => acceptPackages(ctx, tx, [body]));
          return {
            hash: toBase64(accepted!.hash),
            logIndex: accepted!.logIndex,
            sequence: accepted!.header.sequence,
            alreadyAccepted: false,
            application: await applied(accepted!.hash),
          };
        } catch (e) {
          if (!(isLedgerError(e) && e.code === 'PACKAGE_REPLAYED')) throw e;
          // A retried delivery of the package we hold is not an error.
          const check = await checkPackage(ctx, database.db, body);
          if (check.recorded?.direction !== 'accepted') throw e;
          return {
            hash: toBase64(check.hash),
            logIndex: check.recorded.logIndex,
            sequence: check.header.sequence,
            alreadyAccepted: true,
            application: await applied(check.hash),
          };
        }
      },
    );
  };
