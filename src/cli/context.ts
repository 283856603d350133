import os from 'node:os';
import path from 'node:path';
import { KEY_FILE_NAME, resolveKeySecret } from '../app/node/key-file.ts';
import { ensureNodeIdentity, type NodeIdentity } from '../app/node/node-identity.ts';
import { type Database, openDatabase } from '../db/open.ts';
import { baselineRecords } from '../db/records-baseline.ts';
import { cliContext, nodeContext, type RequestContext, type Role } from '../domain/access.ts';
import type { NodeTask } from '../domain/actor.ts';
import type { KeySecret } from '../ledger/key-store.ts';
import { io } from './io.ts';

export interface DataOptions {
  data?: string;
  /** --key-file PATH: the key file that seals the node's signing key (src/app/node/key-file.ts). */
  keyFile?: string;
}

/** `--data DIR`, else HOMEWARD_DATA, else ./homeward-data; ignored when DATABASE_URL is set. */
export function dataDirOf(opts: DataOptions): string {
  return path.resolve(opts.data ?? io().env.HOMEWARD_DATA ?? 'homeward-data');
}

export function describeTarget(opts: DataOptions): string {
  return io().env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${dataDirOf(opts)}`;
}

export interface Opened {
  database: Database;
  identity: NodeIdentity;
  /** The key file or passphrase that opened the node's signing key (for `key rotate`). */
  key: KeySecret;
  /** The local operator, a person at the node's shell: audited as cli:<os user> (actor kind operator). */
  as(roles: Role[]): RequestContext;
  /** The node itself, for system work the command starts (deliver the outbox, apply packages). */
  system(task: NodeTask): RequestContext;
}

/** Open the node's database (migrating it) and its identity; the caller closes it. */
export async function openNode(
  opts: DataOptions & { name?: string | undefined; demo?: boolean; party?: string | undefined },
): Promise<Opened> {
  const database = await openDatabase({
    databaseUrl: io().env.DATABASE_URL,
    dataDir: dataDirOf(opts),
    schema: io().schema,
  });
  try {
    const key = await resolveKeySecret(database.db, {
      keyFile: opts.keyFile,
      env: io().env,
      defaultKeyFile: io().env.DATABASE_URL ? undefined : path.join(dataDirOf(opts), KEY_FILE_NAME),
    });
    const identity = await ensureNodeIdentity(database.db, {
      name: opts.name,
      demo: opts.demo,
      party: opts.party,
      key,
    });
    // Rows an older node wrote before record commitments existed get theirs once, signed with the key
    // just opened (src/db/records-baseline.ts); a no-op on every later start.
    await baselineRecords(database);
    const user = (() => {
      try {
        return os.userInfo().username;
      } catch {
        return 'unknown';
      }
    })();
    return {
      database,
      identity,
      key,
      as: (roles) => cliContext(identity.orgId, roles, user),
      system: (task) => nodeContext(identity, task),
    };
  } catch (e) {
    await database.close();
    throw e;
  }
}

/** Read a secret from standard input (for --password-stdin) or prompt for it without echo. */
export async function readSecret(prompt: string, fromStdin: boolean): Promise<string> {
  const input = io().stdin;
  if (fromStdin || !input.isTTY) {
    if (!fromStdin)
      throw new Error('no terminal to ask for a password: pass it on standard input with --password-stdin');
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      io().stderr.write(q);
      const stdin = process.stdin;
      stdin.setRawMode(true);
      stdin.resume();
      let value = '';
      const onData = (buf: Buffer) => {
        for (const ch of buf.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.setRawMode(false);
            stdin.pause();
            stdin.off('data', onData);
            io().stderr.write('\n');
            resolve(value);
            return;
          }
          if (ch === '\u0003') process.exit(130);
          if (ch === '\u007f') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  const first = await ask(prompt);
  const second = await ask('Repeat: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

/** A progress bar on stderr when it is a terminal; silent otherwise. */
export function progressBar(label: string): (done: number, total: number) => void {
  if (!io().stderr.isTTY) return () => {};
  return (done, total) => {
    const width = 30;
    const frac = total ? done / total : 1;
    const filled = Math.round(frac * width);
    io().stderr.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${Math.round(frac * 100)}%`,
    );
    if (done >= total) io().stderr.write('\n');
  };
}

/** Runs `fn` on the opened node and always closes it. */
export async function withNode<T>(opts: DataOptions, fn: (node: Opened) => Promise<T>): Promise<T> {
  const node = await openNode(opts);
  try {
    return await fn(node);
  } finally {
    await node.database.close();
  }
}
