// `homeward log audit --witness URL…` as an operator runs it, against a real witness node
// (in-process Fastify on a real port): OK while the witness's cosigned checkpoint is a prefix of the
// log; after the log is rebuilt around an altered entry and re-signed with the node's real key, the
// plain audit still passes and the witness check fails with the evidence. Exit codes as `log audit`.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildLog } from '../app/ledger/log-tamper-testing.ts';
import { type LogNode, openLogNode } from '../app/ledger/log-testing.ts';
import { trustLog, witnessVerifierKey } from '../app/ledger/witness.ts';
import { readKeyFile } from '../app/node/key-file.ts';
import { ensureNodeIdentity } from '../app/node/node-identity.ts';
import { openDatabase } from '../db/open.ts';
import { type Node, newNode, ok, on, tmpRoot } from './testing.ts';

let node: Node;
let witness: LogNode;
let witnessUrl: string;

beforeAll(async () => {
  witness = await openLogNode('cli-audit-witness.example', { listen: true });
  witnessUrl = `${witness.url}/log/witness`;
  node = await newNode('audit-witness');
  const init = await on(node, ['init', '--name', 'cli-audited.example']);
  ok(init, 'init');
  await trustLog(witness.database, { vkey: /verifier key: (\S+)/.exec(init.stdout)![1]! });
  const vkey = await witnessVerifierKey(witness.database.db);
  ok(
    await on(node, ['log', 'witness', 'add', witness.identity.name, '--vkey', vkey, '--url', witnessUrl]),
    'add',
  );
  ok(await on(node, ['log', 'quorum', '1']), 'quorum');
}, 180_000);
afterAll(async () => {
  await witness?.close().catch(() => {});
});

/** The log's size (its latest checkpoint), as `log status` reports it. */
const sizeNow = async () => {
  const status = await on(node, ['log', 'status']);
  ok(status, 'status');
  return (JSON.parse(status.stdout) as { size: number }).size;
};
// The witness's configuration is itself committed to the log, so sizes are read, not assumed.
let cosigned: number;
let grown: number;

const notarize = async (text: string) => {
  const file = path.join(tmpRoot, `audit-witness-${text.length}-${Date.now()}.txt`);
  fs.writeFileSync(file, text);
  ok(await on(node, ['notarize', file]), 'notarize');
};

describe('homeward log audit --witness', { timeout: 300_000 }, () => {
  it('reports the newest checkpoint lacking its quorum, and a witness consistent with the log', async () => {
    await notarize('synthetic evidence one');
    await notarize('synthetic evidence two, a second batch');
    cosigned = await sizeNow();
    const notFinal = await on(node, ['log', 'audit']);
    ok(notFinal, 'audit');
    expect(notFinal.stdout).toMatch(
      new RegExp(
        `^not final: checkpoint ${cosigned} has 0 of 1 witness cosignatures \\(no checkpoint is final yet\\)$`,
        'm',
      ),
    );
    ok(await on(node, ['log', 'cosign']), 'cosign');
    await notarize('synthetic evidence three, after the cosignature');
    grown = await sizeNow();
    expect(grown).toBeGreaterThan(cosigned);
    const r = await on(node, ['log', 'audit', '--witness', witnessUrl]);
    ok(r, 'audit --witness');
    expect(r.stdout).toMatch(new RegExp(`^log audit: OK: ${grown} entries`));
    expect(r.stdout).toMatch(
      new RegExp(
        `^not final: checkpoint ${grown} has 0 of 1 witness cosignatures \\(newest final checkpoint: ${cosigned}\\)$`,
        'm',
      ),
    );
    expect(r.stdout).toContain(
      `witness ${witnessUrl}: OK: cli-audit-witness.example cosigned size ${cosigned}: consistent with the local checkpoint ${grown}`,
    );
    const dead = await on(node, ['log', 'audit', '--witness', 'http://127.0.0.1:9/w']);
    expect(dead.code).toBe(1);
    expect(dead.stdout).toMatch(
      /^witness http:\/\/127\.0\.0\.1:9\/w: NOT CHECKED: no checkpoint to compare/m,
    );
  });

  it('a log rebuilt and re-signed with the real key passes alone, and the witness shows the fork with evidence', async () => {
    // The attacker here holds the database and, to go further than the database allows, the key file.
    const url = process.env.DATABASE_URL;
    const database = url
      ? await openDatabase({ databaseUrl: url, schema: node.schema })
      : await openDatabase({ dataDir: node.dir });
    try {
      const keyFile = node.env.HOMEWARD_KEY_FILE ?? path.join(node.dir, 'node-key');
      await ensureNodeIdentity(database.db, { key: readKeyFile(keyFile) });
      // The first notarized evidence is altered (the records entries stay as they were).
      let altered = -1;
      await rebuildLog(database, (entries) => {
        altered = entries.findIndex((e) => e.kind === 'notarized');
        return entries.map((e, i) =>
          i === altered ? { ...e, commitment: new Uint8Array(32).fill(0x11) } : e,
        );
      });
      expect(altered).toBeGreaterThanOrEqual(0);
      expect(altered).toBeLessThan(cosigned);
    } finally {
      await database.close();
    }
    const alone = await on(node, ['log', 'audit']);
    ok(alone, 'audit of the rebuilt log');
    expect(alone.stdout).toMatch(new RegExp(`^log audit: OK: ${grown} entries`));

    const r = await on(node, ['log', 'audit', '--witness', witnessUrl]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^log audit: FAILED: ${grown} entries`));
    expect(r.stdout).toMatch(
      new RegExp(
        `^witness .*: FORK: cli-audit-witness\\.example cosigned a tree of size ${cosigned} whose root differs from the root of the stored entries at that size: the log was rewritten or forked$`,
        'm',
      ),
    );
    const root = new RegExp(`^ {2}local root at size ${cosigned}: (\\S+)$`, 'm').exec(r.stdout)?.[1];
    expect(root).toBeDefined();
    const note = r.stdout.slice(r.stdout.indexOf('  the witness cosigned:\n') + 24);
    const lines = note.split('\n').map((l) => l.replace(/^ {4}/, ''));
    expect(lines.slice(0, 2)).toEqual(['cli-audited.example', String(cosigned)]);
    expect(lines[2]).not.toBe(root);
    expect(lines.filter((l) => l.startsWith('— cli-audit-witness.example '))).toHaveLength(1);
  });
});
