import type { JobRunner } from '../app/jobs/jobs.ts';
import type { RegistryMatcher } from '../app/matching/registry-matcher.ts';
import type { NodeIdentity } from '../app/node/node-identity.ts';
import type { Outbox } from '../app/peers/outbox.ts';
import type { Database } from '../db/open.ts';
import type { LogFormat } from './logging.ts';
import type { RateLimit } from './rate-limit.ts';

/** What buildServer is given (src/http/server.ts); routes read it, so it lives apart from the server. */
export interface ServerOptions {
  database: Database;
  identity: NodeIdentity;
  /** Built UI (web/dist); served at / when present. */
  webDir?: string | undefined;
  logLevel?: string | undefined;
  /** Mark the session cookie Secure (set behind HTTPS). */
  secureCookies?: boolean | undefined;
  /** Where logs go (tests capture them); default stdout. */
  logStream?: NodeJS.WritableStream | undefined;
  /** `json` (default) or `pretty` readable lines for a terminal (see resolveLogFormat). */
  logFormat?: LogFormat | undefined;
  /** The registry's match index cache (one per server; built on first use when not given). */
  matcher?: RegistryMatcher | undefined;
  /** Ask the log's witnesses to cosign new checkpoints this often (ms); off when unset or 0. */
  cosignIntervalMs?: number | undefined;
  /** Delivers what this node shares with its peers (made by buildServer when not given). */
  outbox?: Outbox | undefined;
  /** Retry undelivered packages this often (ms); default 30 s, 0 only after each action. */
  outboxIntervalMs?: number | undefined;
  /** Where uploads wait for their job (default: a new directory under the system's temp dir). */
  spoolDir?: string | undefined;
  /** Largest upload accepted, in bytes (default 50 MB; `--max-upload-mb`). */
  maxUploadBytes?: number | undefined;
  /** Runs background jobs (made and started by buildServer when not given; stopped on close). */
  jobs?: JobRunner | undefined;
  /** Person rows per write transaction of an import job (default 500). */
  importChunkRows?: number | undefined;
  /**
   * Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs; `serve --trust-proxy`).
   * Without it the client address is the socket's peer and X-Forwarded-For is ignored.
   */
  trustProxy?: readonly string[] | undefined;
  /** Largest package a peer may deliver, in bytes (default 4 MiB; `serve --max-package-kb`). */
  maxPackageBytes?: number | undefined;
  /** Deliveries to the peer inbox per client address (default: a burst of 120, then 2 a second). */
  peerRateLimit?: RateLimit | undefined;
  /** The time sign-in throttling counts with (tests move it); default the system clock. */
  clock?: (() => Date) | undefined;
}

/** What routes that start jobs see: the options with the job machinery filled in. */
export type JobServerOptions = ServerOptions & { spoolDir: string; maxUploadBytes: number; jobs: JobRunner };
