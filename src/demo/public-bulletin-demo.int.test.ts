// The single demo node's public bulletin (`npm start`: seedDemoExchange then seedDemoBulletin): the
// file downloaded from GET /api/public/bulletin passes verifyVerifiableBulletin and
// `homeward bulletin verify` with the simulated signers (demo-party-b, demo-mediator-m) and the demo
// witness; any altered count, commitment or signature fails; seeding again changes nothing; a demo
// database seeded before the demo signers existed gets them on its next run. Synthetic data only.
// Two databases: demo signers and the demo witness belong to a whole node, not to an organisation.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementKeys } from '../app/exchange/agreement-keys.ts';
import { loadExchange } from '../app/exchange/exchange.ts';
import { signatureProblem } from '../app/exchange/signatures.ts';
import { logStatus } from '../app/ledger/log-cosign.ts';
import { ensureNodeIdentity } from '../app/node/node-identity.ts';
import { type VerifiableBulletin, verifyVerifiableBulletin } from '../app/reports/bulletin-verify.ts';
import { readBulletinSource } from '../cli/bulletin.ts';
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

describe('the bulletin as a file and as the API serves it', () => {
  it('`bulletin verify` passes on the downloaded bytes and the API answer as they are, from files and URLs', async () => {
    const file = await node.app.inject({ method: 'GET', url: '/api/public/bulletin.json' });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toBe('attachment; filename="bulletin.json"');
    const api = await node.app.inject({ method: 'GET', url: '/api/public/bulletin' });
    // The same bulletin: the file is the `verifiable` member of the API's answer.
    expect(JSON.parse(file.body)).toEqual(api.json().verifiable);
    const paths = { file: path.join(tmpRoot, 'downloaded.json'), api: path.join(tmpRoot, 'api.json') };
    fs.writeFileSync(paths.file, file.rawPayload);
    fs.writeFileSync(paths.api, api.rawPayload);
    const base = await node.app.listen({ port: 0, host: '127.0.0.1' });
    const sources = [
      paths.file,
      paths.api,
      `${base}/api/public/bulletin.json`,
      `${base}/api/public/bulletin`,
    ];
    for (const source of sources) {
      const r = await homeward(['bulletin', 'verify', source]);
      ok(r, `bulletin verify ${source}`);
      expect(r.stdout).toMatch(/^OK: bulletin ".*" verified: 1 stage\(s\), 23 to Party A, 23 to Party B; /);
    }
    // What the URL gives is byte for byte what the page downloads.
    const fetched = await readBulletinSource(`${base}/api/public/bulletin.json`);
    expect(fetched).toEqual({ ok: true, text: file.body });
  }, 120_000);

  it('says why a bulletin could not be had: no such file, unreachable, not 200, too large, not JSON; usage exits 2', async () => {
    const missing = path.join(tmpRoot, 'no-such-bulletin.json');
    const r = await homeward(['bulletin', 'verify', missing]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`FAILED: no such file: ${missing}\n`);

    const base = node.app.server.listening
      ? `http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`
      : await node.app.listen({ port: 0, host: '127.0.0.1' });
    const notFound = await homeward(['bulletin', 'verify', `${base}/api/public/no-such-thing`]);
    expect(notFound.code).toBe(1);
    expect(notFound.stdout).toMatch(/^FAILED: 127\.0\.0\.1:\d+ answered 404/);

    // A closed port on this machine: nothing listens there once the server is closed.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await homeward(['bulletin', 'verify', `http://127.0.0.1:${port}/bulletin.json`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toMatch(/^FAILED: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);

    // A server that answers too much (declared or streamed) or not JSON.
    const odd = http.createServer((req, res) => {
      if (req.url === '/declared') res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
      else if (req.url === '/streamed') {
        res.writeHead(200);
        for (let i = 0; i < 10; i++) res.write('y'.repeat(1000));
        res.end();
      } else res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not a bulletin</html>');
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const oddBase = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
    try {
      for (const at of ['/declared', '/streamed'])
        expect(await readBulletinSource(`${oddBase}${at}`, { maxBytes: 4096 })).toEqual({
          ok: false,
          problem: expect.stringMatching(/ is too large \(over /),
        });
      expect(await readBulletinSource(`${oddBase}/declared`, { maxBytes: 8192 })).toMatchObject({ ok: true });
      const html = await homeward(['bulletin', 'verify', `${oddBase}/page`]);
      expect(html.code).toBe(1);
      expect(html.stdout).toMatch(/: not readable JSON/);
    } finally {
      await new Promise((resolve) => odd.close(resolve));
    }

    const ftp = await homeward(['bulletin', 'verify', 'ftp://127.0.0.1/bulletin.json']);
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toMatch(/only http and https URLs/);
    expect((await homeward(['bulletin', 'verify'])).code).toBe(2);
    expect((await homeward(['bulletin', 'verify', missing, '--quorum', 'many'])).code).toBe(2);
  }, 120_000);
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
