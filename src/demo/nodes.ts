/**
 * Three Homeward nodes in one process (Party A, Party B, the Mediator), each with its own database
 * and HTTP port, talking to each other only through signed packages delivered over HTTP to their peer
 * inboxes. Used by `homeward demo --scenario` (scenario.ts) and by the three-node end-to-end tests.
 *
 * Storage: embedded PGlite databases under a data directory (the second and third start as copies of
 * the first, migrated before any identity exists, which saves two initdb runs), or, with a
 * PostgreSQL URL, one fresh schema per node on that server (dropped on close, as in
 * src/db/testing.ts).
 *
 * - `connect()`: each node pins the other two's package keys and witnesses their logs (quorum 2);
 * - `agree(exchangeId, draft)`: Party A sends the draft, each node signs its hash in an
 *   `agreement.signature` package to the other two, and each node starts the exchange with the
 *   agreement assembled from the signatures it holds;
 * - `submit(exchangeId)`: events recorded by their author's node, then sent as an `exchange.events`
 *   package (plus an `exchange.confirmation` package for a confirmation signature) and admitted by the
 *   other two from their inboxes in the order accepted;
 * - `publish(exchangeId)`: every log cosigned, the Mediator's bulletin published, cosigned, packaged
 *   and verified.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Transaction } from 'kysely';
import { agreementSignatureProblems, pinAgreementKey } from '../app/exchange/agreement-keys.ts';
import { proposeAgreement, signAgreementVersion } from '../app/exchange/agreements.ts';
import { recordExchangeEvents } from '../app/exchange/exchange.ts';
import { signWith } from '../app/exchange/signatures.ts';
import { addLogWitness, cosignLatest, setWitnessQuorum } from '../app/ledger/log-cosign.ts';
import { trustLog, witnessVerifierKey } from '../app/ledger/witness.ts';
import { KEY_FILE_NAME, resolveKeySecret } from '../app/node/key-file.ts';
import { ensureNodeIdentity, type NodeIdentity } from '../app/node/node-identity.ts';
import { signaturesIn } from '../app/peers/apply-exchange-events.ts';
import { type Application, applyPendingPackages } from '../app/peers/inbox.ts';
import { deliverOutbox, markDelivered, setPeer } from '../app/peers/outbox.ts';
import { CONFIRMATION_PACKAGE_TYPE, EXCHANGE_EVENTS_PACKAGE_TYPE } from '../app/peers/package-types.ts';
import { pinKey, sendPackage } from '../app/peers/packages.ts';
import { type PublishedBulletin, publishBulletin, verifiableBulletin } from '../app/reports/bulletin.ts';
import {
  type VerifiableBulletin,
  type VerifiableBulletinResult,
  verifyVerifiableBulletin,
} from '../app/reports/bulletin-verify.ts';
import { loadLogKeys } from '../db/ledger.ts';
import { type Database, openDatabase } from '../db/open.ts';
import type { DB } from '../db/schema.ts';
import { cliContext, nodeContext, type RequestContext } from '../domain/access.ts';
import type { Agreement } from '../domain/exchange/agreement.ts';
import type { ExchangeEvent, ExchangeState } from '../domain/exchange/operation.ts';
import { A, B, M } from '../domain/exchange/synthetic.ts';
import { type App, buildServer } from '../http/server.ts';
import type { JsonValue } from '../ledger/jcs.ts';
import type { KeySecret } from '../ledger/key-store.ts';
import { PACKAGE_MEDIA_TYPE } from '../ledger/package.ts';
import { roleOf, type Submit } from './exchange-stages.ts';

export const EVENTS_PACKAGE_TYPE = EXCHANGE_EVENTS_PACKAGE_TYPE;

export interface DemoNode {
  /** The agreement's id for this node's organisation (party-a, party-b, mediator-m). */
  party: string;
  label: string;
  database: Database;
  identity: NodeIdentity;
  app: App;
  url: string;
  ctx: RequestContext;
}

export interface NodesOptions {
  /** PostgreSQL server: one fresh schema per node, dropped on close. Takes precedence over dataDir. */
  databaseUrl?: string | undefined;
  /** Where the three embedded databases live (created if missing); default a new temp directory. */
  dataDir?: string | undefined;
  /** Listen on port, port+1, port+2 (default: any free port). */
  port?: number | undefined;
  /** Server log level warn instead of silent. */
  serve?: boolean;
  /** Built UI (web/dist) each node serves at / (the nodes' screens with --serve). */
  webDir?: string | undefined;
}

const SPECS = [
  [A, 'Party A', 'party-a.demo', 'party-a'],
  [B, 'Party B', 'party-b.demo', 'party-b'],
  [M, 'Mediator', 'mediator.demo', 'mediator'],
] as const;

async function startNode(
  database: Database,
  party: string,
  label: string,
  name: string,
  port: number,
  serve: boolean,
  webDir: string | undefined,
  keyFile: string | undefined,
): Promise<DemoNode> {
  const key: KeySecret = keyFile
    ? await resolveKeySecret(database.db, { keyFile, env: {} })
    : { kind: 'file', key: new Uint8Array(randomBytes(32)) };
  const identity = await ensureNodeIdentity(database.db, { name, demo: true, party, key });
  const app = await buildServer({
    database,
    identity,
    webDir,
    logLevel: serve ? 'warn' : 'silent',
    cosignIntervalMs: 0,
    // The driver delivers its own packages; the outbox delivers what the nodes' screens record.
    outboxIntervalMs: serve ? 30_000 : 0,
  });
  try {
    await app.listen({ port, host: '127.0.0.1' });
  } catch (e) {
    await app.close().catch(() => {});
    throw e;
  }
  const addr = app.server.address();
  if (typeof addr !== 'object' || !addr) throw new Error('no address');
  // The person running the demo drives each node from its shell, as its coordinator (an operator,
  // audited as cli:demo); the nodes' own work (outbox, inbox) acts as the node.
  const ctx = cliContext(identity.orgId, ['coordinator'], 'demo');
  return { party, label, database, identity, app, url: `http://127.0.0.1:${addr.port}`, ctx };
}

/** An error from a peer inbox: the HTTP status and the error code of its JSON body. */
export class DeliveryRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Delivers a package file to a node's peer inbox over HTTP; throws DeliveryRefused unless 200. */
export async function deliver(
  to: DemoNode,
  bytes: Uint8Array,
): Promise<{
  logIndex: number;
  alreadyAccepted: boolean;
  application: Pick<Application, 'code' | 'message'> & { status: string };
}> {
  const res = await fetch(`${to.url}/api/peer/packages`, {
    method: 'POST',
    headers: { 'content-type': PACKAGE_MEDIA_TYPE },
    body: bytes,
  });
  const text = await res.text();
  if (res.status !== 200) {
    let code = 'UNKNOWN';
    try {
      code = (JSON.parse(text) as { error: { code: string } }).error.code;
    } catch {}
    throw new DeliveryRefused(res.status, code, `${to.label} refused a package: ${res.status} ${text}`);
  }
  return JSON.parse(text) as Awaited<ReturnType<typeof deliver>>;
}

/** The packages of a type this node accepted from others, oldest first, after `afterIndex`. */
export async function inbox(node: DemoNode, type: string, afterIndex: number) {
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

/** The last event of an exchange's stream on a node: its sequence number and chain value (hex). */
export async function streamHead(
  node: DemoNode,
  exchangeId: string,
): Promise<{ seq: number; chain: string }> {
  const row = await node.database.db
    .selectFrom('exchange_events')
    .select(['seq', 'chain'])
    .where('exchange_id', '=', exchangeId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { seq: row.seq, chain: Buffer.from(row.chain).toString('hex') } : { seq: 0, chain: '' };
}

export interface Bulletined {
  published: PublishedBulletin;
  file: VerifiableBulletin;
  check: VerifiableBulletinResult;
}

export interface ThreeNodes {
  nodes: [DemoNode, DemoNode, DemoNode];
  a: DemoNode;
  b: DemoNode;
  m: DemoNode;
  /** Where the embedded databases live (undefined on PostgreSQL). */
  dataDir: string | undefined;
  temporary: boolean;
  byParty(party: string): DemoNode;
  others(n: DemoNode): DemoNode[];
  /** Pins keys and sets up witnessing (quorum 2) between the three. */
  connect(): Promise<void>;
  /** Records (optionally) on the author's node and sends it as a signed package to the other two. */
  send(
    from: DemoNode,
    type: string,
    payload: JsonValue,
    local?: (tx: Transaction<DB>) => Promise<void>,
  ): Promise<Uint8Array>;
  /** Signs the draft on all three nodes through packages and starts the exchange on each. */
  agree(exchangeId: string, draft: Agreement, signedAt: string): Promise<Agreement>;
  /** Every node admits the exchange.events packages its inbox holds that it has not admitted yet. */
  admitPending(): Promise<void>;
  /** Records events on their author's node and has the other two admit them. */
  submit(exchangeId: string): Submit;
  /** The stream heads of an exchange on the three nodes. */
  heads(exchangeId: string): Promise<{ seq: number; chain: string }[]>;
  /** Cosigns every node's latest checkpoint (throws if a quorum is missed). */
  cosignAll(): Promise<void>;
  /** The Mediator's bulletin of an exchange, cosigned, packaged and verified. */
  publish(exchangeId: string): Promise<Bulletined>;
  close(): Promise<void>;
}

/** Opens and starts the three nodes (not yet connected: call connect()). */
export async function openThreeNodes(opts: NodesOptions = {}): Promise<ThreeNodes> {
  const serve = !!opts.serve;
  const url = opts.databaseUrl;
  const temporary = !url && opts.dataDir === undefined;
  const dataDir = url
    ? undefined
    : path.resolve(opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-nodes-')));
  const databases: Database[] = [];
  const schemas: string[] = [];
  const nodes: DemoNode[] = [];
  const close = async () => {
    for (const n of nodes) await n.app.close().catch(() => {});
    for (const [i, d] of databases.entries()) {
      const schema = schemas[i];
      if (schema) await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(d.db).catch(() => {});
      await d.close().catch(() => {});
    }
    if (temporary && dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (url) {
      for (const [, , , dir] of SPECS) {
        const schema = `test_${dir.replace('-', '_')}_${randomBytes(5).toString('hex')}`;
        schemas.push(schema);
        databases.push(await openDatabase({ databaseUrl: url, schema }));
      }
    } else {
      const dirs = SPECS.map((x) => path.join(dataDir!, x[3]));
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
        dirs.map((d) => {
          fs.mkdirSync(d, { recursive: true });
          return openDatabase({ dataDir: d });
        }),
      );
      for (const o of opened) if (o.status === 'fulfilled') databases.push(o.value);
      const failed = opened.find((o) => o.status === 'rejected');
      if (failed) throw failed.reason;
    }
    const started = await Promise.allSettled(
      SPECS.map(([party, label, name], i) =>
        startNode(
          databases[i]!,
          party,
          label,
          name,
          opts.port ? opts.port + i : 0,
          serve,
          opts.webDir,
          // An embedded node keeps its key file beside its data; the PostgreSQL schemas live as long
          // as this process, and so does their key.
          url ? undefined : path.join(dataDir!, SPECS[i]![3], KEY_FILE_NAME),
        ),
      ),
    );
    for (const o of started) if (o.status === 'fulfilled') nodes.push(o.value);
    const failed = started.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (e) {
    await close();
    throw e;
  }
  const [a, b, m] = nodes as [DemoNode, DemoNode, DemoNode];
  const byPartyMap = new Map(nodes.map((n) => [n.party, n]));
  const byParty = (party: string) => {
    const n = byPartyMap.get(party);
    if (!n) throw new Error(`no node for ${party}`);
    return n;
  };
  const others = (n: DemoNode) => nodes.filter((x) => x !== n);

  /** Content a peer refused after accepting the package (its inbox answered 200 with a refusal). */
  const refusals: { node: DemoNode; type: string; code: string | null; message: string | null }[] = [];
  const send: ThreeNodes['send'] = async (from, type, payload, local) => {
    const pkg = await from.database.transaction(async (tx) => {
      if (local) await local(tx);
      return sendPackage(from.ctx, tx, {
        type,
        version: 1,
        recipients: others(from).map((o) => o.identity.name),
        payload,
      });
    });
    for (const o of others(from)) {
      // One package per recipient, each in the sender's chain to that recipient.
      const own = pkg.all.find((x) => x.recipient === o.identity.name)!;
      const r = await deliver(o, own.bytes);
      await markDelivered(from.ctx, from.database.db, o.identity.name, [own.hash], 'http');
      if (r.application.status === 'refused' || r.application.status === 'pending')
        refusals.push({ node: o, type, code: r.application.code, message: r.application.message });
    }
    return pkg.bytes;
  };

  /** Delivers what a node's outbox holds; throws if a peer is unreachable or refused the content. */
  const flush = async (n: DemoNode) => {
    const lastApplied = async (o: DemoNode) =>
      Number(
        (
          await o.database.db
            .selectFrom('package_applications')
            .select((eb) => eb.fn.max('log_index').as('max'))
            .executeTakeFirst()
        )?.max ?? -1,
      );
    const before = new Map(await Promise.all(others(n).map(async (o) => [o, await lastApplied(o)] as const)));
    const r = await deliverOutbox(n.database, nodeContext(n.identity, 'deliver-outbox'));
    if (r.failed.length)
      throw new Error(
        `${n.label} could not deliver: ${r.failed.map((f) => `${f.recipient} ${f.reason}`).join('; ')}`,
      );
    for (const o of others(n)) {
      const refused = await o.database.db
        .selectFrom('package_applications')
        .select(['type', 'message'])
        .where('status', '=', 'refused')
        .where('log_index', '>', String(before.get(o)!))
        .execute();
      if (refused.length) throw new Error(`${o.label} refused ${refused[0]!.type}: ${refused[0]!.message}`);
    }
  };

  /** Each node applies what its inbox accepted and has not applied yet (after a crash, say). */
  const admitPending = async () => {
    for (const o of nodes) await applyPendingPackages(o.database, nodeContext(o.identity, 'apply-package'));
  };

  /**
   * Signatures inside events are made by their signer's own node key. In this one-process demo the
   * driver asks each signer's node for its signature (an approval by Party B inside an event Party A
   * records, say); between real nodes that approval travels as a package from its signer, as in the
   * three-node tests' substitution.
   */
  const signatureKeys = new Map<string, Awaited<ReturnType<typeof loadLogKeys>>['signer']>();
  const keyOf = async (party: string) => {
    let k = signatureKeys.get(party);
    if (!k) {
      k = (await loadLogKeys(byParty(party).database.db)).signer;
      signatureKeys.set(party, k);
    }
    return k;
  };
  const signed = async (events: ExchangeEvent[]): Promise<ExchangeEvent[]> => {
    const out = structuredClone(events);
    for (const e of out)
      for (const sig of signaturesIn(e)) {
        if (!byPartyMap.has(sig.signer)) continue; // not one of ours: left as it is (and refused by peers)
        const { signer, role, contentHash, signedAt } = sig;
        Object.assign(sig, signWith(await keyOf(signer), { signer, role, contentHash, signedAt }));
      }
    return out;
  };

  return {
    nodes: [a, b, m],
    a,
    b,
    m,
    dataDir,
    temporary,
    byParty,
    others,
    send,
    admitPending,
    close,
    async connect() {
      for (const n of nodes)
        for (const o of others(n)) {
          await n.database.transaction(async (tx) => {
            await pinKey(n.ctx, tx, o.identity.verifierKey, o.label);
            await setPeer(n.ctx, tx, o.identity.name, o.url);
          });
          await trustLog(o.database, { vkey: n.identity.verifierKey });
          await addLogWitness(n.database, {
            name: o.identity.name,
            vkey: await witnessVerifierKey(o.database.db),
            url: `${o.url}/log/witness`,
          });
        }
      for (const n of nodes) await setWitnessQuorum(n.database, 2);
    },
    async agree(exchangeId, draft, signedAt) {
      const unsigned: Agreement = { ...draft, signatures: [] };
      // Keys pinned per agreement: every node pins each signer's package key for this agreement.
      for (const n of nodes)
        for (const o of nodes)
          await n.database.transaction((tx) =>
            pinAgreementKey(n.ctx, tx, {
              agreementId: unsigned.id,
              signer: o.party,
              role: roleOf(o.party),
              vkey: o.identity.verifierKey,
              label: o.label,
            }),
          );
      // Party A proposes; each node signs from its own key; the outbox delivers; whichever node holds
      // the draft and all three signatures starts the exchange (src/app/exchange/agreements.ts).
      await a.database.transaction((tx) => proposeAgreement(a.ctx, tx, { exchangeId, agreement: unsigned }));
      await flush(a);
      for (const n of nodes) {
        await n.database.transaction((tx) =>
          signAgreementVersion(n.ctx, tx, exchangeId, undefined, new Date(signedAt)),
        );
        await flush(n);
      }
      let signed: Agreement | undefined;
      for (const n of nodes) {
        const row = await n.database.db
          .selectFrom('exchanges')
          .select('agreement')
          .where('id', '=', exchangeId)
          .executeTakeFirst();
        if (!row) throw new Error(`${n.label} did not start exchange ${exchangeId}`);
        const problems = await agreementSignatureProblems(n.database.db, row.agreement as Agreement);
        if (problems.length) throw new Error(`${n.label} holds bad signatures: ${problems.join('; ')}`);
        signed = row.agreement as Agreement;
      }
      return signed!;
    },
    submit(exchangeId) {
      return async (author, input) => {
        const from = byParty(author);
        const events = await signed(input);
        const confirmation =
          events.length === 1 && events[0]!.kind === 'stage.confirmation_signed' ? events[0] : undefined;
        let next: ExchangeState | undefined;
        const before = refusals.length;
        await send(
          from,
          EVENTS_PACKAGE_TYPE,
          { exchangeId, events: events as unknown as JsonValue },
          async (tx) => {
            next = (await recordExchangeEvents(from.ctx, tx, exchangeId, events)).state;
          },
        );
        const refused = refusals.slice(before);
        if (refused.length)
          throw new DeliveryRefused(
            200,
            refused[0]!.code ?? 'PENDING',
            refused
              .map((r) => `${r.node.label} refused the events: ${r.message ?? 'still pending'}`)
              .join('; '),
          );
        if (confirmation)
          await send(from, CONFIRMATION_PACKAGE_TYPE, {
            exchangeId,
            stageId: confirmation.stageId,
            signer: author,
            role: roleOf(author),
            reconciliationHash: confirmation.signature.contentHash,
          });
        return next!;
      };
    },
    heads: (exchangeId) => Promise.all(nodes.map((n) => streamHead(n, exchangeId))),
    async cosignAll() {
      for (const n of nodes) {
        const r = await cosignLatest(n.database);
        if (!r.final) throw new Error(`${n.label}'s log did not reach its witness quorum`);
      }
    },
    async publish(exchangeId) {
      const published = await m.database.transaction((tx) => publishBulletin(m.ctx, tx, exchangeId));
      if (!(await cosignLatest(m.database)).final)
        throw new Error("the Mediator's log did not reach its quorum");
      const file = await verifiableBulletin(m.database.db, m.ctx, exchangeId);
      return { published, file, check: verifyVerifiableBulletin(file) };
    },
  };
}
