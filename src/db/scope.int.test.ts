import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLogKeys, nodeKeyRingOf } from './ledger.ts';
import type { Database } from './open.ts';
import { scopeOf } from './scope.ts';
import { openTestDatabase } from './testing.ts';

// Three nodes in one process, as the demo and the scenario tests run them: each owns its database's
// transaction guard, key ring and caches (src/db/scope.ts); nothing one does is seen by another.
const names = ['node-a.scope.test', 'node-b.scope.test', 'node-c.scope.test'] as const;
let nodes: Database[] = [];

beforeAll(async () => {
  nodes = await Promise.all(names.map((n) => openTestDatabase(n)));
});

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
});

const one = (db: Database['db']) => sql<{ one: number }>`SELECT 1 AS one`.execute(db);

describe('three in-process nodes share nothing', () => {
  it("a transaction on one node does not make another node's guard think it is inside one", async () => {
    const [a, b, c] = nodes as [Database, Database, Database];
    await a.transaction(async (tx) => {
      // The other nodes' outer handles are theirs to use: they are not inside a transaction.
      expect((await one(b.db)).rows).toEqual([{ one: 1 }]);
      expect((await c.transaction((ctx) => one(ctx))).rows).toEqual([{ one: 1 }]);
      // Node A's own outer handle is still refused inside A's transaction.
      await expect(one(a.db)).rejects.toThrow(/outer database handle was used inside a transaction/);
      expect((await one(tx)).rows).toEqual([{ one: 1 }]);
    });
    // After it, A's outer handle works again.
    expect((await one(a.db)).rows).toEqual([{ one: 1 }]);
  });

  it('every handle of a node reaches its scope, and no two nodes have the same one', async () => {
    const scopes = nodes.map((n) => scopeOf(n.db));
    expect(new Set(scopes).size).toBe(3);
    await nodes[1]!.transaction(async (tx) => {
      expect(scopeOf(tx)).toBe(scopes[1]);
    });
  });

  it('each node signs with the key opened for its own database, never with a key another node opened', async () => {
    const [a, b, c] = nodes as [Database, Database, Database];
    const keys = await Promise.all(nodes.map((n) => loadLogKeys(n.db)));
    expect(keys.map((k) => k.origin)).toEqual([...names]);
    const aRow = await a.db
      .selectFrom('node_identity')
      .select(['name', 'org_id', 'public_key', 'sealed_key'])
      .executeTakeFirstOrThrow();
    expect(nodeKeyRingOf(b.db).find(aRow.name, aRow.public_key)).toBeUndefined();
    expect(nodeKeyRingOf(a.db).find(aRow.name, aRow.public_key)).toBeDefined();

    // Node C's database now names node A's key (a copy of A's identity): the process opened that key
    // for A's database only, so C cannot sign with it.
    const cRow = await c.db
      .selectFrom('node_identity')
      .select(['name', 'org_id', 'public_key', 'sealed_key'])
      .executeTakeFirstOrThrow();
    await c.db.updateTable('node_identity').set(aRow).where('id', '=', 1).execute();
    try {
      await expect(loadLogKeys(c.db)).rejects.toThrow(/has not opened the node's signing key/);
    } finally {
      await c.db.updateTable('node_identity').set(cRow).where('id', '=', 1).execute();
    }
    expect((await loadLogKeys(c.db)).origin).toBe(names[2]);
    expect((await loadLogKeys(a.db)).origin).toBe(names[0]);
  });
});
