import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Database, openDatabase } from '../../db/open.ts';
import { writeEncrypted } from './envelope.ts';
import { BackupError, BackupErrorCodes } from './errors.ts';
import { type BackupManifest, BackupReader } from './format.ts';
import { openStoppedNode } from './restore.ts';
import { snapshotLines } from './snapshot.ts';

/**
 * A serving embedded node owns its data directory (the lock), so a backup of it must come from the
 * serving process: it listens on DIR/homeward.sock, a unix socket of mode 0600 (only its owner and
 * root may connect), and answers `snapshot\n` with the plaintext lines of a snapshot. The CLI
 * checks and encrypts them; nothing else is served there.
 */
export const SNAPSHOT_SOCKET = 'homeward.sock';
const REQUEST = 'snapshot';

export interface SnapshotListener {
  close(): Promise<void>;
}

/** Unix socket paths are limited to about 100 bytes. */
const MAX_SOCKET_PATH = 100;

export async function listenForSnapshots(database: Database, dataDir: string): Promise<SnapshotListener> {
  const socketPath = path.join(dataDir, SNAPSHOT_SOCKET);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH)
    throw new Error(
      `the data directory path is too long for the backup socket (${SNAPSHOT_SOCKET}); use a shorter --data path to back up while serving`,
    );
  // This process holds the directory's lock, so a socket file left here is a dead process's.
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((conn) => {
    conn.on('error', () => {});
    let request = '';
    const onData = (chunk: Buffer) => {
      request += chunk.toString('latin1');
      if (!request.includes('\n')) {
        if (request.length > 64) conn.destroy();
        return;
      }
      conn.off('data', onData);
      if (request.split('\n')[0] !== REQUEST) {
        conn.destroy();
        return;
      }
      const lines = (async function* () {
        for await (const line of snapshotLines(database, { dataDir })) yield `${line}\n`;
      })();
      pipeline(Readable.from(lines), conn).catch(() => conn.destroy());
    };
    conn.on('data', onData);
  });
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  fs.chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(socketPath, { force: true });
      }),
  };
}

/** The lines of a snapshot from the node serving `dataDir`, or undefined when none answers there. */
async function snapshotFromServer(dataDir: string): Promise<AsyncGenerator<string> | undefined> {
  const socketPath = path.join(dataDir, SNAPSHOT_SOCKET);
  if (!fs.existsSync(socketPath)) return undefined;
  const conn = await new Promise<net.Socket | undefined>((resolve) => {
    const c = net.connect(socketPath);
    c.once('connect', () => resolve(c));
    c.once('error', () => resolve(undefined));
  });
  if (!conn) return undefined;
  conn.write(`${REQUEST}\n`);
  return (async function* () {
    const rl = readline.createInterface({ input: conn, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of rl) yield line;
    } finally {
      rl.close();
      conn.destroy();
    }
  })();
}

export interface BackupSource {
  /** PostgreSQL connection string; else the embedded node in `dataDir`. */
  databaseUrl?: string | undefined;
  schema?: string | undefined;
  /** The node's data directory (its files; the embedded database). */
  dataDir?: string | undefined;
}

export interface BackupSummary {
  manifest: BackupManifest;
  bytes: number;
  /** Where the snapshot came from. */
  via: 'serving node' | 'database';
}

/**
 * Write an encrypted backup of a node to `out`. A running embedded node is asked over its socket;
 * a stopped one is opened here (read only, not migrated); PostgreSQL is read directly. Every line
 * is checked as it passes, so a snapshot cut short leaves no file.
 */
export async function createBackup(
  source: BackupSource,
  out: string,
  passphrase: string,
  opts: { scryptLogN?: number } = {},
): Promise<BackupSummary> {
  const dir = source.dataDir ? path.resolve(source.dataDir) : undefined;
  let database: Database | undefined;
  let lines: AsyncIterable<string> | undefined;
  let via: BackupSummary['via'] = 'database';
  if (source.databaseUrl) {
    database = await openDatabase({ databaseUrl: source.databaseUrl, schema: source.schema, migrate: false });
    lines = snapshotLines(database, { dataDir: dir });
  } else {
    if (!dir) throw new Error('no node: give a data directory or DATABASE_URL');
    lines = await snapshotFromServer(dir);
    if (lines) via = 'serving node';
    else {
      try {
        database = await openStoppedNode(dir);
      } catch (e) {
        if (e instanceof BackupError && e.code === BackupErrorCodes.NODE_RUNNING)
          throw new BackupError(
            BackupErrorCodes.NODE_RUNNING,
            `the node in ${dir} is running but does not answer on ${SNAPSHOT_SOCKET}; stop it, or restart it with this version`,
          );
        throw e;
      }
      lines = snapshotLines(database, { dataDir: dir });
    }
  }
  try {
    const reader = new BackupReader();
    const checked = (async function* () {
      for await (const line of lines) {
        reader.accept(line);
        yield line;
      }
      reader.finish();
    })();
    const bytes = await writeEncrypted(checked, out, passphrase, opts).catch((e: unknown) => {
      if (via === 'serving node' && !(e instanceof BackupError))
        throw new BackupError(
          BackupErrorCodes.NODE_RUNNING,
          'the serving node stopped sending the snapshot; try again',
        );
      throw e;
    });
    return { manifest: reader.finish(), bytes, via };
  } finally {
    await database?.close();
  }
}
