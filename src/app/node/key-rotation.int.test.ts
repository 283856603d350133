// `key rotate` on a node: the note signed by the old key and the new one, published at /log/keys;
// later checkpoints signed with the new key, earlier ones still verifying with the old; the audit and
// the witness check follow the chain; a rotation row forged in the database is refused.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyChain } from '../../db/key-chain.ts';
import {
  checkpointAt,
  latestCheckpoint,
  loadNodeKeyStore,
  logSize,
  noteSignerOf,
  readEntries,
} from '../../db/ledger.ts';
import { auditStoredLog } from '../../db/ledger-audit.ts';
import { testContext } from '../../db/testing.ts';
import { openCheckpoint } from '../../ledger/checkpoint.ts';
import { decodeLogEntry } from '../../ledger/entry.ts';
import { isLedgerError } from '../../ledger/errors.ts';
import { followKeyChain, signRotation } from '../../ledger/key-rotation.ts';
import type { KeySecret } from '../../ledger/key-store.ts';
import { parseVerifierKey } from '../../ledger/keys.ts';
import { ed25519NoteSigner, formatKeyId } from '../../ledger/note.ts';
import { createPackage } from '../../ledger/package.ts';
import { addLogWitness, cosignLatest } from '../ledger/log-cosign.ts';
import { type LogNode, openLogNode } from '../ledger/log-testing.ts';
import { checkWithWitnesses } from '../ledger/log-witness-check.ts';
import { trustLog, witnessVerifierKey } from '../ledger/witness.ts';
import { checkPackage, pinKey } from '../peers/packages.ts';
import { followKeyRotations, type PublishedKeys } from './key-follow.ts';
import { KEY_ROTATION_LOG_KIND, rotateNodeKey } from './key-rotation.ts';

let node: LogNode;
let witness: LogNode;
// In-process test nodes seal under the setup's in-memory key (src/app/test-setup.ts); a rotation
// seals the new key under whatever secret it is given: here a key file's 32 bytes.
const secret: KeySecret = { kind: 'file', key: new Uint8Array(32).fill(3) };

beforeAll(async () => {
  node = await openLogNode('rotating.example', { listen: true });
  witness = await openLogNode('rotation-witness.example', { listen: true });
  await trustLog(witness.database, { vkey: node.identity.verifierKey });
  await addLogWitness(node.database, {
    name: witness.identity.name,
    vkey: await witnessVerifierKey(witness.database.db),
    url: `${witness.url}/log/witness`,
  });
});
afterAll(async () => {
  await node?.close().catch(() => {});
  await witness?.close().catch(() => {});
});

describe('key rotation', () => {
  it('old checkpoints verify with the old key, later ones with the new; verifiers follow the published chain', async () => {
    const db = node.database.db;
    const oldKey = parseVerifierKey(node.identity.verifierKey);
    await node.append(3);
    // The witness's configuration is itself committed to the log: read the size, not assume it.
    const before = await logSize(db);
    expect((await cosignLatest(node.database)).cosigned_by).toEqual(['rotation-witness.example']);
    const r = await rotateNodeKey(testContext(['coordinator'], node.identity.orgId), node.database, secret);
    expect(r).toMatchObject({ seq: 1, logSize: before, oldKey: node.identity.verifierKey });
    expect(r.newKey).not.toBe(r.oldKey);
    const newKey = parseVerifierKey(r.newKey);
    const rotated = await logSize(db);
    await node.append(2);
    const last = await logSize(db);
    expect(last).toBe(rotated + 2);

    // Every checkpoint up to the rotation's log size verifies with the old key only, every later one
    // with the new key only.
    const sizes = (await db.selectFrom('log_checkpoints').select('size').orderBy('size').execute()).map((c) =>
      Number(c.size),
    );
    expect(sizes).toContain(before);
    expect(sizes.at(-1)).toBe(last);
    for (const size of sizes) {
      const cp = (await checkpointAt(db, size))!;
      const [holds, refuses] = size <= before ? [oldKey, newKey] : [newKey, oldKey];
      expect(() => openCheckpoint(cp.note, { origin: 'rotating.example', logKeys: [holds] })).not.toThrow();
      expect(() => openCheckpoint(cp.note, { origin: 'rotating.example', logKeys: [refuses] })).toThrow();
    }
    // The rotation itself is logged: entry `before`, in the first checkpoint signed with the new key.
    const [entry] = await readEntries(db, before, before + 1);
    const logged = decodeLogEntry(entry!);
    expect(logged.kind).toBe(KEY_ROTATION_LOG_KIND);
    expect(Buffer.from(logged.commitment).toString('hex')).toBe(
      createHash('sha256').update(r.note).digest('hex'),
    );
    expect(sizes).toContain(before + 1);
    expect((await auditStoredLog(db, { workers: 0 })).problems).toEqual([]);

    const res = await node.app.inject({ method: 'GET', url: '/log/keys' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { origin: string; current: string; rotations: string[] };
    expect(body).toEqual({ origin: 'rotating.example', current: r.newKey, rotations: [r.note] });
    // A peer that pinned the old key follows the notes to the new one.
    const chain = followKeyChain(oldKey, body.rotations);
    expect(chain.keys.map((k) => k.keyId)).toEqual([oldKey.keyId, newKey.keyId]);

    // The witness cosigned size 3 under the old key: still consistent with the log, through the chain.
    const [check] = await checkWithWitnesses(db, [`${witness.url}/log/witness`]);
    expect(check).toMatchObject({ result: 'consistent', size: before });
    expect((await latestCheckpoint(db))!.size).toBe(last);
  });

  it('a rotation row forged in the database (not signed by the key held before) breaks the chain, and the audit says so', async () => {
    const db = node.database.db;
    const attacker = ed25519NoteSigner('rotating.example', new Uint8Array(32).fill(7));
    const other = ed25519NoteSigner('rotating.example', new Uint8Array(32).fill(8));
    const current = await db.selectFrom('node_identity').select('public_key').executeTakeFirstOrThrow();
    const forged = signRotation({ origin: 'rotating.example', seq: 2, logSize: 6 }, attacker, other);
    await node.database
      .transaction(async (tx) => {
        await tx
          .insertInto('node_key_rotations')
          .values({
            seq: 2,
            old_public_key: current.public_key,
            new_public_key: Buffer.from(other.publicKey).toString('base64'),
            note: forged,
          })
          .execute();
        await expect(loadKeyChain(tx)).rejects.toThrow(/does not start from the key held now/);
        await sql`SELECT 1`.execute(tx);
        throw new Undo();
      })
      .catch((e) => {
        if (!(e instanceof Undo)) throw e;
      });
    expect((await loadKeyChain(db)).keys).toHaveLength(2);
  });

  it('a peer that pinned the old key follows the published chain: packages signed with the new key verify, its witness cosigns again', async () => {
    const peer = witness;
    const ctx = testContext(['coordinator'], peer.identity.orgId);
    await peer.database.transaction((tx) => pinKey(ctx, tx, node.identity.verifierKey, 'rotating node'));
    const newSigner = noteSignerOf(await loadNodeKeyStore(node.database.db));
    const pkg = createPackage(
      {
        type: 'manifest',
        version: 1,
        recipients: [peer.identity.name],
        sequence: 1,
        previous: null,
        createdAt: new Date('2026-12-07T08:00:00Z'),
        payload: { stage: 1 },
      },
      newSigner,
    );
    const codeOf = (e: unknown) => (isLedgerError(e) ? e.code : String(e));
    const before = await checkPackage(ctx, peer.database.db, pkg.bytes).catch(codeOf);
    expect(typeof before).toBe('string');
    // Checkpoints under the new key are refused by the witness until it follows the rotation.
    await node.append(1);
    expect((await cosignLatest(node.database)).cosigned_by).toEqual([]);

    // Notes that do not continue from the held key change nothing.
    const published = (await node.app.inject({ method: 'GET', url: '/log/keys' })).json() as PublishedKeys;
    const stranger = ed25519NoteSigner('rotating.example', new Uint8Array(32).fill(5));
    const forged = {
      ...published,
      rotations: [signRotation({ origin: 'rotating.example', seq: 1, logSize: 3 }, stranger, stranger)],
    };
    await expect(
      peer.database.transaction((tx) => followKeyRotations(ctx, tx, forged)).catch(codeOf),
    ).resolves.toBe('KEY_ROTATION_REFUSED');
    expect(await peer.database.db.selectFrom('pinned_keys').select('vkey').execute()).toHaveLength(1);

    const followed = await peer.database.transaction((tx) => followKeyRotations(ctx, tx, published));
    expect(followed.map((f) => [f.where, f.to])).toEqual([
      ['pinned', published.current],
      ['witnessed', published.current],
    ]);
    const after = await checkPackage(ctx, peer.database.db, pkg.bytes);
    expect(after.header.sender).toBe(`rotating.example+${formatKeyId(newSigner.keyId)}`);
    expect(after.signedBy[0]!.keyId).toBe(newSigner.keyId);
    const cosigned = await cosignLatest(node.database);
    expect(cosigned).toMatchObject({ cosigned_by: ['rotation-witness.example'] });
    expect((await auditStoredLog(node.database.db, { workers: 0 })).problems).toEqual([]);
  });
});

class Undo extends Error {}
