import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationOf } from '../app/peers/inbox.ts';
import { pinKey } from '../app/peers/packages.ts';
import { latestCheckpoint } from '../db/ledger.ts';
import { TEST_NODE_PARTY } from '../db/testing.ts';
import { cliContext } from '../domain/access.ts';
import { formatVerifierKey } from '../ledger/keys.ts';
import { ed25519NoteSigner } from '../ledger/note.ts';
import { createPackage, type EncodedPackage, PACKAGE_MEDIA_TYPE } from '../ledger/package.ts';
import { buildTestNode, type TestNode } from './testing.ts';

let node: TestNode;
const partyB = ed25519NoteSigner('party-b.example', new Uint8Array(32).fill(11));
const stranger = ed25519NoteSigner('stranger.example', new Uint8Array(32).fill(12));

beforeAll(async () => {
  node = await buildTestNode();
  await node.database.transaction((tx) =>
    pinKey(cliContext(node.identity.orgId, ['coordinator'], 'test'), tx, formatVerifierKey(partyB)),
  );
});
afterAll(async () => {
  await node?.close();
});

function chain(n: number, signer = partyB): EncodedPackage[] {
  const out: EncodedPackage[] = [];
  for (let i = 1; i <= n; i++)
    out.push(
      createPackage(
        {
          type: 'stage-confirmation',
          version: 1,
          recipients: [node.identity.name],
          sequence: i,
          previous: out.at(-1)?.hash ?? null,
          createdAt: new Date('2025-05-25T12:00:00Z'),
          payload: { stage: i, handedOver: 303 },
        },
        signer,
      ),
    );
  return out;
}

/** Log entries of every kind but `records` (the record commitments each transaction adds). */
async function entriesOtherThanRecords(): Promise<number> {
  const row = await node.database.db
    .selectFrom('log_entries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('kind', '<>', 'records')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const deliver = (body: Uint8Array | string, contentType = PACKAGE_MEDIA_TYPE) =>
  node.app.inject({
    method: 'POST',
    url: '/api/peer/packages',
    headers: { 'content-type': contentType },
    payload: Buffer.from(body),
  });

describe('peer inbox', () => {
  it('accepts packages in sequence, answers a retried delivery with the same record, and logs each', async () => {
    const [p1, p2, p3] = chain(3);
    const before = (await latestCheckpoint(node.database.db))?.size ?? 0;
    const packagesBefore = await entriesOtherThanRecords();
    const r1 = await deliver(p1!.bytes);
    expect(r1.statusCode).toBe(200);
    expect(r1.json()).toEqual({
      hash: Buffer.from(p1!.hash).toString('base64'),
      logIndex: before,
      sequence: 1,
      alreadyAccepted: false,
      // A type this node does not act on is kept (logged, stored), not applied.
      application: { status: 'kept', code: null, message: null },
    });
    const again = await deliver(p1!.bytes);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ logIndex: before, alreadyAccepted: true });

    const gap = await deliver(p3!.bytes);
    expect(gap.statusCode).toBe(409);
    expect(gap.json().error.code).toBe('PACKAGE_GAP');
    expect((await deliver(p2!.bytes)).json()).toMatchObject({ sequence: 2, alreadyAccepted: false });
    // Each package's entry comes first in its transaction (the records it wrote follow, kind `records`).
    const sizeBefore3 = (await latestCheckpoint(node.database.db))!.size;
    expect((await deliver(p3!.bytes)).json()).toMatchObject({ sequence: 3, logIndex: sizeBefore3 });
    expect(await entriesOtherThanRecords()).toBe(packagesBefore + 3);
  });

  it('accepts and logs an authentic package whose content it refuses, and says why in the answer', async () => {
    const signer = ed25519NoteSigner('party-c.test', new Uint8Array(32).fill(5));
    await node.database.transaction((tx) =>
      pinKey(
        cliContext(node.identity.orgId, ['coordinator'], 'test'),
        tx,
        formatVerifierKey({ name: 'party-c.test', type: 1, publicKey: signer.publicKey }),
      ),
    );
    const pkg = createPackage(
      {
        type: 'exchange.events',
        version: 1,
        recipients: [node.identity.name],
        sequence: 1,
        previous: null,
        createdAt: new Date('2025-05-25T12:00:00Z'),
        payload: { exchangeId: 'no-such-exchange', events: [] },
      },
      signer,
    );
    const before = (await latestCheckpoint(node.database.db))!.size;
    const packagesBefore = await entriesOtherThanRecords();
    const r = await deliver(pkg.bytes);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      logIndex: before,
      application: { status: 'refused', code: 'NOT_FOUND', message: 'no such exchange' },
    });
    // Delivered again: the same answer, nothing applied twice.
    expect((await deliver(pkg.bytes)).json()).toMatchObject({
      alreadyAccepted: true,
      application: { status: 'refused', code: 'NOT_FOUND' },
    });
    expect(await entriesOtherThanRecords()).toBe(packagesBefore + 1);
  });

  it('audits an accepted package as the peer whose pinned key signed it, never as a user', async () => {
    const signer = ed25519NoteSigner('party-d.test', new Uint8Array(32).fill(6));
    const { keyRef } = await node.database.transaction((tx) =>
      pinKey(
        cliContext(node.identity.orgId, ['coordinator'], 'test'),
        tx,
        formatVerifierKey({ name: 'party-d.test', type: 1, publicKey: signer.publicKey }),
      ),
    );
    const [p1] = chain(1, signer);
    expect((await deliver(p1!.bytes)).statusCode).toBe(200);
    const rows = await node.database.db
      .selectFrom('audit_events')
      .select(['org_id', 'actor_id', 'actor_name', 'actor_kind', 'action'])
      .where('entity_id', '=', Buffer.from(p1!.hash).toString('base64'))
      .execute();
    expect(rows).toEqual([
      {
        org_id: node.identity.orgId,
        actor_id: null,
        actor_name: `peer:${keyRef}`,
        actor_kind: 'peer',
        action: 'package.accepted',
      },
    ]);
    // The package side belongs to the node's organisation: another one's context finds nothing.
    const own = cliContext(node.identity.orgId, ['coordinator'], 'test');
    const other = cliContext('another-org.example', ['coordinator'], 'test');
    expect(await applicationOf(own, node.database.db, p1!.hash)).toMatchObject({ status: 'kept' });
    expect(await applicationOf(other, node.database.db, p1!.hash)).toBeUndefined();
  });

  it('/.well-known/homeward-node shows the party the node acts as', async () => {
    const res = await node.app.inject({ method: 'GET', url: '/.well-known/homeward-node' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: node.identity.name,
      party: TEST_NODE_PARTY,
      algorithm: 'Ed25519',
    });
  });

  it('refuses unknown keys, altered packages, wrong media types and garbage, and logs nothing', async () => {
    const [s1] = chain(1, stranger);
    const [p1] = chain(1);
    // A sender with nothing accepted yet, so that its altered package reaches the digest check.
    const partyC = ed25519NoteSigner('party-c.example', new Uint8Array(32).fill(13));
    await node.database.transaction((tx) =>
      pinKey(cliContext(node.identity.orgId, ['coordinator'], 'test'), tx, formatVerifierKey(partyC)),
    );
    const [c1] = chain(1, partyC);
    // Pinning the key is a trust change, committed to the log; nothing after it may add to the log.
    const before = (await latestCheckpoint(node.database.db))!.size;
    const alter = (bytes: Uint8Array) =>
      Buffer.from(bytes).toString('utf8').replace('"handedOver":303', '"handedOver":390');
    const cases: [Awaited<ReturnType<typeof deliver>>, number, string][] = [
      [await deliver(s1!.bytes), 403, 'PACKAGE_UNKNOWN_KEY'],
      [await deliver(alter(c1!.bytes)), 422, 'PACKAGE_PAYLOAD_ALTERED'],
      // The altered copy of a package accepted before is refused as a replay, before any check of it.
      [await deliver(alter(p1!.bytes)), 409, 'PACKAGE_REPLAYED'],
      [await deliver('{"header":'), 400, 'PACKAGE_MALFORMED'],
      [await deliver(p1!.bytes, 'text/plain'), 422, 'VALIDATION_FAILED'],
    ];
    for (const [res, status, code] of cases) {
      expect(res.statusCode, code).toBe(status);
      expect(res.json().error.code, code).toBe(code);
    }
    expect((await latestCheckpoint(node.database.db))!.size).toBe(before);
  });
});
