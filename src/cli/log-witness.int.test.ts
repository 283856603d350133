import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RECORDS_LOG_KIND } from '../db/records.ts';
import { openCheckpoint } from '../ledger/checkpoint.ts';
import { decodeLogEntry } from '../ledger/entry.ts';
import { parseVerifierKey } from '../ledger/keys.ts';
import { decodeEntryBundle } from '../ledger/tiles.ts';
import { type Node, newNode, ok, on, tmpRoot } from './testing.ts';

// `homeward log publish | status | quorum | cosign | witness …` as an operator runs them.
let log: Node;
let witness: Node;
let logVkey: string;
/** The size `log publish` published (the first test). */
let published: number;

/** The log's size (its latest checkpoint), as `log status` reports it. */
const statusOf = async (node: Node) => {
  const status = await on(node, ['log', 'status']);
  ok(status, 'status');
  return JSON.parse(status.stdout) as { size: number };
};

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
    const notarized = await on(log, ['notarize', evidence, evidence, evidence]);
    ok(notarized, 'notarize');
    expect(
      notarized.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]),
    ).toEqual(['0', '1', '2']);
    published = (await statusOf(log)).size;
    const dir = path.join(tmpRoot, 'published');
    const r = await on(log, ['log', 'publish', '--dir', dir]);
    ok(r, 'publish');
    expect(r.stdout).toMatch(new RegExp(`published size ${published} \\(was 0\\)`));
    const note = fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8');
    const cp = openCheckpoint(note, { origin: 'cli-log-owner.node', logKeys: [parseVerifierKey(logVkey)] });
    expect(cp.checkpoint.size).toBe(published);
    // One partial tile of the hashes and one of the entries (the log is far below a full tile of 256).
    expect(fs.readFileSync(path.join(dir, `tile/0/000.p/${published}`)).length).toBe(published * 32);
    // The entries published: the three notarized files, then the records entries committing the
    // notarization's audit rows.
    const bundle = fs.readFileSync(path.join(dir, `tile/entries/000.p/${published}`));
    const entries = decodeEntryBundle(new Uint8Array(bundle), published).map(decodeLogEntry);
    const sha256 = createHash('sha256').update(fs.readFileSync(evidence)).digest('hex');
    expect(entries.slice(0, 3).map((e) => [e.kind, Buffer.from(e.commitment).toString('hex')])).toEqual(
      Array(3).fill(['notarized', sha256]),
    );
    expect(entries.length).toBeGreaterThan(3);
    expect(entries.slice(3).every((e) => e.kind === RECORDS_LOG_KIND)).toBe(true);
    const again = await on(log, ['log', 'publish', '--dir', dir]);
    expect(again.stdout).toMatch(
      new RegExp(`published size ${published} \\(was ${published}\\): 0 files written`),
    );
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
    // Adding the witness and setting the quorum are trust changes, committed to the log.
    const configured = (await statusOf(log)).size;
    expect(configured).toBeGreaterThan(published);
    const cosign = await on(log, ['log', 'cosign']);
    expect(cosign.code).toBe(3);
    expect(cosign.stdout).toMatch(/^cli-witness\.node\tfailed: /m);
    expect(cosign.stdout).toMatch(
      new RegExp(`checkpoint ${configured}: cosigned by 0 \\(none\\), quorum 1: not final`),
    );

    const status = await on(log, ['log', 'status']);
    ok(status, 'status');
    expect(JSON.parse(status.stdout)).toMatchObject({
      origin: 'cli-log-owner.node',
      size: configured,
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
