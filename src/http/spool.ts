import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createJob, type JobInputs, type JobKind } from '../app/jobs/jobs.ts';
import type { RequestContext } from '../domain/access.ts';
import { DomainError, ErrorCodes } from '../domain/errors.ts';
import type { JobServerOptions } from './options.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Upload bodies are files: CSV, text or XLSX, or any bytes (the reader decides what they are). */
export const FILE_TYPES = ['text/csv', 'text/plain', 'application/octet-stream', XLSX_TYPE];

/** Let file uploads through as streams: the route spools them to disk under its own size limit. */
export function acceptFileStreams(app: FastifyInstance): void {
  app.addContentTypeParser(FILE_TYPES, (_req, payload, done) => done(null, payload));
}

export interface SpooledFile {
  file: string;
  bytes: number;
  sha256: string;
}

const tooLarge = (maxBytes: number) =>
  new DomainError(
    ErrorCodes.PAYLOAD_TOO_LARGE,
    `the file is larger than the upload limit of ${Math.floor(maxBytes / 1024 / 1024)} MB; split it into smaller files`,
  );

/**
 * Streams a request body to `dir/name` (mode 0600), never holding it whole: past `maxBytes` the
 * copy stops, the partial file is deleted and PAYLOAD_TOO_LARGE (413) is thrown. Returns the file,
 * its size and SHA-256.
 */
export async function spoolUpload(
  req: FastifyRequest,
  dir: string,
  name: string,
  maxBytes: number,
): Promise<SpooledFile> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const body = req.body;
  if (!(body instanceof Readable))
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      'send the file as the request body (text/csv or xlsx)',
    );
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) return callback(tooLarge(maxBytes));
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(body, count, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (e) {
    await fs.promises.rm(file, { force: true });
    if (e instanceof DomainError) throw e;
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the upload was interrupted; send the file again');
  }
  return { file, bytes, sha256: hash.digest('hex') };
}

/**
 * Spool the request body and queue a job of `kind` on it; returns the job id for the 202 answer.
 * The spool file is removed when the job could not be recorded, so nothing is left behind.
 */
export async function spoolAsJob<K extends JobKind>(
  req: FastifyRequest,
  opts: JobServerOptions,
  ctx: RequestContext,
  kind: K,
  input: (spooled: SpooledFile) => JobInputs[K],
): Promise<string> {
  const jobId = randomUUID();
  const spooled = await spoolUpload(req, opts.spoolDir, `${jobId}.upload`, opts.maxUploadBytes);
  try {
    await opts.database.transaction((tx) => createJob(ctx, tx, kind, input(spooled), jobId));
  } catch (e) {
    await fs.promises.rm(spooled.file, { force: true });
    throw e;
  }
  opts.jobs.kick();
  return jobId;
}
