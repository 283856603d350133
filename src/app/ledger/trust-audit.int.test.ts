// Every change of whom this node trusts, and every signature made with its key, leaves one audit row
// with a typed payload (src/domain/audit-events.ts): key references and hashes, never key material
// beyond its fingerprint, never personal data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLogKeys } from '../../db/ledger.ts';
import type { Database } from '../../db/open.ts';
import { openTestDatabase } from '../../db/testing.ts';
import { cliContext, type RequestContext } from '../../domain/access.ts';
import { formatVerifierKey } from '../../ledger/keys.ts';
import { ed25519NoteSigner } from '../../ledger/note.ts';
import { pinAgreementKey } from '../exchange/agreement-keys.ts';
import { keyRefOf } from '../exchange/signatures.ts';
import { ensureNodeIdentity } from '../node/node-identity.ts';
import { setPeer } from '../peers/outbox.ts';
import { pinKey, sendPackage } from '../peers/packages.ts';
import { addLogWitness, setWitnessQuorum } from './log-cosign.ts';
import { trustLog } from './witness.ts';

let db: Database;
let ctx: RequestContext;
let ownKeyRef: string;
beforeAll(async () => {
  db = await openTestDatabase();
  const identity = await ensureNodeIdentity(db.db, { name: 'audit-node.example' });
  ctx = cliContext(identity.orgId, ['coordinator'], 'tester');
  ownKeyRef = keyRefOf((await loadLogKeys(db.db)).signer);
});
afterAll(async () => {
  await db?.close();
});

let seed = 1;
const counterpartKey = (name: string) =>
  formatVerifierKey(ed25519NoteSigner(name, new Uint8Array(32).fill(seed++)));

/** The audit rows written by `act`, in order. */
async function auditOf(act: () => Promise<unknown>) {
  const last = await db.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  await act();
  return db.db
    .selectFrom('audit_events')
    .select(['action', 'entity_type', 'entity_id', 'actor_name', 'detail'])
    .where('id', '>', String(last?.id ?? 0))
    .orderBy('id')
    .execute();
}

describe('trust changes are audited', () => {
  it('pinning a key: once, with its reference and fingerprint; pinning it again changes nothing', async () => {
    const vkey = counterpartKey('party-b.audit');
    const rows = await auditOf(() => db.transaction((tx) => pinKey(ctx, tx, vkey, 'party B')));
    expect(rows).toEqual([
      {
        action: 'trust.key_pinned',
        entity_type: 'key',
        entity_id: expect.stringMatching(/^party-b\.audit\+[0-9a-f]{8}$/),
        actor_name: 'cli:tester',
        detail: { keyRef: rows[0]!.entity_id, vkeySha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
    ]);
    expect(await auditOf(() => db.transaction((tx) => pinKey(ctx, tx, vkey, 'party B')))).toEqual([]);
  });

  it('pinning a signer’s key under an agreement', async () => {
    const vkey = counterpartKey('party-c.audit');
    const rows = await auditOf(() =>
      db.transaction((tx) =>
        pinAgreementKey(ctx, tx, { agreementId: 'agr-audit', signer: 'party-c', role: 'party', vkey }),
      ),
    );
    expect(rows.map((r) => r.action)).toEqual(['trust.key_pinned', 'trust.agreement_key_pinned']);
    expect(rows[1]!.detail).toEqual({
      agreementId: 'agr-audit',
      signer: 'party-c',
      role: 'party',
      keyRef: rows[0]!.entity_id,
      own: false,
    });
  });

  it('setting a peer URL: the new and the previous URL; the same URL again changes nothing', async () => {
    let rows = await auditOf(() =>
      db.transaction((tx) => setPeer(ctx, tx, 'peer-x.audit', 'https://peer-x.example/homeward/')),
    );
    expect(rows.map((r) => [r.action, r.entity_id, r.detail])).toEqual([
      [
        'trust.peer_set',
        'peer-x.audit',
        { nodeName: 'peer-x.audit', url: 'https://peer-x.example/homeward', previousUrl: null },
      ],
    ]);
    expect(
      await auditOf(() =>
        db.transaction((tx) => setPeer(ctx, tx, 'peer-x.audit', 'https://peer-x.example/homeward')),
      ),
    ).toEqual([]);
    rows = await auditOf(() =>
      db.transaction((tx) => setPeer(ctx, tx, 'peer-x.audit', 'https://elsewhere.example')),
    );
    expect(rows[0]!.detail).toEqual({
      nodeName: 'peer-x.audit',
      url: 'https://elsewhere.example',
      previousUrl: 'https://peer-x.example/homeward',
    });
  });

  it('witnessing a log, adding a witness, setting the quorum', async () => {
    const logKey = counterpartKey('log-y.audit');
    let rows = await auditOf(() => trustLog(db, { vkey: logKey }, ctx));
    expect(rows.map((r) => [r.action, r.entity_id, r.detail])).toEqual([
      [
        'trust.log_witnessed',
        'log-y.audit',
        {
          origin: 'log-y.audit',
          keyRef: expect.stringMatching(/^log-y\.audit\+/),
          size: 0,
          replacedKey: false,
        },
      ],
    ]);
    // Replacing the key of a log not yet cosigned is a trust change too, and says so.
    rows = await auditOf(() => trustLog(db, { vkey: counterpartKey('log-y.audit') }, ctx));
    expect(rows[0]!.detail).toMatchObject({ origin: 'log-y.audit', replacedKey: true });

    rows = await auditOf(() =>
      addLogWitness(
        db,
        { name: 'witness-w.audit', vkey: counterpartKey('witness-w.audit'), url: 'https://w.example/' },
        ctx,
      ),
    );
    expect(rows.map((r) => [r.action, r.entity_id, r.detail])).toEqual([
      [
        'trust.witness_added',
        'witness-w.audit',
        {
          name: 'witness-w.audit',
          keyRef: expect.stringMatching(/^witness-w\.audit\+/),
          url: 'https://w.example',
        },
      ],
    ]);
    rows = await auditOf(() => setWitnessQuorum(db, 1, ctx));
    expect(rows.map((r) => [r.action, r.detail])).toEqual([
      ['trust.witness_quorum_set', { quorum: 1, witnesses: 1 }],
    ]);
    await setWitnessQuorum(db, 0, ctx);
  });

  it('without a request context, the local operator is named (cli:<os user>) in the node’s organisation', async () => {
    const rows = await auditOf(() => trustLog(db, { vkey: counterpartKey('log-z.audit') }));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor_name).toMatch(/^cli:/);
    const org = await db.db
      .selectFrom('audit_events')
      .select('org_id')
      .where('action', '=', 'trust.log_witnessed')
      .where('entity_id', '=', 'log-z.audit')
      .executeTakeFirstOrThrow();
    expect(org.org_id).toBe(ctx.orgId);
  });
});

describe('signatures with the node key are audited', () => {
  it('each package sent: kind, hash and key reference, nothing of its payload', async () => {
    const payload = {
      exchangeId: 'x-audit',
      stageId: 's1',
      signer: 'party-a',
      role: 'party',
      reconciliationHash: 'cd'.repeat(32),
    };
    let sent: Awaited<ReturnType<typeof sendPackage>> | undefined;
    const rows = await auditOf(async () => {
      sent = await db.transaction((tx) =>
        sendPackage(ctx, tx, {
          type: 'exchange.confirmation',
          version: 1,
          recipients: ['party-b.audit', 'mediator-m.audit'],
          payload,
        }),
      );
    });
    const signed = rows.filter((r) => r.action === 'node_key.signed');
    expect(signed.map((r) => r.detail)).toEqual(
      sent!.all.map((p) => ({
        kind: 'package',
        sha256: Buffer.from(p.hash).toString('hex'),
        keyRef: ownKeyRef,
      })),
    );
    for (const r of signed) {
      expect(r.entity_type).toBe('package');
      expect(JSON.stringify(r.detail)).not.toContain('cd'.repeat(32));
    }
  });
});
