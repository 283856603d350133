import fs from 'node:fs/promises';
import { type Command, CommanderError } from 'commander';
import { intArg, run } from './common.ts';
import { io } from './io.ts';

/** A bulletin fetched from a URL may be this large; a larger answer is refused unread. */
export const MAX_BULLETIN_BYTES = 64 * 1024 * 1024;
/** How long a URL may take to answer in full. */
export const BULLETIN_FETCH_TIMEOUT_MS = 30_000;

/** The text of a bulletin, or why it could not be had (one line, no contents). */
export type BulletinSource = { ok: true; text: string } | { ok: false; problem: string; usage?: boolean };

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

/** Reads FILE, or fetches an http(s) URL with a timeout and a size limit. */
export async function readBulletinSource(
  source: string,
  opts: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<BulletinSource> {
  const maxBytes = opts.maxBytes ?? MAX_BULLETIN_BYTES;
  if (isUrl(source)) return fetchBulletin(source, opts.timeoutMs ?? BULLETIN_FETCH_TIMEOUT_MS, maxBytes);
  try {
    const stat = await fs.stat(source);
    if (stat.isDirectory()) return { ok: false, problem: `${source} is a directory, not a file` };
    if (stat.size > maxBytes) return { ok: false, problem: `${source} is too large (over ${mib(maxBytes)})` };
    return { ok: true, text: await fs.readFile(source, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, problem: `no such file: ${source}` };
    if (code === 'EACCES' || code === 'EPERM')
      return { ok: false, problem: `cannot read ${source}: permission denied` };
    return { ok: false, problem: `cannot read ${source}: ${code ?? (e as Error).message}` };
  }
}

const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;

async function fetchBulletin(source: string, timeoutMs: number, maxBytes: number): Promise<BulletinSource> {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return { ok: false, problem: `not a valid URL: ${source}`, usage: true };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return {
      ok: false,
      problem: `only http and https URLs can be fetched, not ${url.protocol}`,
      usage: true,
    };
  const signal = AbortSignal.timeout(timeoutMs);
  const late = () => ({
    ok: false as const,
    problem: `${url.host} did not answer in full within ${timeoutMs / 1000} s`,
  });
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow', headers: { accept: 'application/json' } });
  } catch (e) {
    if (signal.aborted) return late();
    const cause = (e as { cause?: { code?: string } }).cause;
    return { ok: false, problem: `cannot reach ${url.host}${cause?.code ? ` (${cause.code})` : ''}` };
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    return {
      ok: false,
      problem: `${url.host} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}, not 200`,
    };
  }
  const tooLarge = {
    ok: false as const,
    problem: `the answer of ${url.host} is too large (over ${mib(maxBytes)})`,
  };
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return tooLarge;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    if (res.body)
      for await (const chunk of res.body) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          await res.body.cancel().catch(() => {});
          return tooLarge;
        }
        chunks.push(chunk);
      }
  } catch {
    if (signal.aborted) return late();
    return { ok: false, problem: `the answer of ${url.host} broke off` };
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

/**
 * `homeward bulletin verify FILE|URL`: checks a verifiable public bulletin (no node, no database):
 * every count against the disclosed leaves, every stage commitment, the log inclusion proof and the
 * checkpoint's signature and cosignatures, and every stage confirmation package. The file as the
 * bulletin page downloads it, or the answer of GET /api/public/bulletin, both as they are. Exit 0
 * when all check out; 1 with one line naming the first thing that failed (all of them with --all), or
 * why the bulletin could not be had (no such file, host unreachable, not 200, too large, not JSON);
 * 2 for a usage error (a bad option or argument, a URL that is not http or https).
 */
export function registerBulletinCommands(program: Command): Command {
  const bulletin = program.command('bulletin').description('public bulletins of exchanges');
  bulletin
    .command('verify <file-or-url>')
    .description(
      'verify a bulletin.json (a file, or an http(s) URL such as https://NODE/api/public/bulletin.json): counts, commitments, signatures, log inclusion. Exit 0 verified, 1 not verified or not readable, 2 usage',
    )
    .option('--log-key <vkey>', "the publishing node's verifier key to trust (default: the one in the file)")
    .option('--witness-key <vkey...>', 'witness keys to trust (default: those in the file)')
    .option(
      '--quorum <n>',
      'witness cosignatures required (default: the quorum in the file)',
      intArg('quorum', 0, 16),
    )
    .option('--all', 'list every problem, not only the first', false)
    .exitOverride((err) => {
      // Usage errors exit 2 (commander's default is 1, which here means "not verified").
      throw err.exitCode === 0 ? err : new CommanderError(2, err.code, err.message);
    })
    .action(
      async (
        source: string,
        o: { logKey?: string; witnessKey?: string[]; quorum?: number; all: boolean },
      ) => {
        const { verifiableOf, verifyVerifiableBulletin } = await import('../app/reports/bulletin-verify.ts');
        return run(async () => {
          const read = await readBulletinSource(source);
          if (!read.ok) {
            if (read.usage) {
              io().stderr.write(`homeward: ${read.problem}\n`);
              return 2;
            }
            io().stdout.write(`FAILED: ${read.problem}\n`);
            return 1;
          }
          let document: unknown;
          try {
            document = JSON.parse(read.text);
          } catch {
            io().stdout.write(`FAILED: ${source}: not readable JSON\n`);
            return 1;
          }
          const json = verifiableOf(document);
          const r = verifyVerifiableBulletin(json, {
            ...(o.logKey ? { logKey: o.logKey } : {}),
            ...(o.witnessKey ? { witnessKeys: o.witnessKey } : {}),
            ...(o.quorum !== undefined ? { quorum: o.quorum } : {}),
          });
          if (!r.ok) {
            for (const p of o.all ? r.problems : r.problems.slice(0, 1)) io().stdout.write(`FAILED: ${p}\n`);
            return 1;
          }
          io().stdout.write(`OK: ${r.summary}\n`);
          if (!o.logKey || !o.witnessKey) {
            // A file can name any keys: say which were trusted, so a reader compares them with the
            // keys the nodes publish (`homeward log vkey`, /.well-known/homeward-node).
            const named = json as { log?: { key?: string }; signers?: { id?: string; key?: string }[] };
            const keys = [named.log?.key, ...(named.signers ?? []).map((s) => s.key)].filter(Boolean);
            io().stderr.write(
              `note: keys taken from the file, check them against the nodes' published keys or pass --log-key and --witness-key:\n${[...new Set(keys)].map((k) => `  ${k}\n`).join('')}`,
            );
          }
          return 0;
        });
      },
    );
  return program;
}
