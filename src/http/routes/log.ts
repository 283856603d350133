/**
 * The node's transparency log over HTTP, public (the log holds only commitments, never personal data):
 *
 * - C2SP tlog-tiles: GET /log/checkpoint, /log/tile/<L>/<N>[.p/<W>], /log/tile/entries/<N>[.p/<W>]
 * - JSON conveniences: /log/proof/inclusion, /log/proof/consistency, /log/status
 * - C2SP tlog-witness: POST /log/witness/add-checkpoint (this node cosigning other logs), and
 *   GET /log/witness/latest/<origin>: the latest checkpoint it cosigned for that log (`log audit --witness`)
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { logStatus } from '../../app/ledger/log-cosign.ts';
import { consistencyProof, inclusionProof, logKeyChain } from '../../app/ledger/log-proofs.ts';
import {
  CHECKPOINT_CACHE_CONTROL,
  readTile,
  servedCheckpoint,
  servedSize,
  tileCacheControl,
} from '../../app/ledger/log-tiles.ts';
import { addCheckpoint, latestCosigned, WitnessRefusal } from '../../app/ledger/witness.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { toBase64 } from '../../ledger/bytes.ts';
import { formatVerifierKey } from '../../ledger/keys.ts';
import { isValidKeyName } from '../../ledger/note.ts';
import { parseTilePath } from '../../ledger/tiles.ts';
import type { ServerOptions } from '../options.ts';

/** A tree size or index in the query string: decimal, no sign or leading zeros, up to 2^53. */
const Size = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'a decimal whole number without leading zeros')
  .transform(Number)
  .describe('decimal, 0..2^53');

const Hash = z.string().describe('SHA-256 hash, base64');
const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** Witness requests are a checkpoint note and up to 63 hashes: a few kilobytes. */
const WITNESS_BODY_LIMIT = 64 * 1024;

export const logRoutes =
  (opts: ServerOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const db = opts.database.db;

    // Witness requests are text whatever the client calls them (Go clients send no content type):
    // take every body of this plugin's routes as raw bytes.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WITNESS_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );

    app.get(
      '/log/checkpoint',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getLogCheckpoint',
          tags: ['log'],
          summary: 'The latest signed checkpoint (C2SP tlog-checkpoint note) with collected cosignatures',
          description:
            'text/plain; charset=utf-8. Header x-homeward-final says whether the checkpoint has the quorum of witness cosignatures. 404 while the log is empty.',
        },
      },
      async (_req, reply) => {
        const checkpoint = await servedCheckpoint(db);
        if (!checkpoint) throw new DomainError(ErrorCodes.NOT_FOUND, 'the log is empty: no checkpoint yet');
        const status = await logStatus(db);
        return reply
          .header('cache-control', CHECKPOINT_CACHE_CONTROL)
          .header('x-homeward-final', String(status.size === checkpoint.size && status.final))
          .type('text/plain; charset=utf-8')
          .send(checkpoint.note);
      },
    );

    app.get(
      '/log/tile/*',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getLogTile',
          tags: ['log'],
          summary: 'C2SP tlog-tiles hash tile tile/<L>/<N>[.p/<W>] or entry bundle tile/entries/<N>[.p/<W>]',
          description:
            'application/octet-stream. Full tiles are immutable; a tile the current tree does not have yet is 404.',
        },
      },
      async (req, reply) => {
        const rest = (req.params as { '*': string })['*'];
        const tile = parseTilePath(`tile/${rest}`);
        const bytes = await readTile(db, tile, await servedSize(db));
        if (!bytes) throw new DomainError(ErrorCodes.NOT_FOUND, 'the log has no such tile yet');
        return reply
          .header('cache-control', tileCacheControl(tile))
          .type('application/octet-stream')
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      },
    );

    app.get(
      '/log/proof/inclusion',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getLogInclusionProof',
          tags: ['log'],
          summary:
            'RFC 6962 inclusion proof of entry `index` in the tree of `size` (default: latest checkpoint)',
          querystring: z.object({ index: Size, size: Size.optional() }),
          response: {
            200: z.object({ index: z.number(), size: z.number(), leafHash: Hash, proof: z.array(Hash) }),
            400: ErrorSchema,
          },
        },
      },
      async (req) => {
        const r = await inclusionProof(db, req.query.index, req.query.size);
        return {
          index: r.index,
          size: r.size,
          leafHash: toBase64(r.leafHash),
          proof: r.proof.map(toBase64),
        };
      },
    );

    app.get(
      '/log/proof/consistency',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getLogConsistencyProof',
          tags: ['log'],
          summary: 'RFC 6962 consistency proof from the tree of size `from` to the tree of size `to`',
          querystring: z.object({ from: Size, to: Size }),
          response: {
            200: z.object({ from: z.number(), to: z.number(), proof: z.array(Hash) }),
            400: ErrorSchema,
          },
        },
      },
      async (req) => {
        const { from, to } = req.query;
        const proof = await consistencyProof(db, from, to);
        return { from, to, proof: proof.map(toBase64) };
      },
    );

    app.get(
      '/log/status',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getLogStatus',
          tags: ['log'],
          summary: 'Latest checkpoint size, the witnesses that cosigned it and whether it is final (quorum)',
          response: {
            200: z.object({
              origin: z.string().nullable(),
              size: z.number(),
              final: z.boolean(),
              cosigned_by: z.array(z.string()),
              quorum: z.number(),
              witnesses: z.array(z.string()),
              final_size: z.number().nullable().describe('size of the latest final checkpoint'),
            }),
          },
        },
      },
      async (_req, reply) => {
        reply.header('cache-control', CHECKPOINT_CACHE_CONTROL);
        return logStatus(db);
      },
    );

    app.get(
      '/log/keys',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getLogKeys',
          tags: ['log'],
          summary: "the node's key and the chain of its key rotation notes",
          description:
            "origin, the current verifier key, and every rotation note in order (C2SP signed notes, each signed by the old key and the new one). A verifier that pinned an earlier key follows the notes from it; checkpoints up to a note's log size verify with its old key.",
          response: {
            200: z.object({ origin: z.string(), current: z.string(), rotations: z.array(z.string()) }),
          },
        },
      },
      async (_req, reply) => {
        const chain = await logKeyChain(db);
        reply.header('cache-control', CHECKPOINT_CACHE_CONTROL);
        const current = chain.keys[chain.keys.length - 1]!;
        return {
          origin: current.name,
          current: formatVerifierKey(current),
          rotations: chain.rotations.map((r) => r.note),
        };
      },
    );

    app.get(
      '/log/witness/latest/*',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'getWitnessedCheckpoint',
          tags: ['log'],
          summary: 'the latest checkpoint this node cosigned as a witness for a log',
          description:
            "Path: the log's origin, percent-encoded. 200: the checkpoint as the log signed it, then this witness's cosignature line (text/plain), for `homeward log audit --witness` to compare with the log. 404 when this node does not witness that log or has cosigned nothing of it yet.",
          params: z.object({ '*': z.string().max(400) }),
        },
      },
      async (req, reply) => {
        const origin = req.params['*'];
        // An origin is a key name: printable, no spaces (a NUL would also fail in PostgreSQL).
        const note =
          origin && isValidKeyName(origin) ? await latestCosigned(opts.database, origin) : undefined;
        if (note === undefined)
          return reply
            .status(404)
            .type('application/json')
            .send({
              error: { code: 'UNKNOWN_LOG', message: 'this witness has cosigned nothing of that log' },
            });
        return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(note);
      },
    );

    app.post(
      '/log/witness/add-checkpoint',
      {
        config: { access: 'public' },
        bodyLimit: WITNESS_BODY_LIMIT,
        schema: {
          operationId: 'addWitnessCheckpoint',
          tags: ['log'],
          summary: 'C2SP tlog-witness v1 add-checkpoint: cosign a checkpoint of a log this node witnesses',
          description:
            'Body: "old <size>\\n", consistency proof lines (base64), an empty line, the signed checkpoint. 200: cosignature line(s) (text/plain). 404 unknown log, 403 not signed by its key, 400 malformed or old size beyond the checkpoint, 409 old size is not the recorded one (body: recorded size, text/x.tlog.size) or same size with another root, 422 bad consistency proof.',
        },
      },
      async (req, reply) => {
        try {
          const body = req.body instanceof Uint8Array ? req.body : new Uint8Array();
          const result = await addCheckpoint(opts.database, body);
          return reply
            .type('text/plain; charset=utf-8')
            .header('cache-control', 'no-store')
            .send(result.lines);
        } catch (e) {
          if (!(e instanceof WitnessRefusal)) throw e;
          if (e.recordedSize !== undefined)
            return reply.status(409).type('text/x.tlog.size').send(`${e.recordedSize}\n`);
          return reply
            .status(e.status)
            .type('application/json')
            .send({ error: { code: e.code, message: e.message } });
        }
      },
    );
  };
