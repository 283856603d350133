// The single demo node's public bulletin (`npm start`: seedDemoExchange then seedDemoBulletin): the
// file downloaded from GET /api/public/bulletin passes verifyVerifiableBulletin and
// `homeward bulletin verify` with the simulated signers (demo-party-b, demo-mediator-m) and the demo
// witness; any altered count, commitment or signature fails; seeding again changes nothing; a demo
// database seeded before the demo signers existed gets them on its next run. Synthetic data only.
// Two databases: demo signers and the demo witness belong to a whole node, not to an organisation.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementKeys } from '../app/agreement-keys.ts';
import { type VerifiableBulletin, verifyVerifiableBulletin } from '../app/bulletin-verify.ts';
import { loadExchange } from '../app/exchange.ts';
import { logStatus } from '../app/log-cosign.ts';
import { ensureNodeIdentity } from '../app/node-identity.ts';
import { signatureProblem } from '../app/signatures.ts';
import { homeward, ok, tmpRoot } from '../cli/testing.ts';
import { appendLogEntries, logSize } from '../db/ledger.ts';
import type { Database } from '../db/open.ts';
import { openTestDatabase } from '../db/testing.ts';
import { cliContext, type RequestContext } from '../domain/access.ts';
import { isDomainError } from '../domain/errors.ts';
import type { Signature } from '../domain/exchange/common.ts';
import { numericAgreement } from '../domain/exchange/testing.ts';
import { type App, buildServer } from '../http/server.ts';
import { parseVerifierKey } from '../ledger/keys.ts';
import { createDemoSigners, DEMO_SIGNER_LABEL, DEMO_WITNESS_NAME } from './demo-signers.ts';
import { DEMO_BULLETIN_STAGE_ID, seedDemoBulletin } from './public-bulletin-demo.ts';
import { DEMO_EXCHANGE_ID, seedDemoExchange } from './stage-board-demo.ts';

interface DemoNode {
  database: Database;
  app: App;
  ctx: RequestContext;
  run: Database['transaction'];
  close(): Promise<void>;
}

/** A node on a test database, marked demo unless `demo: false` (as `homeward demo` marks a fresh one). */
async function openNode(demo = true): Promise<DemoNode> {
  const database = await openTestDatabase();
  if (demo) await database.db.updateTable('node_identity').set({ demo: true }).execute();
  const identity = await ensureNodeIdentity(database.db);
  const app = await buildServer({ database, identity, logLevel: 'silent' });
  return {
    database,
    app,
    ctx: cliContext(identity.orgId, ['coordinator'], 'demo'),
    run: (fn) => database.transaction(fn),
    async close() {
      await app.close();
      await database.close();
    },
  };
}

async function seed(n: DemoNode) {
  await seedDemoExchange(n.run, n.ctx);
  return seedDemoBulletin(n.run, n.ctx);
}

async function download(n: DemoNode): Promise<{ demo: boolean; verifiable: VerifiableBulletin }> {
  const res = await n.app.inject({ method: 'GET', url: '/api/public/bulletin' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

let node: DemoNode;
let file: VerifiableBulletin;
let cosignedSize: number;
beforeAll(async () => {
  node = await openNode();
  const r = await seed(node);
  expect(r.published).toBe(true);
  expect(r.demoKeys).toHaveLength(2);
  cosignedSize = r.cosigned!;
  const body = await download(node);
  expect(body.demo).toBe(true);
  file = body.verifiable;
});
afterAll(async () => {
  await node?.close();
});

const clone = (): VerifiableBulletin => JSON.parse(JSON.stringify(file));
const keyName = (vkey: string) => vkey.slice(0, vkey.indexOf('+'));

describe('the demo node’s public bulletin', () => {
  it('verifies: counts, commitments, the demo witness’s cosignature, the demo signers’ packages', () => {
    const r = verifyVerifiableBulletin(clone());
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.summary).toMatch(/1 stage\(s\), 23 to Party A, 23 to Party B/);
    expect(r.summary).toMatch(/cosigned by 1 witness/);
    expect(file.agreementSignatures).toHaveLength(3);
    expect(file.confirmations).toEqual([{ stageId: 'stage-0', packages: expect.any(Array) }]);
    expect(file.confirmations[0]!.packages).toHaveLength(3);
    // Party A is this node; the others are demo keys, named so, and so is the witness.
    const signers = Object.fromEntries(file.signers.map((s) => [s.id, keyName(s.key)]));
    expect(signers).toEqual({
      'party-a': 'test-node.example',
      'party-b': 'demo-party-b',
      'mediator-m': 'demo-mediator-m',
    });
    expect(file.log.witnesses.map((w) => w.name)).toEqual([DEMO_WITNESS_NAME]);
    expect(file.log.quorum).toBe(1);
    expect(JSON.stringify(file)).not.toMatch(/person:|PRIVATE/);
  });

  it('logged like any package: the node’s own sent, the demo signers’ accepted, their keys pinned as demo', async () => {
    const rows = await node.database.db
      .selectFrom('packages')
      .select(['direction', 'sender', 'type', 'peer'])
      .orderBy('log_index')
      .execute();
    // The node's own packages: one to each of the two (simulated) others, each in its own chain.
    expect(rows.map((p) => [p.direction, p.sender.split('+')[0], p.type, p.peer])).toEqual([
      ['sent', 'test-node.example', 'agreement.signature', 'demo-party-b'],
      ['sent', 'test-node.example', 'agreement.signature', 'demo-mediator-m'],
      ['sent', 'test-node.example', 'exchange.confirmation', 'demo-party-b'],
      ['sent', 'test-node.example', 'exchange.confirmation', 'demo-mediator-m'],
      ['accepted', 'demo-party-b', 'agreement.signature', ''],
      ['accepted', 'demo-party-b', 'exchange.confirmation', ''],
      ['accepted', 'demo-mediator-m', 'agreement.signature', ''],
      ['accepted', 'demo-mediator-m', 'exchange.confirmation', ''],
    ]);
    const pinned = await node.database.db.selectFrom('pinned_keys').select(['key_ref', 'label']).execute();
    expect(pinned.map((p) => p.key_ref.split('+')[0]).sort()).toEqual(['demo-mediator-m', 'demo-party-b']);
    for (const p of pinned) expect(p.label.startsWith(DEMO_SIGNER_LABEL)).toBe(true);
    // Pinned for the agreement too, the node's own key as Party A; the stage's signatures in the
    // stream and in the packages are Ed25519 values by those keys.
    const { state } = await loadExchange(node.database.db, node.ctx, DEMO_EXCHANGE_ID);
    const keys = await agreementKeys(node.database.db, state.agreement.id);
    expect(keys.map((k) => [k.signer, k.nodeName])).toEqual([
      ['mediator-m', 'demo-mediator-m'],
      ['party-a', 'test-node.example'],
      ['party-b', 'demo-party-b'],
    ]);
    const keyOf = new Map(keys.map((k) => [k.signer, parseVerifierKey(k.vkey)]));
    const stage = state.stages[DEMO_BULLETIN_STAGE_ID]!;
    const signatures = [
      ...stage.manifestSignatures.flat(),
      ...stage.confirmations,
      ...file.agreementSignatures.map((t) => JSON.parse(t).payload.signature as Signature),
    ];
    expect(signatures).toHaveLength(2 + 3 + 3);
    for (const s of signatures) expect(signatureProblem(s, keyOf.get(s.signer)!), s.signer).toBeUndefined();
  });

  it('seeding again changes nothing; after more log entries the proof still ends in the cosigned checkpoint', async () => {
    const size = await logSize(node.database.db);
    const again = await seed(node);
    expect(again).toEqual({ published: false, demoKeys: [], cosigned: null });
    expect(await logSize(node.database.db)).toBe(size);
    expect(await node.database.db.selectFrom('pinned_keys').select('vkey').execute()).toHaveLength(2);

    await node.run((tx) =>
      appendLogEntries(tx, [{ kind: 'test.entry', commitment: new Uint8Array(32).fill(7) }]),
    );
    const later = (await download(node)).verifiable;
    expect(verifyVerifiableBulletin(later)).toMatchObject({ ok: true, problems: [] });
    expect(later.log.proof).toContain(`\n${cosignedSize}\n`);
    // The demo witness cosigned once; later checkpoints are not final (it has no URL to ask).
    expect(await logStatus(node.database.db)).toMatchObject({
      final: false,
      final_size: cosignedSize,
      quorum: 1,
    });
  });

  it('fails when any count, commitment, signature byte, proof line or package is altered', () => {
    const flip = (s: string, at: number, alphabet: string) => {
      const r = alphabet[(alphabet.indexOf(s[at]!) + 1) % alphabet.length]!;
      return s.slice(0, at) + r + s.slice(at + 1);
    };
    const HEX = '0123456789abcdef';
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    // biome-ignore lint/suspicious/noExplicitAny: mutating parsed JSON in place
    const bul = (f: VerifiableBulletin) => f.bulletin as any;
    const stage = (f: VerifiableBulletin, i: number) => bul(f).stages[i % bul(f).stages.length];
    const mutations: Record<string, (f: VerifiableBulletin, i: number, j: number) => void> = {
      stageCount: (f, i, j) => {
        const cell = stage(f, i).cells[j % stage(f, i).cells.length];
        cell.value = cell.value === null ? 3 : cell.value + 1;
      },
      cumulativeCount: (f, i) => {
        const cell = bul(f).cumulative[i % bul(f).cumulative.length];
        cell.value = cell.value === null ? 3 : cell.value + 1;
      },
      records: (f, i) => {
        stage(f, i).records += 1;
      },
      commitment: (f, i, j) => {
        stage(f, i).commitment = flip(stage(f, i).commitment, j % 64, HEX);
      },
      confirmationHash: (f, i, j) => {
        stage(f, i).confirmation = flip(stage(f, i).confirmation, j % 64, HEX);
      },
      agreementHash: (f, _i, j) => {
        bul(f).agreement.hash = flip(bul(f).agreement.hash, j % 64, HEX);
      },
      leaf: (f, i, j) => {
        // biome-ignore lint/suspicious/noExplicitAny: parsed JSON
        const ds = f.disclosures as any[];
        const d = ds[i % ds.length];
        const leaf = d.leaves[j % d.leaves.length];
        leaf.salt = flip(leaf.salt, j % 64, HEX);
      },
      checkpointSignature: (f, i, j) => {
        // The node's signature or the demo witness's cosignature: a byte after the key id.
        const lines = f.log.proof.split('\n');
        const sigs = lines.map((l, k) => [l, k] as const).filter(([l]) => l.startsWith('— '));
        const [line, k] = sigs[i % sigs.length]!;
        lines[k] = flip(line, line.lastIndexOf(' ') + 1 + 8 + (j % 40), B64);
        f.log.proof = lines.join('\n');
      },
      proofIndex: (f, i) => {
        f.log.proof = f.log.proof.replace(/^index (\d+)$/m, (_, n) => `index ${Number(n) + 1 + (i % 3)}`);
      },
      dropWitness: (f) => {
        f.log.proof = f.log.proof
          .split('\n')
          .filter((l) => !l.startsWith(`— ${DEMO_WITNESS_NAME} `))
          .join('\n');
      },
      confirmationPackage: (f, _i, j) => {
        const c = f.confirmations[0]!;
        const k = j % c.packages.length;
        const pkg = JSON.parse(c.packages[k]!);
        if (j % 2 === 0) pkg.signatures[0].signature = flip(pkg.signatures[0].signature, (j >> 1) % 80, B64);
        else pkg.payload.reconciliationHash = flip(pkg.payload.reconciliationHash, 3, HEX);
        c.packages[k] = JSON.stringify(pkg);
      },
      agreementSignature: (f, i, j) => {
        const k = i % f.agreementSignatures.length;
        if (j % 2 === 0) f.agreementSignatures.splice(k, 1);
        else {
          const pkg = JSON.parse(f.agreementSignatures[k]!);
          pkg.signatures[0].signature = flip(pkg.signatures[0].signature, (j >> 1) % 80, B64);
          f.agreementSignatures[k] = JSON.stringify(pkg);
        }
      },
      signerKey: (f, i) => {
        const s = f.signers[i % f.signers.length]!;
        s.key = f.signers[(i + 1) % f.signers.length]!.key;
      },
      dropConfirmation: (f, _i, j) => {
        const c = f.confirmations[0]!;
        c.packages.splice(j % c.packages.length, 1);
      },
    };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(mutations)), fc.nat(100), fc.nat(1000), (name, i, j) => {
        const f = clone();
        mutations[name]!(f, i, j);
        const r = verifyVerifiableBulletin(f);
        expect(r.ok, `${name} ${i} ${j}`).toBe(false);
        expect(r.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('`homeward bulletin verify` exits 0 on the downloaded file, 1 on an altered count or signature', async () => {
    const write = (name: string, f: VerifiableBulletin) => {
      const p = path.join(tmpRoot, name);
      fs.writeFileSync(p, JSON.stringify(f, null, 2));
      return p;
    };
    const good = await homeward(['bulletin', 'verify', write('bulletin.json', clone())]);
    ok(good, 'bulletin verify');
    expect(good.stdout).toMatch(/^OK: bulletin ".*" verified: 1 stage\(s\), 23 to Party A, 23 to Party B; /);
    expect(good.stderr).toMatch(/demo-party-b\+/);

    const count = clone();
    // biome-ignore lint/suspicious/noExplicitAny: parsed JSON
    (count.bulletin as any).cumulative[0].value += 1;
    const badCount = await homeward(['bulletin', 'verify', write('count.json', count)]);
    expect(badCount.code).toBe(1);
    expect(badCount.stdout).toMatch(/^FAILED: count: /);

    const signature = clone();
    const pkg = JSON.parse(signature.confirmations[0]!.packages[1]!);
    const sig = pkg.signatures[0].signature as string;
    pkg.signatures[0].signature = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    signature.confirmations[0]!.packages[1] = JSON.stringify(pkg);
    const badSignature = await homeward(['bulletin', 'verify', write('signature.json', signature)]);
    expect(badSignature.code).toBe(1);
    expect(badSignature.stdout).toMatch(/^FAILED: confirmation: stage stage-0: the package signed by /);
  }, 60_000);
});

describe('demo signers', () => {
  it('exist only on a demo node; a demo database seeded before them gets them on its next run', async () => {
    const old = await openNode(false);
    try {
      await expect(old.run((tx) => createDemoSigners(old.ctx, tx, numericAgreement()))).rejects.toSatisfy(
        (e) => isDomainError(e) && e.code === 'FORBIDDEN',
      );
      // As seeded before: synthetic signatures only, no witness.
      const before = await seed(old);
      expect(before).toMatchObject({ published: true, demoKeys: [], cosigned: null });
      const stale = (await download(old)).verifiable;
      expect(stale.agreementSignatures).toEqual([]);
      expect(verifyVerifiableBulletin(stale).ok).toBe(false);

      await old.database.db.updateTable('node_identity').set({ demo: true }).execute();
      const upgraded = await seed(old);
      expect(upgraded.published).toBe(false);
      expect(upgraded.demoKeys).toHaveLength(2);
      const now = (await download(old)).verifiable;
      expect(now.bulletin).toEqual(stale.bulletin); // the same bulletin, now signed and cosigned
      expect(verifyVerifiableBulletin(now)).toMatchObject({ ok: true, problems: [] });
    } finally {
      await old.close();
    }
  });
});
