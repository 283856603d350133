/**
 * `homeward demo --scenario may-2025`: three nodes in one process (Party A, Party B, the Mediator), each
 * on its own embedded PGlite database and HTTP port, run the exchange of shared/scenarios/may-2025.json
 * with synthetic people:
 *
 * 1. each node pins the other two's keys and witnesses their logs (quorum 2 on every node);
 * 2. Party A sends the agreement of 16 May as a package; each node signs its hash and sends the
 *    signature as a package to the other two; each node starts the exchange once all three signed;
 * 3. every act of every stage is recorded by its author's node and delivered as a signed package to
 *    the other two nodes' peer inboxes over HTTP, where it is admitted into their own streams: plan
 *    and manifest (A), manifest signatures (A, B), handovers (A's field officers), and stage
 *    confirmations signed by A, B and the Mediator (packages of type exchange.confirmation);
 * 4. every node has its checkpoint cosigned by the other two; the Mediator publishes the bulletin,
 *    has it cosigned, and writes the verifiable bulletin (src/app/bulletin-verify.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Transaction } from 'kysely';
import { publishBulletin, verifiableBulletin } from '../app/bulletin.ts';
import {
  AGREEMENT_SIGNATURE_PACKAGE_TYPE,
  CONFIRMATION_PACKAGE_TYPE,
  verifyVerifiableBulletin,
} from '../app/bulletin-verify.ts';
import { createExchange, recordExchangeEvents } from '../app/exchange.ts';
import { addLogWitness, cosignLatest, setWitnessQuorum, startCosignLoop } from '../app/log-cosign.ts';
import { ensureNodeIdentity, type NodeIdentity } from '../app/node-identity.ts';
import { pinKey, sendPackage } from '../app/packages.ts';
import { trustLog, witnessVerifierKey } from '../app/witness.ts';
import { type Database, openDatabase } from '../db/open.ts';
import type { DB } from '../db/schema.ts';
import { cliContext, type RequestContext } from '../domain/access.ts';
import { type Agreement, agreementHash, signAgreement } from '../domain/exchange/agreement.ts';
import { type Bulletin, cellValue } from '../domain/exchange/bulletin.ts';
import type { Signature } from '../domain/exchange/common.ts';
import { type ExchangeEvent, type ExchangeState, startExchange } from '../domain/exchange/operation.ts';
import { A, B, M, numericAgreement } from '../domain/exchange/testing.ts';
import { PACKAGE_MEDIA_TYPE } from '../http/routes/peer.ts';
import { type App, buildServer } from '../http/server.ts';
import type { JsonValue } from '../ledger/jcs.ts';
import { loadScenario, roleOf, runStage, scenarioStages } from './exchange-stages.ts';

export const EXCHANGE_ID = 'may-2025';
const EVENTS_PACKAGE_TYPE = 'exchange.events';

interface DemoNode {
  /** The agreement's id for this node's organisation (party-a, party-b, mediator-m). */
  party: string;
  label: string;
  database: Database;
  identity: NodeIdentity;
  app: App;
  url: string;
  ctx: RequestContext;
}

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

async function openDemoNode(
  dir: string,
  party: string,
  label: string,
  name: string,
  port: number,
  serve: boolean,
): Promise<DemoNode> {
  fs.mkdirSync(dir, { recursive: true });
  const database = await openDatabase({ dataDir: dir });
  try {
    const identity = await ensureNodeIdentity(database.db, { name, demo: true });
    const app = await buildServer({
      database,
      identity,
      logLevel: serve ? 'warn' : 'silent',
      cosignIntervalMs: 0,
    });
    await app.listen({ port, host: '127.0.0.1' });
    const addr = app.server.address();
    if (typeof addr !== 'object' || !addr) throw new Error('no address');
    const ctx = cliContext(identity.orgId, ['coordinator'], 'demo');
    return { party, label, database, identity, app, url: `http://127.0.0.1:${addr.port}`, ctx };
  } catch (e) {
    await database.close();
    throw e;
  }
}

/** Delivers a package file to a node's peer inbox over HTTP. */
async function deliver(to: DemoNode, bytes: Uint8Array): Promise<void> {
  const res = await fetch(`${to.url}/api/peer/packages`, {
    method: 'POST',
    headers: { 'content-type': PACKAGE_MEDIA_TYPE },
    body: bytes,
  });
  if (res.status !== 200) throw new Error(`${to.label} refused a package: ${res.status} ${await res.text()}`);
}

/** The packages of a type this node accepted from others, oldest first, after `afterIndex`. */
async function inbox(node: DemoNode, type: string, afterIndex: number) {
  const rows = await node.database.db
    .selectFrom('packages')
    .select(['bytes', 'log_index'])
    .where('direction', '=', 'accepted')
    .where('type', '=', type)
    .where('log_index', '>', String(afterIndex))
    .orderBy('log_index')
    .execute();
  return rows.map((r) => ({
    logIndex: Number(r.log_index),
    payload: (JSON.parse(Buffer.from(r.bytes).toString('utf8')) as { payload: JsonValue }).payload,
  }));
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
  const temporary = opts.dataDir === undefined;
  const dataDir = path.resolve(opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-may-2025-')));
  const nodes: DemoNode[] = [];
  /** Stops the nodes; a temporary data directory goes with them. */
  const close = async () => {
    for (const n of nodes) {
      await n.app.close().catch(() => {});
      await n.database.close().catch(() => {});
    }
    if (temporary) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const specs = [
      [A, 'Party A', 'party-a.demo', 'party-a'],
      [B, 'Party B', 'party-b.demo', 'party-b'],
      [M, 'Mediator', 'mediator.demo', 'mediator'],
    ] as const;
    const dirs = specs.map((x) => path.join(dataDir, x[3]));
    if (dirs.every((d) => !fs.existsSync(path.join(d, 'pgdata')))) {
      // Creating an embedded database (initdb) takes seconds; the other two start as copies of the
      // first, migrated and closed before any node identity exists in it.
      fs.mkdirSync(dirs[0]!, { recursive: true });
      await (await openDatabase({ dataDir: dirs[0]! })).close();
      for (const d of dirs.slice(1)) {
        fs.mkdirSync(d, { recursive: true });
        fs.cpSync(path.join(dirs[0]!, 'pgdata'), path.join(d, 'pgdata'), { recursive: true });
      }
    }
    const opened = await Promise.allSettled(
      specs.map(([party, label, nodeName], i) =>
        openDemoNode(dirs[i]!, party, label, nodeName, opts.port ? opts.port + i : 0, !!opts.serve),
      ),
    );
    for (const o of opened) if (o.status === 'fulfilled') nodes.push(o.value);
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
    const [na, nb, nm] = nodes as [DemoNode, DemoNode, DemoNode];
    const byParty = new Map(nodes.map((n) => [n.party, n]));
    const others = (n: DemoNode) => nodes.filter((x) => x !== n);
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
    for (const n of nodes)
      for (const o of others(n)) {
        await n.database.transaction((tx) => pinKey(n.ctx, tx, o.identity.verifierKey, o.label));
        await trustLog(o.database, { vkey: n.identity.verifierKey });
        await addLogWitness(n.database, {
          name: o.identity.name,
          vkey: await witnessVerifierKey(o.database.db),
          url: `${o.url}/log/witness`,
        });
      }
    for (const n of nodes) await setWitnessQuorum(n.database, 2);
    log(`nodes: ${nodes.map((n) => `${n.label} ${n.identity.name} ${n.url}`).join('; ')}`);

    /** Records on the author's node and sends it as a signed package to the other two. */
    const send = async (
      from: DemoNode,
      type: string,
      payload: JsonValue,
      local?: (tx: Transaction<DB>) => Promise<void>,
    ) => {
      const pkg = await from.database.transaction(async (tx) => {
        if (local) await local(tx);
        return sendPackage(from.ctx, tx, {
          type,
          version: 1,
          recipients: others(from).map((o) => o.identity.name),
          payload,
        });
      });
      for (const o of others(from)) await deliver(o, pkg.bytes);
    };

    // 2. The agreement of 16 May, signed by all three as packages.
    const draft = numericAgreement(scenario.agreement.target, {
      concludedAt: scenario.agreement.concludedAt,
      ordinal: scenario.agreement.ordinal,
    });
    const unsigned: Agreement = { ...draft, signatures: [] };
    const h = agreementHash(unsigned);
    await send(na, 'agreement.draft', { agreement: unsigned as unknown as JsonValue });
    const signatureOf = (n: DemoNode): Signature => ({
      signer: n.party,
      role: roleOf(n.party),
      keyId: n.identity.verifierKey.split('+').slice(0, 2).join('+'),
      contentHash: h,
      signedAt: `${scenario.agreement.concludedAt}T12:00:00.000Z`,
    });
    for (const n of nodes)
      await send(n, AGREEMENT_SIGNATURE_PACKAGE_TYPE, { agreementHash: h, signature: { ...signatureOf(n) } });
    for (const n of nodes) {
      // Each node assembles the agreement from the draft it received (or sent) and the signatures in its inbox.
      const received = await inbox(n, AGREEMENT_SIGNATURE_PACKAGE_TYPE, -1);
      const sigs = [
        signatureOf(n),
        ...received.map((r) => (r.payload as { signature: Signature }).signature),
      ];
      let agreement = unsigned;
      for (const who of [A, B, M]) agreement = signAgreement(agreement, sigs.find((s) => s.signer === who)!);
      await n.database.transaction((tx) => createExchange(n.ctx, tx, { id: EXCHANGE_ID, agreement }));
    }
    lap('keys, witnesses and the agreement');

    // 3. The stages: each act recorded by its author's node, then delivered to and admitted by the others.
    let state: ExchangeState = startExchange(
      signAgreement(
        signAgreement(signAgreement(unsigned, signatureOf(na)), signatureOf(nb)),
        signatureOf(nm),
      ),
    );
    const processed = new Map<DemoNode, number>(nodes.map((n) => [n, -1]));
    const submit = async (author: string, events: ExchangeEvent[]): Promise<ExchangeState> => {
      const from = byParty.get(author)!;
      const confirmation =
        events.length === 1 && events[0]!.kind === 'stage.confirmation_signed' ? events[0] : undefined;
      let next: ExchangeState | undefined;
      await send(
        from,
        EVENTS_PACKAGE_TYPE,
        { exchangeId: EXCHANGE_ID, events: events as unknown as JsonValue },
        async (tx) => {
          next = (await recordExchangeEvents(from.ctx, tx, EXCHANGE_ID, events)).state;
        },
      );
      if (confirmation)
        await send(from, CONFIRMATION_PACKAGE_TYPE, {
          exchangeId: EXCHANGE_ID,
          stageId: confirmation.stageId,
          signer: author,
          role: roleOf(author),
          reconciliationHash: confirmation.signature.contentHash,
        });
      // The recipients admit what their inboxes hold, in the order accepted.
      for (const o of others(from)) {
        const pending = await inbox(o, EVENTS_PACKAGE_TYPE, processed.get(o)!);
        for (const p of pending) {
          const payload = p.payload as { exchangeId: string; events: ExchangeEvent[] };
          await o.database.transaction((tx) =>
            recordExchangeEvents(o.ctx, tx, payload.exchangeId, payload.events),
          );
          processed.set(o, p.logIndex);
        }
      }
      return next!;
    };
    for (const spec of scenarioStages(scenario)) {
      state = await runStage(state, spec, submit);
      lap(`stage ${spec.stageId} (${spec.date})`);
      log(
        `${spec.stageId} ${spec.date}: ${spec.counts.map((c) => `${c.count} ${c.category} to ${byParty.get(c.direction)!.label}`).join(', ')} — confirmed`,
      );
    }

    // Every node admitted the same events in the same order: the streams end in the same chain value.
    const heads = await Promise.all(
      nodes.map((n) =>
        n.database.db
          .selectFrom('exchange_events')
          .select(['seq', 'chain'])
          .where('exchange_id', '=', EXCHANGE_ID)
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirstOrThrow(),
      ),
    );
    const chains = new Set(heads.map((x) => `${x.seq}:${Buffer.from(x.chain).toString('hex')}`));
    if (chains.size !== 1) throw new Error('the three nodes hold different event streams');
    log(`streams: ${heads[0]!.seq} events on each node, identical (chain ${[...chains][0]!.slice(-16)})`);

    // 4. Witnessing: every node's latest checkpoint cosigned by the other two (quorum 2).
    for (const n of nodes) {
      const r = await cosignLatest(n.database);
      if (!r.final) throw new Error(`${n.label}'s log did not reach its witness quorum`);
    }
    lap('witness cosignatures');

    // 5. The bulletin, published by the Mediator's node, cosigned, packaged and checked.
    const published = await nm.database.transaction((tx) => publishBulletin(nm.ctx, tx, EXCHANGE_ID));
    if (!(await cosignLatest(nm.database)).final)
      throw new Error("the Mediator's log did not reach its quorum");
    const file = await verifiableBulletin(nm.database.db, nm.ctx, EXCHANGE_ID);
    const check = verifyVerifiableBulletin(file);
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
    if (opts.serve) for (const n of nodes) startCosignLoop(n.database, { intervalMs: 15_000, log: () => {} });
    return {
      dataDir,
      temporary,
      ...(bulletinPath ? { bulletinPath } : {}),
      bulletin: published.bulletin,
      nodes: nodes.map((n) => ({ label: n.label, name: n.identity.name, url: n.url })),
      timings,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
