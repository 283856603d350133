// The peer inbox's defences (src/http/routes/peer.ts, src/app/peers/inbox-precheck.ts, src/http/rate-limit.ts):
// a size limit, a per-address rate limit, and cheap refusals before any signature is verified. Which
// check refused a body is told by its code and `details.stage` ('envelope': the cheap checks).
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinKey } from '../app/peers/packages.ts';
import { cliContext } from '../domain/access.ts';
import { formatVerifierKey } from '../ledger/keys.ts';
import { ed25519NoteSigner, type NoteSigner } from '../ledger/note.ts';
import { createPackage, PACKAGE_MEDIA_TYPE } from '../ledger/package.ts';
import { type App, buildServer } from './server.ts';
import { buildTestNode, type TestNode } from './testing.ts';

let node: TestNode;
/** The same node with a small size limit and a tight rate limit. */
let strict: App;
const pinned = ed25519NoteSigner('pinned-peer.example', new Uint8Array(32).fill(31));
// Its name holds a brace, a quote and a backslash: the envelope check finds the header's end anyway.
const stranger = ed25519NoteSigner('stranger}"\\peer.example', new Uint8Array(32).fill(32));
beforeAll(async () => {
  node = await buildTestNode({ userPrefix: 'lim' });
  await node.database.transaction((tx) =>
    pinKey(cliContext(node.identity.orgId, ['coordinator'], 'test'), tx, formatVerifierKey(pinned)),
  );
  strict = await buildServer({
    database: node.database,
    identity: node.identity,
    logLevel: 'silent',
    outboxIntervalMs: 0,
    maxPackageBytes: 64 * 1024,
    peerRateLimit: { burst: 3, perSecond: 0.1 },
  });
});
afterAll(async () => {
  await strict?.close();
  await node?.close();
});

let nextAddress = 1;
const address = () => `10.99.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`;
const deliver = (body: Uint8Array, app: App = node.app, remoteAddress = address()) =>
  app.inject({
    method: 'POST',
    url: '/api/peer/packages',
    headers: { 'content-type': PACKAGE_MEDIA_TYPE },
    payload: Buffer.from(body),
    remoteAddress,
  });
const errorOf = (res: LightMyRequestResponse) =>
  (res.json() as { error: { code: string; details?: { stage?: string } } }).error;

function pkg(
  o: {
    signer?: NoteSigner;
    sequence?: number;
    previous?: Uint8Array | null;
    bytes?: number;
    to?: string;
  } = {},
) {
  return createPackage(
    {
      type: 'stage-confirmation',
      version: 1,
      recipients: [o.to ?? node.identity.name],
      sequence: o.sequence ?? 1,
      previous: o.previous ?? null,
      createdAt: new Date('2026-01-01T00:00:00Z'),
      payload: { filler: 'x'.repeat(o.bytes ?? 10) },
    },
    o.signer ?? pinned,
  );
}

/** The same package with its sender's signature changed: same shape, does not verify. */
function resigned(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString('utf8');
  const at = text.lastIndexOf('"signature":"') + '"signature":"'.length;
  return Buffer.from(text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
}

describe('peer inbox limits', () => {
  it('refuses a 7 MB body with 413 before reading it', async () => {
    const started = performance.now();
    const res = await deliver(Buffer.alloc(7 * 1024 * 1024, 'x'));
    expect(res.statusCode).toBe(413);
    expect(errorOf(res).code).toBe('PAYLOAD_TOO_LARGE');
    expect(performance.now() - started).toBeLessThan(2000);
    // The limit is the node's setting.
    const small = await deliver(pkg({ bytes: 100 * 1024 }).bytes, strict, '10.98.0.1');
    expect(small.statusCode).toBe(413);
  });

  it("refuses junk, a stranger, and another node's package at the envelope, before any signature", async () => {
    const junk = await deliver(Buffer.alloc(1024 * 1024, 'x'));
    expect(junk.statusCode).toBe(400);
    expect(errorOf(junk)).toMatchObject({ code: 'PACKAGE_MALFORMED', details: { stage: 'envelope' } });
    const headerless = await deliver(Buffer.from(JSON.stringify({ header: { type: 'x' }, payload: 1 })));
    expect(errorOf(headerless)).toMatchObject({ code: 'PACKAGE_MALFORMED', details: { stage: 'envelope' } });
    const byStranger = await deliver(pkg({ signer: stranger, bytes: 2 * 1024 * 1024 }).bytes);
    expect(byStranger.statusCode).toBe(403);
    expect(byStranger.body).not.toContain('stranger');
    expect(errorOf(byStranger)).toMatchObject({
      code: 'PACKAGE_UNKNOWN_KEY',
      details: { stage: 'envelope' },
    });
    const elsewhere = await deliver(pkg({ to: 'another-node.example' }).bytes);
    expect(elsewhere.statusCode).toBe(422);
    expect(errorOf(elsewhere)).toMatchObject({
      code: 'PACKAGE_WRONG_RECIPIENT',
      details: { stage: 'envelope' },
    });
    // A pinned sender's package with a broken signature passes the envelope and fails verification.
    const forged = await deliver(resigned(pkg({ bytes: 2048 }).bytes));
    expect(forged.statusCode).toBe(422);
    expect(errorOf(forged).code).toBe('PACKAGE_BAD_SIGNATURE');
    expect(errorOf(forged).details?.stage).toBeUndefined();
  });

  it('refuses a replayed sequence at the envelope; the very package again is a retry', async () => {
    const signer = ed25519NoteSigner('replay-peer.example', new Uint8Array(32).fill(33));
    await node.database.transaction((tx) =>
      pinKey(cliContext(node.identity.orgId, ['coordinator'], 'test'), tx, formatVerifierKey(signer)),
    );
    const p1 = pkg({ signer });
    const first = await deliver(p1.bytes);
    expect(first.statusCode).toBe(200);
    const retry = await deliver(p1.bytes);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({
      alreadyAccepted: true,
      logIndex: first.json().logIndex,
      sequence: 1,
    });
    // Another package with the used number, and the same header with other signature bytes: replays.
    const other = await deliver(pkg({ signer, bytes: 20 }).bytes);
    expect(other.statusCode).toBe(409);
    expect(errorOf(other)).toMatchObject({ code: 'PACKAGE_REPLAYED', details: { stage: 'envelope' } });
    const sameHeader = await deliver(resigned(p1.bytes));
    expect(sameHeader.statusCode).toBe(409);
    expect(errorOf(sameHeader)).toMatchObject({ code: 'PACKAGE_REPLAYED', details: { stage: 'envelope' } });
    // The next in sequence is still accepted.
    const p2 = await deliver(pkg({ signer, sequence: 2, previous: p1.hash }).bytes);
    expect(p2.statusCode).toBe(200);
    expect(p2.json()).toMatchObject({ alreadyAccepted: false, sequence: 2 });
  });

  it('limits each client address to its bucket (429 + Retry-After), before reading the body', async () => {
    const [a, b] = ['10.97.0.1', '10.97.0.2'];
    const junk = Buffer.from('not a package');
    for (let i = 0; i < 3; i++) expect((await deliver(junk, strict, a)).statusCode).toBe(400);
    const limited = await deliver(Buffer.alloc(7 * 1024 * 1024, 'x'), strict, a);
    expect(limited.statusCode).toBe(429);
    expect(errorOf(limited).code).toBe('THROTTLED');
    expect(limited.headers['retry-after']).toBe('10');
    // Another address has its own bucket.
    expect((await deliver(junk, strict, b)).statusCode).toBe(400);
  });
});
