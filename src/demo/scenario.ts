/**
 * `homeward demo --scenario may-2025`: three nodes in one process (Party A, Party B, the Mediator), each
 * on its own embedded PGlite database and HTTP port, run the exchange of src/demo/scenarios/may-2025.json
 * with synthetic people:
 *
 * 1. each node pins the other two's keys and witnesses their logs (quorum 2 on every node);
 * 2. Party A sends the agreement of 16 May as a package; each node signs its hash and sends the
 *    signature as a package to the other two; each node starts the exchange once all three signed;
 * 3. Party A sends its request list (1,000 synthetic people of its registry) to Party B and the
 *    Mediator; Party B's node matches it against its own registry and flags it, B answers every entry
 *    and sends the answers back (src/demo/exchange-lists.ts);
 * 4. every act of every stage is recorded by its author's node and delivered as a signed package to
 *    the other two nodes' peer inboxes over HTTP, where it is admitted into their own streams: plan
 *    and manifest (A), manifest signatures (A, B), handovers (A's field officers), and stage
 *    confirmations signed by A, B and the Mediator (packages of type exchange.confirmation);
 * 5. every node has its checkpoint cosigned by the other two; the Mediator publishes the bulletin,
 *    has it cosigned, and writes the verifiable bulletin (src/app/reports/bulletin-verify.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCosignLoop } from '../app/ledger/log-cosign.ts';
import type { Bulletin } from '../domain/exchange/bulletin.ts';
import { cellValue } from '../domain/exchange/bulletin.ts';
import { type ExchangeState, startExchange } from '../domain/exchange/operation.ts';
import { A, B, numericAgreement } from '../domain/exchange/synthetic.ts';
import { exchangeLists } from './exchange-lists.ts';
import { loadScenario, runStage, scenarioStages } from './exchange-stages.ts';
import { openThreeNodes, type ThreeNodes } from './nodes.ts';
import { seedDemoAccounts } from './seed-demo.ts';

export const EXCHANGE_ID = 'may-2025';
/** The built UI the nodes serve with --serve (`npm run build:web`; `npm start` builds it). */
const WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface ScenarioOptions {
  /** Where the three databases live (created if missing); default a new temp directory. */
  dataDir?: string | undefined;
  /** Write DIR/bulletin.json here. */
  outDir?: string | undefined;
  /** Keep the nodes running (and listening on ports from `port`, or any free port). */
  serve?: boolean;
  port?: number | undefined;
  log?: (line: string) => void;
}

export interface ScenarioResult {
  /** The three databases; a temporary one is removed by close(). */
  dataDir: string;
  temporary: boolean;
  bulletinPath?: string;
  bulletin: Bulletin;
  nodes: { label: string; name: string; url: string }[];
  timings: Record<string, number>;
  close(): Promise<void>;
}

export async function runScenario(name: string, opts: ScenarioOptions = {}): Promise<ScenarioResult> {
  if (name !== 'may-2025') throw new Error(`unknown scenario ${name} (known: may-2025)`);
  const log = opts.log ?? (() => {});
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (what: string) => {
    const now = performance.now();
    timings[what] = Math.round(now - t);
    t = now;
  };
  const scenario = loadScenario(name);
  const net: ThreeNodes = await openThreeNodes({
    dataDir: opts.dataDir,
    port: opts.port,
    serve: !!opts.serve,
    webDir: opts.serve ? WEB_DIR : undefined,
  });
  const dataDir = net.dataDir!;
  try {
    const { a: na, nodes } = net;
    if (
      await na.database.db
        .selectFrom('exchanges')
        .select('id')
        .where('id', '=', EXCHANGE_ID)
        .executeTakeFirst()
    )
      throw new Error(`the scenario already ran in ${dataDir}: use a fresh --data directory`);
    lap('open three nodes');

    // 1. Keys and witnesses: each node pins the others' package keys and witnesses their logs.
    await net.connect();
    log(`nodes: ${nodes.map((n) => `${n.label} ${n.identity.name} ${n.url}`).join('; ')}`);

    // 2. The agreement of 16 May, signed by all three as packages.
    const draft = numericAgreement(scenario.agreement.target, {
      concludedAt: scenario.agreement.concludedAt,
      ordinal: scenario.agreement.ordinal,
    });
    const agreement = await net.agree(EXCHANGE_ID, draft, `${scenario.agreement.concludedAt}T12:00:00.000Z`);
    lap('keys, witnesses and the agreement');

    // 3. Lists: Party A's request of 1,000 to Party B and the Mediator, matched and flagged on B's
    // node, B's answers back to A (signed packages; people as whitelisted fields only).
    const lists = await exchangeLists(net, EXCHANGE_ID, {
      persons: scenario.agreement.target,
      heldByB: scenario.agreement.target - 10,
      createdAt: `${scenario.agreement.concludedAt}T15:00:00.000Z`,
    });
    const counts = (r: Record<string, number>) =>
      Object.entries(r)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
    log(`lists: Party A's request of ${lists.requested} on Party B's node: ${counts(lists.flags)}`);
    log(`lists: Party B answered ${counts(lists.answers)}; Party A's version holds ${counts(lists.onA)}`);
    lap('lists');

    // 4. The stages: each act recorded by its author's node, then delivered to and admitted by the others.
    let state: ExchangeState = startExchange(agreement);
    const submit = net.submit(EXCHANGE_ID);
    for (const spec of scenarioStages(scenario)) {
      state = await runStage(state, spec, submit);
      lap(`stage ${spec.stageId} (${spec.date})`);
      log(
        `${spec.stageId} ${spec.date}: ${spec.counts.map((c) => `${c.count} ${c.category} to ${net.byParty(c.direction).label}`).join(', ')} — confirmed`,
      );
    }

    // Every node admitted the same events in the same order: the streams end in the same chain value.
    const heads = await net.heads(EXCHANGE_ID);
    const chains = new Set(heads.map((x) => `${x.seq}:${x.chain}`));
    if (chains.size !== 1) throw new Error('the three nodes hold different event streams');
    log(`streams: ${heads[0]!.seq} events on each node, identical (chain ${[...chains][0]!.slice(-16)})`);

    // 5. Witnessing: every node's latest checkpoint cosigned by the other two (quorum 2).
    await net.cosignAll();
    lap('witness cosignatures');

    // 6. The bulletin, published by the Mediator's node, cosigned, packaged and checked.
    const { published, file, check } = await net.publish(EXCHANGE_ID);
    if (!check.ok) throw new Error(`the bulletin does not verify: ${check.problems[0]}`);
    lap('bulletin');
    const m = (d: string) =>
      cellValue(published.bulletin.cumulative, {
        direction: d,
        exchange: 'in',
        subject: 'persons',
        class: 'all',
      });
    log(
      `bulletin: ${m(A)} to Party A, ${m(B)} to Party B (${published.bulletin.agreement.title}); ${check.summary}`,
    );

    let bulletinPath: string | undefined;
    if (opts.outDir) {
      fs.mkdirSync(opts.outDir, { recursive: true });
      bulletinPath = path.join(opts.outDir, 'bulletin.json');
      const tmp = `${bulletinPath}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`);
      fs.renameSync(tmp, bulletinPath);
    }
    if (opts.serve) {
      for (const n of nodes) {
        startCosignLoop(n.database, { intervalMs: 15_000, log: () => {} });
        // Every node's UI gets the demo accounts (one per role, password demo-<role>).
        await n.database.transaction((tx) => seedDemoAccounts(tx, n.ctx));
      }
      log('sign in on any node as coordinator / demo-coordinator (or field_officer / demo-field_officer, …)');
      if (!fs.existsSync(path.join(WEB_DIR, 'index.html')))
        log('the UI is not built: run `npm run build:web` (the API answers meanwhile)');
    }
    return {
      dataDir,
      temporary: net.temporary,
      ...(bulletinPath ? { bulletinPath } : {}),
      bulletin: published.bulletin,
      nodes: nodes.map((n) => ({ label: n.label, name: n.identity.name, url: n.url })),
      timings,
      close: net.close,
    };
  } catch (e) {
    await net.close();
    throw e;
  }
}
