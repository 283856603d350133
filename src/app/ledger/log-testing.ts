// Test helpers for the log's HTTP, publication and witness tests: a node with its own name on a
// test database, serving its routes, and synthetic log entries (hashes of made-up strings only).
import { createHash } from 'node:crypto';
import { appendLogEntries } from '../../db/ledger.ts';
import type { Database } from '../../db/open.ts';
import { openTestDatabase } from '../../db/testing.ts';
import { type App, buildServer } from '../../http/server.ts';
import type { LogEntry } from '../../ledger/entry.ts';
import { ensureNodeIdentity, type NodeIdentity } from '../node/node-identity.ts';

export interface LogNode {
  database: Database;
  identity: NodeIdentity;
  app: App;
  /** Base URL once listening (listen: true), else ''. */
  url: string;
  append(n: number, tag?: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * A node named `name` (or, with `sameKeyAs`, a second node holding another node's identity: the
 * same log key and origin over a different database, to forge a fork).
 */
export async function openLogNode(
  name: string,
  opts: { listen?: boolean; sameKeyAs?: LogNode; cosignIntervalMs?: number } = {},
): Promise<LogNode> {
  const database = await openTestDatabase();
  try {
    // Whatever identity the test database came with, this node gets its own.
    await database.db.deleteFrom('node_identity').execute();
    if (opts.sameKeyAs) {
      const row = await opts.sameKeyAs.database.db
        .selectFrom('node_identity')
        .selectAll()
        .executeTakeFirstOrThrow();
      await database.db.insertInto('node_identity').values(row).execute();
    }
    const identity = await ensureNodeIdentity(database.db, { name });
    const app = await buildServer({
      database,
      identity,
      logLevel: 'silent',
      cosignIntervalMs: opts.cosignIntervalMs,
    });
    let url = '';
    if (opts.listen) {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const addr = app.server.address();
      if (typeof addr !== 'object' || !addr) throw new Error('no address');
      url = `http://127.0.0.1:${addr.port}`;
    }
    let counter = 0;
    return {
      database,
      identity,
      app,
      url,
      async append(n, tag = name) {
        const entries: LogEntry[] = Array.from({ length: n }, () => {
          counter += 1;
          return {
            kind: 'notarized',
            commitment: createHash('sha256').update(`synthetic ${tag} ${counter}`).digest(),
          };
        });
        const r = await database.transaction((tx) => appendLogEntries(tx, entries));
        return r.size;
      },
      async close() {
        await app.close();
        await database.close();
      },
    };
  } catch (e) {
    await database.close();
    throw e;
  }
}
