import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirsFromTemplate } from '../db/testing.ts';
import { loadScenario, scenarioStages } from '../demo/exchange-stages.ts';
import { homeward, ok, type Result, tmpRoot } from './testing.ts';

// `homeward demo --scenario may-2025 --out DIR` end to end (three nodes on embedded databases, the
// CLI run in-process), then `homeward bulletin verify` on the file it wrote and on tampered copies.
// The one run of the whole "1,000 for 1,000" in the tests: src/demo/three-nodes.int.test.ts covers
// what goes wrong on three nodes with small exchanges; the demo itself refuses to go on when the
// three nodes' streams differ.
const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
delete env.HOMEWARD_DATA;
const out = path.join(tmpRoot, 'may-out');
// On PGlite the three nodes' data directories start as copies of the run's migrated template.
const template = dataDirsFromTemplate(['party-a', 'party-b', 'mediator']);
const data = template ?? path.join(tmpRoot, 'may-data');
afterAll(() => {
  if (template) fs.rmSync(template, { recursive: true, force: true });
});
let run: Result;

interface Cell {
  metric: { direction: string; exchange: string; subject: string; class: string };
  value: number | null;
}
interface File {
  bulletin: { stages: { date: string; cells: Cell[] }[]; cumulative: Cell[] };
  log: { proof: string };
  confirmations: { stageId: string; packages: string[] }[];
  agreementSignatures: string[];
}
const value = (cells: Cell[], direction: string, cls: string) =>
  cells.find(
    (c) =>
      c.metric.direction === direction &&
      c.metric.exchange === 'in' &&
      c.metric.subject === 'persons' &&
      c.metric.class === cls,
  )?.value;

beforeAll(async () => {
  run = await homeward(['demo', '--scenario', 'may-2025', '--out', out, '--data', data], { env });
}, 300_000);

const verify = (file: string) => homeward(['bulletin', 'verify', file], { env });
function tampered(name: string, change: (f: File) => void): string {
  const f = JSON.parse(fs.readFileSync(path.join(out, 'bulletin.json'), 'utf8')) as File;
  change(f);
  const p = path.join(tmpRoot, `${name}.json`);
  fs.writeFileSync(p, JSON.stringify(f));
  return p;
}

describe('homeward demo --scenario may-2025', () => {
  it('runs the three stages on three nodes and writes a bulletin of 1,000 for 1,000', () => {
    ok(run, 'demo --scenario may-2025');
    expect(run.stdout).toMatch(
      /stage-1 2025-05-23: 270 military to Party A, 120 civilian to Party A, 270 military/,
    );
    expect(run.stdout).toMatch(/cosigned by 2 witness/);
    // Lists as packages: A's request matched and flagged on B's node, B's answers back on A's version.
    expect(run.stdout).toMatch(
      /lists: Party A's request of 1000 on Party B's node: 990 matched, 10 unknown\n/,
    );
    expect(run.stdout).toMatch(
      /lists: Party B answered 990 accepted, 10 not_held; Party A's version holds 990 accepted, 10 not_held\n/,
    );
    // Every node admitted the same events in the same order.
    expect(run.stdout).toMatch(/streams: \d+ events on each node, identical/);
    const f = JSON.parse(fs.readFileSync(path.join(out, 'bulletin.json'), 'utf8')) as File;
    expect(f.bulletin.stages.map((s) => s.date)).toEqual(['2025-05-23', '2025-05-24', '2025-05-25']);
    for (const d of ['party-a', 'party-b']) {
      expect(f.bulletin.stages.map((s) => value(s.cells, d, 'all'))).toEqual([390, 307, 303]);
      expect(value(f.bulletin.cumulative, d, 'all')).toBe(1000);
      expect([
        value(f.bulletin.cumulative, d, 'military'),
        value(f.bulletin.cumulative, d, 'civilian'),
      ]).toEqual([880, 120]);
    }
    expect(value(f.bulletin.stages[0]!.cells, 'party-a', 'civilian')).toBe(120);
    // Every stage, each way, military and civilian, as the scenario file has them.
    for (const [i, spec] of scenarioStages(loadScenario('may-2025')).entries())
      for (const c of spec.counts)
        expect(
          value(f.bulletin.stages[i]!.cells, c.direction, c.category),
          `${spec.stageId} ${c.direction}`,
        ).toBe(c.count);
    expect(f.confirmations.map((c) => c.packages.length)).toEqual([3, 3, 3]);
    expect(f.agreementSignatures).toHaveLength(3);
    // Synthetic people only, and no ids of people in the public file.
    expect(fs.readFileSync(path.join(out, 'bulletin.json'), 'utf8')).not.toMatch(/person:/);
  });

  it('`bulletin verify` exits 0 on the file, 1 with one line on tampered copies', async () => {
    const good = await verify(path.join(out, 'bulletin.json'));
    ok(good, 'bulletin verify');
    expect(good.stdout).toMatch(
      /^OK: bulletin "1,000 for 1,000" verified: 3 stage\(s\), 1000 to Party A, 1000 to Party B/,
    );

    const count = await verify(
      tampered('count', (f) => {
        f.bulletin.stages[1]!.cells[0]!.value! += 1;
      }),
    );
    expect(count.code).toBe(1);
    expect(count.stdout).toMatch(/^FAILED: count: stage stage-2: a count does not match its leaves\n$/);

    const signature = await verify(
      tampered('signature', (f) => {
        // One character of the log's signature on the checkpoint (inside the signature bytes).
        f.log.proof = f.log.proof.replace(
          /(— party|— mediator)(\S*) (\S{10})(\S)/,
          (_m, a, b, c, d) => `${a}${b} ${c}${d === 'A' ? 'B' : 'A'}`,
        );
      }),
    );
    expect(signature.code).toBe(1);
    expect(signature.stdout).toMatch(/^FAILED: log: .*\n$/);

    const confirmation = await verify(
      tampered('confirmation', (f) => {
        f.confirmations[2]!.packages.pop();
      }),
    );
    expect(confirmation.code).toBe(1);
    expect(confirmation.stdout).toMatch(/^FAILED: confirmation: stage stage-3: no valid signature by /);
  }, 120_000);

  it('refuses an unknown scenario', async () => {
    const r = await homeward(['demo', '--scenario', 'nope'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown scenario nope/);
  });
});
