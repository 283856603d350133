import net from 'node:net';
import { type Command, InvalidArgumentError } from 'commander';
import { DomainError, ErrorCodes } from '../domain/errors.ts';
import { dataOption, intArg, run } from './common.ts';
import type { DataOptions } from './context.ts';
import { io } from './io.ts';

/** `homeward serve`: the node's HTTP API and browser UI. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the node: the HTTP API and the browser UI')
    .addOption(dataOption())
    .option('--port <n>', 'TCP port', intArg('port', 0, 65535), Number(io().env.PORT ?? 8080))
    .option('--host <addr>', 'address to listen on', io().env.HOST ?? '127.0.0.1')
    .option('--secure-cookies', 'mark session cookies Secure (when served behind HTTPS)', false)
    .option(
      '--max-upload-mb <n>',
      'largest upload accepted (person and list imports), in MB (default: $HOMEWARD_MAX_UPLOAD_MB or 50)',
      intArg('max-upload-mb', 1, 4096),
      Number(io().env.HOMEWARD_MAX_UPLOAD_MB ?? 50),
    )
    .option(
      '--max-package-kb <n>',
      "largest package a peer may deliver to this node's inbox, in KiB (default: $HOMEWARD_MAX_PACKAGE_KB or 4096)",
      intArg('max-package-kb', 1, 65536),
      Number(io().env.HOMEWARD_MAX_PACKAGE_KB ?? 4096),
    )
    .option(
      '--trust-proxy <addresses>',
      'reverse proxies whose X-Forwarded-For names the client (comma-separated addresses or CIDRs, or loopback; default: $HOMEWARD_TRUST_PROXY or none, and X-Forwarded-For is ignored)',
      parseTrustProxy,
    )
    .option(
      '--log-format <format>',
      'auto (readable lines on a terminal, JSON otherwise), pretty or json',
      io().env.LOG_FORMAT ?? 'auto',
    )
    .action(
      async (
        o: DataOptions & {
          port: number;
          host: string;
          secureCookies: boolean;
          logFormat: string;
          maxUploadMb: number;
          trustProxy?: string[];
          maxPackageKb: number;
        },
      ) => {
        const { countUsers } = await import('../app/accounts/accounts.ts');
        const { RegistryMatcher } = await import('../app/matching/registry-matcher.ts');
        const { demoLogins } = await import('../demo/seed-demo.ts');
        const { buildServer } = await import('../http/server.ts');
        const { resolveLogFormat } = await import('../http/logging.ts');
        const { ensureWebUi } = await import('./web-ui.ts');
        const { listenForSnapshots } = await import('../app/backup/backup.ts');
        const { dataDirOf, describeTarget, openNode } = await import('./context.ts');
        const path = await import('node:path');
        return run(async () => {
          const logFormat = resolveLogFormat(o.logFormat, io().stdout.isTTY === true);
          const webDir = ensureWebUi();
          const node = await openNode(o);
          const matcher = new RegistryMatcher(node.database);
          const app = await buildServer({
            database: node.database,
            identity: node.identity,
            matcher,
            webDir,
            secureCookies: o.secureCookies,
            trustProxy: o.trustProxy ?? trustProxyFromEnv(),
            maxPackageBytes: o.maxPackageKb * 1024,
            // Uploads wait for their job in the data directory (also with DATABASE_URL: it is local).
            spoolDir: io().env.HOMEWARD_SPOOL_DIR ?? path.join(dataDirOf(o), 'spool'),
            maxUploadBytes: o.maxUploadMb * 1024 * 1024,
            // Ask the log's witnesses to cosign new checkpoints (`homeward log witness add`); 0 turns it off.
            cosignIntervalMs: Number(io().env.HOMEWARD_COSIGN_INTERVAL_MS ?? 15_000),
            logLevel: io().env.LOG_LEVEL ?? 'info',
            logFormat,
          });
          // A running embedded node answers `homeward backup` on DIR/homeward.sock (src/app/backup).
          const snapshots = io().env.DATABASE_URL
            ? undefined
            : await listenForSnapshots(node.database, dataDirOf(o)).catch((e: Error) => {
                io().stderr.write(`homeward: backup while serving is off: ${e.message}\n`);
                return undefined;
              });
          const shutdown = async () => {
            await snapshots?.close();
            await app.close();
            await node.database.close();
            process.exit(0);
          };
          process.once('SIGINT', shutdown);
          process.once('SIGTERM', shutdown);
          try {
            await app.listen({ port: o.port, host: o.host });
            // Build the match index now rather than on the first search (seconds at a million persons).
            matcher.prepare(node.identity.orgId).catch(() => {});
          } catch (e) {
            await app.close().catch(() => {});
            await node.database.close();
            throw e;
          }
          const addr = app.server.address();
          const port = typeof addr === 'object' && addr ? addr.port : o.port;
          const url = `http://${o.host === '0.0.0.0' ? 'localhost' : o.host}:${port}/`;
          const lines = [
            '',
            `Homeward node "${node.identity.name}" on ${describeTarget(o)}`,
            `  UI:       ${url}`,
            `  API docs: ${url}api/docs`,
            `  Health:   ${url}api/health`,
          ];
          if (node.identity.demo) {
            lines.push('', '  Demo logins (synthetic data only; username / password):');
            for (const d of demoLogins) lines.push(`    ${d.username.padEnd(24)} ${d.password}`);
          } else if ((await countUsers(node.database.db)) === 0) {
            lines.push(
              '',
              '  No accounts yet: create the first administrator with',
              '    homeward user add NAME --role admin',
            );
          }
          // On stderr: stdout may be a JSON log stream read by a collector.
          io().stderr.write(`${lines.join('\n')}\n\n`);
          await new Promise(() => {});
        });
      },
    );
}

/** Proxy-addr's names for address ranges, accepted as they are. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `--trust-proxy` / HOMEWARD_TRUST_PROXY: comma-separated addresses, CIDRs (`10.0.0.0/8`,
 * `fd00::/8`) or range names (loopback, linklocal, uniquelocal). Anything else is refused, so a typo
 * cannot silently trust nobody — or everybody.
 */
export function parseTrustProxy(value: string): string[] {
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  for (const item of items) {
    if (RANGE_NAMES.has(item)) continue;
    const [addr = '', prefix, ...rest] = item.split('/');
    const family = net.isIP(addr);
    const max = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
    if (family === 0 || rest.length > 0 || !prefixOk)
      throw new InvalidArgumentError(
        'trust-proxy takes comma-separated IP addresses, CIDRs (address/prefix) or loopback, linklocal, uniquelocal',
      );
  }
  return items;
}

function trustProxyFromEnv(): string[] {
  const value = io().env.HOMEWARD_TRUST_PROXY;
  if (!value) return [];
  try {
    return parseTrustProxy(value);
  } catch (e) {
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `HOMEWARD_TRUST_PROXY: ${(e as Error).message}`);
  }
}
