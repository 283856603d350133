import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.ts';
import { fromBase64 } from '../ledger/bytes.ts';
import { openCheckpoint } from '../ledger/checkpoint.ts';
import { encodeLogEntry } from '../ledger/entry.ts';
import { formatVerifierKey, parseVerifierKey } from '../ledger/keys.ts';
import { hashLeaf, verifyConsistency, verifyInclusion } from '../ledger/merkle.ts';
import { ed25519NoteSigner } from '../ledger/note.ts';
import { createPackage } from '../ledger/package.ts';
import { asCommandOn, type Node, newNode, ok, on, tmpRoot } from './testing.ts';

const LOG_TABLES = ['record_commitments', 'log_checkpoints', 'log_nodes', 'log_entries', 'log_head'] as const;

// `homeward log …`, `notarize` and `package …` as a user runs them, on one node.
const NAME = 'cli-log.node';
let node: Node;
let vkey: string;
const file = (name: string, content: string | Uint8Array) => {
  const p = path.join(tmpRoot, name);
  fs.writeFileSync(p, content);
  return p;
};
const hashes = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => fromBase64(l)!);

beforeAll(async () => {
  node = await newNode('log');
  const init = await on(node, ['init', '--name', NAME]);
  ok(init, 'init');
  vkey = /verifier key: (\S+)/.exec(init.stdout)![1]!;
}, 180_000);

describe('homeward log and notarize', () => {
  it('notarizes files, prints a checkpoint that verifies, and proves inclusion and consistency', async () => {
    const a = file('scan-a.txt', 'synthetic scanned list A');
    const b = file('video-b.bin', new Uint8Array([0, 1, 2, 3]));
    const first = await on(node, ['notarize', a]);
    ok(first, 'notarize a');
    const second = await on(node, ['notarize', b, a]);
    ok(second, 'notarize b a');
    const rows = `${first.stdout}${second.stdout}`
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const shaA = createHash('sha256').update('synthetic scanned list A').digest('hex');
    expect(rows).toEqual([
      ['0', shaA, a],
      // Each notarize's audit row is committed by a `records` entry after its own entries.
      [
        '2',
        createHash('sha256')
          .update(new Uint8Array([0, 1, 2, 3]))
          .digest('hex'),
        b,
      ],
      ['3', shaA, a],
    ]);

    const vk = await on(node, ['log', 'vkey']);
    ok(vk, 'vkey');
    expect(vk.stdout).toBe(`${vkey}\n`);
    const cp = await on(node, ['log', 'checkpoint']);
    ok(cp, 'checkpoint');
    const { checkpoint } = openCheckpoint(cp.stdout, { origin: NAME, logKeys: [parseVerifierKey(vkey)] });
    expect(checkpoint.size).toBe(5);

    const proof = await on(node, ['log', 'prove', '--index', '2']);
    ok(proof, 'prove');
    const [leaf, ...path1] = hashes(proof.stdout);
    const entry = encodeLogEntry({ kind: 'notarized', commitment: Buffer.from(rows[1]![1]!, 'hex') });
    expect(Buffer.from(leaf!)).toEqual(Buffer.from(hashLeaf(entry)));
    expect(() => verifyInclusion(2, 5, leaf!, path1, checkpoint.root)).not.toThrow();

    // The first checkpoint (size 1) is consistent with the latest.
    const proofAt1 = await on(node, ['log', 'prove', '--index', '0', '--size', '1']);
    ok(proofAt1, 'prove at size 1');
    const root1 = hashes(proofAt1.stdout)[0]!; // a one-entry tree's root is its leaf hash
    const cons = await on(node, ['log', 'consistency', '--from', '1', '--to', '5']);
    ok(cons, 'consistency');
    expect(() => verifyConsistency(1, 5, root1, checkpoint.root, hashes(cons.stdout))).not.toThrow();

    const audit = await on(node, ['log', 'audit']);
    ok(audit, 'audit');
    expect(audit.stdout).toMatch(/^log audit: OK: 5 entries, 4 checkpoints, 0 cosignatures, 3 records/);
  }, 180_000);

  it('refuses bad input with one clear line and changes nothing', async () => {
    const first = await on(node, ['log', 'checkpoint']);
    ok(first, 'checkpoint before');
    const before = first.stdout;
    const cases: [string[], RegExp][] = [
      [['notarize', path.join(tmpRoot, 'no-such-file')], /cannot read .*no-such-file: ENOENT/],
      [['log', 'prove', '--index', '99'], /index must be below the tree size \d+ \[OUT_OF_RANGE\]/],
      [['log', 'consistency', '--from', '3', '--to', '2'], /\[OUT_OF_RANGE\]/],
      [['log', 'prove', '--index', '-1'], /--index must be a whole number/],
    ];
    for (const [args, message] of cases) {
      const r = await on(node, args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    const after = await on(node, ['log', 'checkpoint']);
    ok(after, 'checkpoint after'); // says why, if the command failed
    expect(after.stdout).toBe(before);
  }, 180_000);
});

describe('homeward package', () => {
  const counterpart = ed25519NoteSigner('party-b.test', new Uint8Array(32).fill(7));
  const make = (sequence: number, previous: Uint8Array | null, payload = { n: sequence }) =>
    createPackage(
      {
        type: 'nomination',
        version: 1,
        recipients: [NAME],
        sequence,
        previous,
        createdAt: new Date('2025-05-20T10:00:00Z'),
        payload,
      },
      counterpart,
    );

  // Every refusal code is tested on the use case (src/app/peers/packages.int.test.ts); here, the commands.
  it('pins a key, verifies and accepts packages, and says why it refuses one', async () => {
    const p1 = make(1, null);
    const p2 = make(2, p1.hash);
    const f1 = file('p1.json', p1.bytes);
    const f2 = file('p2.json', p2.bytes);
    ok(await on(node, ['package', 'pin', formatVerifierKey(counterpart), '--label', 'Party B']), 'pin');
    let r = await on(node, ['package', 'verify', f1]);
    ok(r, 'verify p1');
    expect(r.stdout).toMatch(
      /^OK nomination v1 from party-b\.test\+[0-9a-f]{8} sequence 1 to cli-log\.node\n/,
    );
    expect(r.stdout).toMatch(/not yet accepted/);
    r = await on(node, ['package', 'accept', f1, f2]);
    ok(r, 'accept p1 p2');
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(1)),
    ).toEqual([
      // A type this node does not act on is kept: logged and stored.
      ['nomination', expect.stringMatching(/^party-b\.test\+/), '1', 'kept'],
      ['nomination', expect.stringMatching(/^party-b\.test\+/), '2', 'kept'],
    ]);
    r = await on(node, ['package', 'verify', f2]);
    ok(r, 'verify recorded');
    expect(r.stdout).toMatch(/already accepted, log index \d+/);
    const altered = Buffer.from(p2.bytes).toString('utf8').replace('"n":2', '"n":3');
    r = await on(node, ['package', 'verify', file('altered.json', altered)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'homeward: payload does not match the digest its sender signed [PACKAGE_PAYLOAD_ALTERED]\n',
    );
    const audit = await on(node, ['log', 'audit']);
    ok(audit, 'audit after packages');
  }, 180_000);

  it('pins a key per agreement, refusing half an instruction and a second key for one signer', async () => {
    const key = formatVerifierKey(counterpart);
    const pin = (...extra: string[]) => on(node, ['package', 'pin', key, ...extra]);
    let r = await pin('--agreement', 'agr-65', '--signer', 'party-b', '--role', 'party');
    ok(r, 'pin per agreement');
    expect(r.stdout).toMatch(/^pinned party-b\.test\+[0-9a-f]{8} as party party-b under agreement agr-65\n$/);
    ok(await pin('--agreement', 'agr-65', '--signer', 'party-b', '--role', 'party'), 'pin again: idempotent');
    r = await pin('--agreement', 'agr-65');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--agreement, --signer and --role go together/);
    const other = formatVerifierKey(ed25519NoteSigner('party-b2.test', new Uint8Array(32).fill(8)));
    r = await on(node, [
      'package',
      'pin',
      other,
      '--agreement',
      'agr-65',
      '--signer',
      'party-b',
      '--role',
      'party',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/party-b already has another key under agreement agr-65/);
    r = await pin('--agreement', 'agr-65', '--signer', 'party-b', '--role', 'judge');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/judge/);
  }, 120_000);
});

describe('a node upgraded from before record commitments', () => {
  it('opens with its key, commits the rows it holds once, and audits OK', async () => {
    const old = await newNode('log-upgraded');
    ok(await on(old, ['init', '--name', 'cli-upgraded.node']), 'init');
    ok(
      await on(
        old,
        ['user', 'add', 'old-coordinator', '--role', 'coordinator', '--password-stdin'],
        'a long synthetic password',
      ),
      'user add',
    );
    // What a version before migration 014 left: the rows (here the audit rows), no commitments, an empty log.
    await asCommandOn(old, async () => {
      const database = await openDatabase({
        dataDir: old.dir,
        databaseUrl: old.env.DATABASE_URL,
        schema: old.schema,
      });
      try {
        await database.transaction(async (tx) => {
          for (const t of LOG_TABLES) await sql`ALTER TABLE ${sql.table(t)} DISABLE TRIGGER USER`.execute(tx);
          for (const t of LOG_TABLES.slice(0, 4)) await sql`DELETE FROM ${sql.table(t)}`.execute(tx);
          await sql`UPDATE log_head SET size = 0, frontier = '\\x'::bytea WHERE id = 1`.execute(tx);
          for (const t of LOG_TABLES) await sql`ALTER TABLE ${sql.table(t)} ENABLE TRIGGER USER`.execute(tx);
        });
      } finally {
        await database.close();
      }
    });
    // The next command opens the node's key, then commits the baseline (signed), then audits.
    const audit = await on(old, ['log', 'audit']);
    ok(audit, 'log audit after the upgrade');
    expect(audit.stdout).toMatch(/^log audit: OK: /);
    // Once only: the next start finds the commitments and adds nothing to the log.
    const entries = (out: string) => /OK: (\d+) entries/.exec(out)?.[1];
    const again = await on(old, ['log', 'audit']);
    ok(again, 'log audit on the next start');
    expect(entries(again.stdout)).toBe(entries(audit.stdout));
  }, 120_000);
});
