// The node's signing key kept apart from its database (src/ledger/key-store.ts, src/app/node/key-file.ts):
// `homeward init` makes the key file (mode 0600) or seals under HOMEWARD_KEY_PASSPHRASE; the database
// holds the key only sealed; a key file others may read, a missing or wrong key file, a missing
// passphrase: each refused with one clear line. In-process; on PostgreSQL each node is its own schema.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_ROTATION_LOG_KIND } from '../app/node/key-rotation.ts';
import { logSize, readEntries } from '../db/ledger.ts';
import { type Database, openDatabase } from '../db/open.ts';
import { decodeLogEntry } from '../ledger/entry.ts';
import { type Node, newNode, ok, on } from './testing.ts';

const keyFileOf = (node: Node) => node.env.HOMEWARD_KEY_FILE ?? path.join(node.dir, 'node-key');

async function withDb<T>(node: Node, fn: (db: Database) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL;
  const database = url
    ? await openDatabase({ databaseUrl: url, schema: node.schema })
    : await openDatabase({ dataDir: node.dir });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

describe('the node key file', { timeout: 300_000 }, () => {
  it('init creates the key file 0600; the database holds the key only sealed', async () => {
    const node = await newNode('key-init');
    const r = await on(node, ['init', '--name', 'key-init.example']);
    ok(r, 'init');
    const file = keyFileOf(node);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(file, 'utf8').trim();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    const row = await withDb(node, (d) =>
      d.db.selectFrom('node_identity').select(['private_key', 'sealed_key']).executeTakeFirstOrThrow(),
    );
    expect(row.private_key).toBeNull();
    expect(row.sealed_key).toMatch(/^homeward-sealed-key\/v1 file /);
    expect(row.sealed_key).not.toContain(key);
    // The same key file opens the node again: the same verifier key.
    const vkey = await on(node, ['log', 'vkey']);
    ok(vkey, 'vkey');
    expect(r.stdout).toContain(vkey.stdout.trim());
  });

  it('refuses to start with a key file others may read, and says how to fix it', async () => {
    const node = await newNode('key-mode');
    ok(await on(node, ['init', '--name', 'key-mode.example']), 'init');
    const file = keyFileOf(node);
    const before = fs.readFileSync(file);
    fs.chmodSync(file, 0o644);
    const r = await on(node, ['log', 'checkpoint']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/may be read by others \(mode 0644\): run chmod 600/);
    expect(r.stdout).toBe('');
    fs.chmodSync(file, 0o600);
    ok(await on(node, ['log', 'checkpoint']), 'checkpoint with mode 0600');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('a missing or another node’s key file opens nothing and creates no new key', async () => {
    const node = await newNode('key-missing');
    const other = await newNode('key-other');
    ok(await on(node, ['init', '--name', 'key-missing.example']), 'init');
    ok(await on(other, ['init', '--name', 'key-other.example']), 'init other');
    const file = keyFileOf(node);
    const saved = fs.readFileSync(file);
    fs.rmSync(file);
    const missing = await on(node, ['log', 'checkpoint']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/is missing and the node's signing key is sealed under it/);
    expect(fs.existsSync(file)).toBe(false);
    const wrong = await on(node, ['log', 'checkpoint', '--key-file', keyFileOf(other)]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/the key file does not open this node's signing key/);
    fs.writeFileSync(file, saved, { mode: 0o600 });
    ok(await on(node, ['log', 'checkpoint']), 'checkpoint with the key file back');
  });

  it('seals under HOMEWARD_KEY_PASSPHRASE (16 characters at least) and opens only with it', async () => {
    const node = await newNode('key-pass');
    const passphrase = 'synthetic node passphrase 2026';
    const withPass = (p: string | undefined): Node => ({
      ...node,
      env: { ...node.env, HOMEWARD_KEY_FILE: undefined, HOMEWARD_KEY_PASSPHRASE: p },
    });
    const short = await on(withPass('too short'), ['init', '--name', 'key-pass.example']);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 16 characters/);
    ok(await on(withPass(passphrase), ['init', '--name', 'key-pass.example']), 'init with passphrase');
    expect(fs.existsSync(path.join(node.dir, 'node-key'))).toBe(false);
    const row = await withDb(node, (d) =>
      d.db.selectFrom('node_identity').select(['private_key', 'sealed_key']).executeTakeFirstOrThrow(),
    );
    expect(row.private_key).toBeNull();
    expect(row.sealed_key).toMatch(/^homeward-sealed-key\/v1 scrypt /);
    const wrong = await on(withPass('another synthetic passphrase'), ['log', 'checkpoint']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/the passphrase does not open this node's signing key/);
    expect(wrong.stderr).not.toContain('another synthetic passphrase');
    const none = await on(withPass(undefined), ['log', 'checkpoint']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/sealed under a passphrase: set HOMEWARD_KEY_PASSPHRASE/);
    ok(await on(withPass(passphrase), ['log', 'checkpoint']), 'checkpoint with the passphrase');
  });

  it('a PostgreSQL node names its key file; an embedded node defaults to DIR/node-key', async () => {
    const node = await newNode('key-where');
    const env = { ...node.env, HOMEWARD_KEY_FILE: undefined };
    const r = await on({ ...node, env }, ['init', '--name', 'key-where.example']);
    if (process.env.DATABASE_URL) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/PostgreSQL node keeps its signing key apart.*--key-file PATH/);
      const rows = await withDb(node, (d) => d.db.selectFrom('node_identity').select('name').execute());
      expect(rows).toEqual([]);
    } else {
      ok(r, 'init');
      expect(fs.statSync(path.join(node.dir, 'node-key')).mode & 0o777).toBe(0o600);
    }
  });

  it('key rotate: a note signed by the old key and the new; the log audit follows the chain; the key file opens the new key', async () => {
    const node = await newNode('key-rotate');
    const init = await on(node, ['init', '--name', 'key-rotate.example']);
    ok(init, 'init');
    const oldKey = /verifier key: (\S+)/.exec(init.stdout)![1]!;
    const doc = path.join(node.dir, 'evidence.txt');
    fs.writeFileSync(doc, 'synthetic evidence before the rotation');
    ok(await on(node, ['notarize', doc]), 'notarize before');
    // The rotation is at the log's size when it happens (the notarization and its records entry).
    const sizeNow = async () => {
      const status = await on(node, ['log', 'status']);
      ok(status, 'status');
      return (JSON.parse(status.stdout) as { size: number }).size;
    };
    const before = await sizeNow();
    expect(before).toBeGreaterThan(0);
    const keyBytes = fs.readFileSync(keyFileOf(node));
    const r = await on(node, ['key', 'rotate']);
    ok(r, 'key rotate');
    expect(r.stdout).toMatch(
      new RegExp(
        `^rotation 1 at log size ${before}\\nold key: (\\S+)\\nnew key: (\\S+)\\n\\nhomeward/key-rotation/v1\\n`,
      ),
    );
    expect(r.stdout).toContain(`old key: ${oldKey}\n`);
    const newKey = /new key: (\S+)/.exec(r.stdout)![1]!;
    expect(newKey).not.toBe(oldKey);
    // The signed note names the same log size.
    const noteLines = r.stdout.slice(r.stdout.indexOf('homeward/key-rotation/v1')).split('\n');
    expect(noteLines.slice(0, 6)).toEqual([
      'homeward/key-rotation/v1',
      'key-rotate.example',
      '1',
      oldKey,
      newKey,
      String(before),
    ]);
    // Two signature lines under the node's name: the old key's and the new key's.
    expect(r.stdout.match(/^— key-rotate\.example /gm)).toHaveLength(2);
    // The same key file seals the new key; it is not rewritten.
    expect(fs.readFileSync(keyFileOf(node)).equals(keyBytes)).toBe(true);
    const vkey = await on(node, ['log', 'vkey']);
    ok(vkey, 'vkey');
    expect(vkey.stdout.trim()).toBe(newKey);
    fs.writeFileSync(doc, 'synthetic evidence after the rotation');
    ok(await on(node, ['notarize', doc]), 'notarize after');
    const audit = await on(node, ['log', 'audit']);
    ok(audit, 'audit after rotation');
    // Every entry and checkpoint, signed before the rotation and after it; the rotation is entry `before`.
    const stored = await withDb(node, async (d) => ({
      size: await logSize(d.db),
      checkpoints: (await d.db.selectFrom('log_checkpoints').select('size').execute()).length,
      rotation: decodeLogEntry((await readEntries(d.db, before, before + 1))[0]!).kind,
    }));
    expect(stored.size).toBeGreaterThan(before + 1);
    expect(stored.rotation).toBe(KEY_ROTATION_LOG_KIND);
    expect(audit.stdout).toMatch(
      new RegExp(`^log audit: OK: ${stored.size} entries, ${stored.checkpoints} checkpoints`),
    );
    const chain = await on(node, ['key', 'chain']);
    ok(chain, 'key chain');
    expect(chain.stdout).toBe(`${r.stdout.slice(r.stdout.indexOf('homeward/key-rotation/v1'))}\n`);
  });

  it('key follow: a node that pinned another node’s key follows its rotation notes, and refuses a forged chain', async () => {
    const peer = await newNode('key-follower');
    const rotating = await newNode('key-followed');
    ok(await on(peer, ['init', '--name', 'key-follower.example']), 'init peer');
    const init = await on(rotating, ['init', '--name', 'key-followed.example']);
    ok(init, 'init rotating');
    const oldKey = /verifier key: (\S+)/.exec(init.stdout)![1]!;
    ok(await on(peer, ['package', 'pin', oldKey, '--label', 'followed node']), 'pin');
    const rotated = await on(rotating, ['key', 'rotate']);
    ok(rotated, 'rotate');
    const newKey = /new key: (\S+)/.exec(rotated.stdout)![1]!;
    const json = await on(rotating, ['key', 'chain', '--json']);
    ok(json, 'chain --json');
    const file = path.join(peer.dir, 'followed-keys.json');
    const published = JSON.parse(json.stdout) as { rotations: string[] };
    // A note altered by one character (the log size) no longer verifies: refused, nothing pinned.
    fs.writeFileSync(
      file,
      JSON.stringify({ ...published, rotations: [published.rotations[0]!.replace(/\n0\n\n/, '\n1\n\n')] }),
    );
    const forged = await on(peer, ['key', 'follow', file]);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/KEY_ROTATION_REFUSED/);
    fs.writeFileSync(file, json.stdout);
    const r = await on(peer, ['key', 'follow', file]);
    ok(r, 'follow');
    expect(r.stdout).toBe(`pinned: ${oldKey} -> ${newKey}\n`);
    const again = await on(peer, ['key', 'follow', file]);
    ok(again, 'follow again');
    expect(again.stdout).toBe('already following the current key\n');
  });
});
