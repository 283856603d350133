import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../ledger/checkpoint.ts';
import { parseVerifierKey } from '../ledger/keys.ts';
import { type Node, newNode, ok, on, tmpRoot } from './testing.ts';

// `homeward log publish | status | quorum | cosign | witness …` as an operator runs them.
let log: Node;
let witness: Node;
let logVkey: string;

beforeAll(async () => {
  log = await newNode('wlog');
  witness = await newNode('wwitness');
  const init = await on(log, ['init', '--name', 'cli-log-owner.node']);
  ok(init, 'init log');
  logVkey = /verifier key: (\S+)/.exec(init.stdout)![1]!;
  ok(await on(witness, ['init', '--name', 'cli-witness.node']), 'init witness');
}, 180_000);

describe('homeward log publish and witness commands', () => {
  it('publishes the log as tiles to a directory', async () => {
    const evidence = path.join(tmpRoot, 'evidence.txt');
    fs.writeFileSync(evidence, 'synthetic evidence for the witness CLI test');
    ok(await on(log, ['notarize', evidence, evidence, evidence]), 'notarize');
    const dir = path.join(tmpRoot, 'published');
    const r = await on(log, ['log', 'publish', '--dir', dir]);
    ok(r, 'publish');
    expect(r.stdout).toMatch(/published size 3 \(was 0\)/);
    const note = fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8');
    const cp = openCheckpoint(note, { origin: 'cli-log-owner.node', logKeys: [parseVerifierKey(logVkey)] });
    expect(cp.checkpoint.size).toBe(3);
    expect(fs.readFileSync(path.join(dir, 'tile/0/000.p/3')).length).toBe(3 * 32);
    expect(fs.existsSync(path.join(dir, 'tile/entries/000.p/3'))).toBe(true);
    const again = await on(log, ['log', 'publish', '--dir', dir]);
    expect(again.stdout).toMatch(/published size 3 \(was 3\): 0 files written/);
  });

  it('configures witnessing, quorum and reports status', async () => {
    const vk = await on(witness, ['log', 'witness', 'vkey']);
    ok(vk, 'witness vkey');
    const witnessVkey = vk.stdout.trim();
    const parsed = parseVerifierKey(witnessVkey);
    expect(parsed).toMatchObject({ name: 'cli-witness.node', type: 0x04 });

    const trust = await on(witness, ['log', 'witness', 'trust', '--vkey', logVkey]);
    ok(trust, 'trust');
    expect(trust.stdout).toBe('witnessing cli-log-owner.node from size 0\n');
    const bad = await on(witness, ['log', 'witness', 'trust', '--vkey', witnessVkey]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Ed25519 \(type 0x01\)/);

    // A witness at an address where nobody answers: cosigning fails cleanly, nothing is final.
    ok(
      await on(log, [
        'log',
        'witness',
        'add',
        'cli-witness.node',
        '--vkey',
        witnessVkey,
        '--url',
        'http://127.0.0.1:9/w',
      ]),
      'witness add',
    );
    const quorum = await on(log, ['log', 'quorum', '1']);
    ok(quorum, 'quorum');
    expect(quorum.stdout).toMatch(/quorum set to 1 of 1/);
    const cosign = await on(log, ['log', 'cosign']);
    expect(cosign.code).toBe(3);
    expect(cosign.stdout).toMatch(/^cli-witness\.node\tfailed: /m);
    expect(cosign.stdout).toMatch(/checkpoint 3: cosigned by 0 \(none\), quorum 1: not final/);

    const status = await on(log, ['log', 'status']);
    ok(status, 'status');
    expect(JSON.parse(status.stdout)).toMatchObject({
      origin: 'cli-log-owner.node',
      size: 3,
      final: false,
      quorum: 1,
      witnesses: ['cli-witness.node'],
      final_size: null,
    });
    const evidence = await on(witness, ['log', 'witness', 'evidence']);
    ok(evidence, 'evidence');
    expect(evidence.stdout).toBe('');
    const list = await on(witness, ['log', 'witness', 'list']);
    expect(list.stdout).toBe(`witnessing\tcli-log-owner.node\t0\t${logVkey}\n`);
  });
});
