/**
 * What this node records in an exchange from its own screens (a handover on the board, a
 * reconciliation, a justification, a confirmation) reaches the other signers of the agreement as a
 * signed package, and is delivered to their inboxes.
 *
 * `shareExchangeEvents` runs in the transaction that records the events: when this node's own key is
 * pinned for a signer of the agreement (src/app/exchange/agreement-keys.ts), it signs an `exchange.events`
 * package to every other signer's node (whitelisted, logged: src/app/peers/packages.ts), and for a
 * confirmation of its own also the `exchange.confirmation` package a bulletin carries. Nothing is sent
 * for an exchange whose agreement has no keys pinned (a node working alone).
 *
 * `deliverOutbox` then posts every sent package not yet delivered to each recipient with a known URL
 * (`peers`), in that recipient's chain (packages.peer), stopping at its first failure so that it
 * never sees a gap; each attempt is recorded in `package_deliveries`. `Outbox` runs it after each
 * action and on an interval, so a peer that was unreachable catches up when it is back.
 */
import type { Kysely, Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { ofNodeOrg, requireNodeOrg } from '../../db/node-scope.ts';
import type { Database } from '../../db/open.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { nodeContext, type RequestContext, requireNodeTask, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import type { ExchangeEvent } from '../../domain/exchange/operation.ts';
import { toJsonValue } from '../../ledger/jcs.ts';
import { PACKAGE_MEDIA_TYPE } from '../../ledger/package.ts';
import { otherSignerNodes } from '../exchange/agreement-keys.ts';
import { CONFIRMATION_PACKAGE_TYPE, EXCHANGE_EVENTS_PACKAGE_TYPE } from './package-types.ts';
import { sendPackage } from './packages.ts';

type Handle = Kysely<DB> | Transaction<DB>;

/** Where the node named `nodeName` (its key name, its log origin) listens. Replaces an earlier URL. */
export async function setPeer(
  ctx: RequestContext,
  tx: Transaction<DB>,
  nodeName: string,
  url: string,
): Promise<{ nodeName: string; url: string }> {
  requirePermission(ctx, 'ledger:write');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the peer URL is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the peer URL must be http or https');
  if (!/^[A-Za-z0-9._/-]{2,100}$/.test(nodeName))
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'a node name uses letters, digits and . _ / - only');
  const base = parsed.origin + parsed.pathname.replace(/\/+$/, '');
  const previous = await tx
    .selectFrom('peers')
    .select('url')
    .where('node_name', '=', nodeName)
    .executeTakeFirst();
  if (previous?.url !== base)
    await writeAudit(tx, ctx, [
      {
        action: 'trust.peer_set',
        entityType: 'peer',
        entityId: nodeName,
        detail: { nodeName, url: base, previousUrl: previous?.url ?? null },
      },
    ]);
  await tx
    .insertInto('peers')
    .values({ node_name: nodeName, url: base })
    .onConflict((oc) => oc.column('node_name').doUpdateSet({ url: base }))
    .execute();
  await commitRecords(tx, [{ table: 'peers', key: nodeName }]);
  return { nodeName, url: base };
}

/**
 * Signs and logs the packages that share locally recorded `events` with the other signers of the
 * exchange's agreement, in the caller's transaction. Returns how many packages were made (0 when the
 * agreement has no key pinned for this node).
 */
export async function shareExchangeEvents(
  tx: Transaction<DB>,
  ctx: RequestContext,
  exchange: { id: string; agreementId: string },
  events: readonly ExchangeEvent[],
): Promise<number> {
  const found = await otherSignerNodes(tx, exchange.agreementId);
  if (!found) return 0;
  const { own, nodes: recipients } = found;
  if (!recipients.length) return 0;
  // The node shares what its users record: a node act, whoever's action triggered it (the same
  // request id ties its audit row to theirs).
  const self = await tx.selectFrom('node_identity').select('name').executeTakeFirstOrThrow();
  const node = nodeContext({ orgId: ctx.orgId, name: self.name }, 'share-events', ctx.requestId);
  await sendPackage(node, tx, {
    type: EXCHANGE_EVENTS_PACKAGE_TYPE,
    version: 1,
    recipients,
    payload: toJsonValue({ exchangeId: exchange.id, events }),
  });
  let made = 1;
  for (const e of events)
    if (e.kind === 'stage.confirmation_signed' && e.signature.signer === own.signer) {
      await sendPackage(node, tx, {
        type: CONFIRMATION_PACKAGE_TYPE,
        version: 1,
        recipients,
        payload: {
          exchangeId: exchange.id,
          stageId: e.stageId,
          signer: own.signer,
          role: own.role,
          reconciliationHash: e.signature.contentHash,
        },
      });
      made += 1;
    }
  return made;
}

export interface DeliveryReport {
  delivered: number;
  failed: { recipient: string; reason: string }[];
}

/**
 * Delivers to every peer with a known URL what it has not received, in its chain's order, stopping
 * at its first failure so that it never sees a gap. Never throws for a peer's answer; records each
 * attempt, and audits what reached each peer as the node's own work (`ctx`: the node, task
 * deliver-outbox).
 */
export async function deliverOutbox(
  database: Database,
  ctx: RequestContext,
  post: (url: string, bytes: Uint8Array) => Promise<{ ok: boolean; reason: string }> = postPackage,
): Promise<DeliveryReport> {
  requireNodeTask(ctx, 'deliver-outbox');
  const peers = await database.db
    .selectFrom('peers')
    .select(['node_name', 'url'])
    .orderBy('node_name')
    .execute();
  const report: DeliveryReport = { delivered: 0, failed: [] };
  for (const peer of peers) {
    const sent: number[] = [];
    for (const p of await undelivered(ctx, database.db, peer.node_name)) {
      const answer = await post(`${peer.url}/api/peer/packages`, p.bytes);
      await database.db
        .insertInto('package_deliveries')
        .values({
          package_hash: Buffer.from(p.hash),
          recipient: peer.node_name,
          status: answer.ok ? 'delivered' : 'failed',
          detail: answer.ok ? null : answer.reason.slice(0, 500),
        })
        .execute();
      if (!answer.ok) {
        report.failed.push({ recipient: peer.node_name, reason: answer.reason });
        break;
      }
      report.delivered += 1;
      sent.push(p.sequence);
    }
    if (sent.length)
      await writeAudit(database.db, ctx, [
        {
          action: 'package.delivered',
          entityType: 'package',
          entityId: null,
          detail: { recipient: peer.node_name, count: sent.length, sequences: sent },
        },
      ]);
  }
  return report;
}

/** POSTs a package to a peer inbox: ok on 200, else the status and error code (no payload echoed). */
export async function postPackage(url: string, bytes: Uint8Array): Promise<{ ok: boolean; reason: string }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': PACKAGE_MEDIA_TYPE },
      body: bytes,
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 200) return { ok: true, reason: '' };
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
    return { ok: false, reason: `HTTP ${res.status} ${body.error?.code ?? ''}`.trim() };
  } catch (e) {
    return { ok: false, reason: `unreachable: ${(e as Error).message}` };
  }
}

/** Runs `deliverOutbox` after each kick (coalesced) and every `intervalMs`; one run at a time. */
export class Outbox {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly database: Database,
    /** The node itself, task deliver-outbox (nodeContext). */
    private readonly ctx: RequestContext,
    private readonly onError: (e: unknown) => void = () => {},
    intervalMs = 30_000,
  ) {
    if (intervalMs > 0) {
      this.timer = setInterval(() => this.kick(), intervalMs);
      this.timer.unref();
    }
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await deliverOutbox(this.database, this.ctx);
        } catch (e) {
          this.onError(e);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
  }

  /** Waits for the current run (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }
}

/**
 * Sent packages not yet delivered to `recipient` (by HTTP or marked as hand-carried), in its chain's
 * order: what to carry to a node that cannot be reached.
 */
export async function undelivered(
  ctx: RequestContext,
  db: Handle,
  recipient: string,
): Promise<{ hash: Uint8Array; sequence: number; type: string; bytes: Uint8Array }[]> {
  const rows = await db
    .selectFrom('packages as p')
    .select(['p.hash', 'p.sequence', 'p.type', 'p.bytes'])
    .where('p.direction', '=', 'sent')
    .where('p.peer', 'in', [recipient, '*'])
    .where(ofNodeOrg(ctx))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('package_deliveries as d')
            .select('d.id')
            .whereRef('d.package_hash', '=', 'p.hash')
            .where('d.recipient', '=', recipient)
            .where('d.status', '=', 'delivered'),
        ),
      ),
    )
    .orderBy('p.sequence')
    .execute();
  return rows.map((r) => ({
    hash: new Uint8Array(r.hash),
    sequence: Number(r.sequence),
    type: r.type,
    bytes: new Uint8Array(r.bytes),
  }));
}

/** Records that packages reached `recipient` by other means (carried as files). */
export async function markDelivered(
  ctx: RequestContext,
  db: Handle,
  recipient: string,
  hashes: readonly Uint8Array[],
  how: string,
) {
  if (!hashes.length) return;
  await requireNodeOrg(ctx, db);
  await db
    .insertInto('package_deliveries')
    .values(
      hashes.map((h) => ({
        package_hash: Buffer.from(h),
        recipient,
        status: 'delivered' as const,
        detail: how,
      })),
    )
    .execute();
}
