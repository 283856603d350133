/**
 * Exchange operations in the node: the append-only event stream of each exchange (migration 006),
 * admitted through the pure domain (`admitExchangeEvent`, src/domain/exchange/operation.ts) inside the
 * transaction that appends it, with a commitment to each event in the node's transparency log.
 *
 * - `createExchange` stores the agreement version in force an exchange runs under (log kind
 *   `exchange.agreement`, committing to the SHA-256 of the agreement's canonical JSON, signatures
 *   included).
 * - `recordExchangeEvents` admits a batch of events in order, all or none: a refused event throws its
 *   DomainError and the transaction records nothing. Each admitted event is stored in its parsed form
 *   (defaults filled, as the domain hashes it) and logged as `exchange-event`, committing to the
 *   SHA-256 of that form's RFC 8785 JSON.
 *
 * Replaying a long stream costs a second or so per few thousand records, so the state after each
 * append is cached in memory under the stream's chain value (SHA-256 chained over the agreement and
 * every commitment): a state is a pure function of that chain, so the cache is right whichever
 * database or process wrote the events, and a rolled-back append only leaves an unused entry.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import { appendLogEntries } from '../../db/ledger.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { DatabaseSlot } from '../../db/scope.ts';
import { type Permission, type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { type Agreement, AgreementSchema, agreementHash } from '../../domain/exchange/agreement.ts';
import { toJson } from '../../domain/exchange/common.ts';
import {
  admitExchangeEvent,
  type ExchangeEvent,
  ExchangeEventSchema,
  type ExchangeState,
  replayExchange,
  startExchange,
} from '../../domain/exchange/operation.ts';
import { shownIssue } from '../../domain/field-names.ts';
import { canonicalBytes, type JsonValue } from '../../ledger/jcs.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export const EXCHANGE_EVENT_LOG_KIND = 'exchange-event';
export const EXCHANGE_AGREEMENT_LOG_KIND = 'exchange.agreement';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

/** SHA-256 of the canonical JSON of a value: what the log holds for an event or an agreement. */
export function commitmentOf(value: unknown): Buffer {
  return sha256(canonicalBytes(toJson(value) as JsonValue));
}

function nextChain(previous: Uint8Array, commitment: Uint8Array): Buffer {
  return sha256(Buffer.concat([previous, commitment]));
}

// State after the last event, by chain value (hex), per database: another node's cache must never
// stand in for replaying this node's stored events. Bounded; insertion order evicts the oldest.
const stateCaches = new DatabaseSlot(() => new Map<string, ExchangeState>());
const CACHE_LIMIT = 32;
function remember(db: Handle, chain: Uint8Array, state: ExchangeState): void {
  const stateCache = stateCaches.of(db);
  const key = Buffer.from(chain).toString('hex');
  stateCache.delete(key);
  stateCache.set(key, state);
  while (stateCache.size > CACHE_LIMIT) stateCache.delete(stateCache.keys().next().value!);
}

/**
 * Forgets every cached exchange state, so the next read replays (and checks) the stored events: for
 * whoever rewrote the tables under a running process (a restore, the tampering suite).
 */
export function forgetExchangeStates(db: Handle): void {
  stateCaches.of(db).clear();
}

export interface ExchangeRow {
  id: string;
  agreement: Agreement;
  agreementHash: string;
  logIndex: number;
}

/** Starts an exchange under an agreement in force (signed by every party and mediator). Idempotent. */
export async function createExchange(
  ctx: RequestContext,
  tx: Transaction<DB>,
  input: { id: string; agreement: unknown },
): Promise<ExchangeRow> {
  requirePermission(ctx, 'exchange:write');
  const parsed = AgreementSchema.safeParse(input.agreement);
  if (!parsed.success) throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'the agreement is malformed');
  const agreement = toJson(parsed.data);
  startExchange(agreement); // refuses an agreement not in force
  const hash = agreementHash(agreement);
  const existing = await tx
    .selectFrom('exchanges')
    .select(['id', 'org_id', 'agreement', 'agreement_hash', 'log_index'])
    .where('id', '=', input.id)
    .executeTakeFirst();
  if (existing) {
    if (existing.org_id !== ctx.orgId || !commitmentOf(existing.agreement).equals(commitmentOf(agreement)))
      throw new DomainError(ErrorCodes.CONFLICT, 'this exchange exists under another agreement');
    return rowOf(existing);
  }
  const { first } = await appendLogEntries(tx, [
    { kind: EXCHANGE_AGREEMENT_LOG_KIND, commitment: commitmentOf(agreement) },
  ]);
  await tx
    .insertInto('exchanges')
    .values({
      id: input.id,
      org_id: ctx.orgId,
      agreement: JSON.stringify(agreement),
      agreement_hash: hash,
      log_index: first,
      created_by: ctx.actorName,
    })
    .execute();
  await commitRecords(tx, [{ table: 'exchanges', key: input.id }]);
  await writeAudit(tx, ctx, [
    {
      action: 'exchange.created',
      entityType: 'exchange',
      entityId: input.id,
      detail: { agreementId: agreement.id, version: agreement.version, agreementHash: hash, logIndex: first },
    },
  ]);
  return { id: input.id, agreement, agreementHash: hash, logIndex: first };
}

function rowOf(r: {
  id: string;
  agreement: unknown;
  agreement_hash: string;
  log_index: string;
}): ExchangeRow {
  return {
    id: r.id,
    agreement: r.agreement as Agreement,
    agreementHash: r.agreement_hash,
    logIndex: Number(r.log_index),
  };
}

async function exchangeRow(db: Handle, ctx: RequestContext, exchangeId: string, lock: boolean) {
  let q = db
    .selectFrom('exchanges')
    .select(['id', 'agreement', 'agreement_hash', 'log_index'])
    .where('id', '=', exchangeId)
    .where('org_id', '=', ctx.orgId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new DomainError(ErrorCodes.NOT_FOUND, 'no such exchange');
  return rowOf(row);
}

export interface LoadedExchange {
  exchange: ExchangeRow;
  state: ExchangeState;
  /** Sequence number of the last event (0 before the first). */
  seq: number;
  chain: Uint8Array;
}

async function loadState(ctx: RequestContext, db: Handle, exchange: ExchangeRow): Promise<LoadedExchange> {
  const last = await db
    .selectFrom('exchange_events')
    .select(['seq', 'chain'])
    .where('exchange_id', '=', exchange.id)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const seq = last?.seq ?? 0;
  const chain = last ? new Uint8Array(last.chain) : commitmentOf(exchange.agreement);
  const cached = stateCaches.of(db).get(Buffer.from(chain).toString('hex'));
  if (cached) return { exchange, state: cached, seq, chain };
  const rows = await db
    .selectFrom('exchange_events as ev')
    .innerJoin('exchanges as x', 'x.id', 'ev.exchange_id')
    .select(['ev.seq', 'ev.event', 'ev.commitment'])
    .where('x.org_id', '=', ctx.orgId)
    .where('ev.exchange_id', '=', exchange.id)
    .orderBy('ev.seq')
    .execute();
  // An event altered in the database no longer matches the commitment stored (and logged) with it.
  const altered = rows.find((r) => !commitmentOf(r.event).equals(Buffer.from(r.commitment)));
  if (altered)
    throw new DomainError(
      ErrorCodes.INTEGRITY_ERROR,
      `the stored event ${altered.seq} of this exchange does not match its commitment; run \`homeward log audit\``,
      { seq: altered.seq },
    );
  const events = rows.map((r) => r.event as ExchangeEvent);
  const replay = replayExchange(exchange.agreement, events);
  if (!replay.ok) {
    // The server's own data no longer replays (altered in the database): say which event, never a 500.
    const seqAt = replay.at + 1;
    throw new DomainError(
      ErrorCodes.INTEGRITY_ERROR,
      `the stored events of this exchange do not replay at event ${seqAt}; run \`homeward log audit\``,
      { seq: seqAt },
    );
  }
  remember(db, chain, replay.state);
  return { exchange, state: replay.state, seq, chain };
}

/** Every stored event of an exchange of the caller's organisation, in order (as stored: the parsed form). */
export async function loadExchangeEvents(
  ctx: RequestContext,
  db: Handle,
  exchangeId: string,
): Promise<ExchangeEvent[]> {
  const rows = await db
    .selectFrom('exchange_events as ev')
    .innerJoin('exchanges as x', 'x.id', 'ev.exchange_id')
    .select(['ev.event'])
    .where('x.org_id', '=', ctx.orgId)
    .where('ev.exchange_id', '=', exchangeId)
    .orderBy('ev.seq')
    .execute();
  return rows.map((r) => r.event as ExchangeEvent);
}

/** The current state of an exchange (replayed, or from the cache). */
export async function loadExchange(
  db: Handle,
  ctx: RequestContext,
  exchangeId: string,
): Promise<LoadedExchange> {
  return loadState(ctx, db, await exchangeRow(db, ctx, exchangeId, false));
}

export interface RecordedEvents {
  /** Sequence numbers of the events recorded, in order. */
  seqs: number[];
  /** Log index of the first event's entry (the others follow). */
  logIndex: number;
  /** Log size after the append (the new checkpoint's). */
  logSize: number;
  /** The state after the events; shared with the replay cache, so never mutate it. */
  state: ExchangeState;
}

/**
 * What recording each kind of event takes (src/domain/access.ts): a field officer records handovers
 * only; what carries a signature by this node's key needs `node:sign` as well.
 */
export const exchangeEventPermissions = {
  'stage.planned': ['list:write'],
  'manifest.proposed': ['list:write'],
  'manifest.signed': ['node:sign'],
  'stage.started': ['exchange:write'],
  'substitution.approved': ['exchange:write', 'node:sign'],
  'exception.approved': ['exchange:write'],
  'handover.recorded': ['handover:write'],
  'custody.recaptured': ['exchange:write'],
  'repatriation.refused': ['exchange:write'],
  'breach.justified': ['exchange:write'],
  'stage.reconciled': ['exchange:write'],
  'stage.confirmation_signed': ['exchange:write', 'node:sign'],
  'stage.cancelled': ['exchange:write'],
} as const satisfies Record<ExchangeEvent['kind'], readonly Permission[]>;

/**
 * Admits `events` in order after the stored stream and appends them with their log commitments, in
 * the caller's transaction. The first refusal throws (a DomainError with details.violation and
 * details.event, the 0-based position in the batch) before anything is written.
 */
export async function recordExchangeEvents(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  events: readonly ExchangeEvent[],
): Promise<RecordedEvents> {
  if (events.length === 0) throw new DomainError(ErrorCodes.VALIDATION_FAILED, 'no events to record');
  // Events a counterpart sent were authorised by its verified signatures, not by a person here: the
  // node applying them needs its task's permission only, and signs nothing of its own.
  const applying = ctx.actor.kind === 'node' && ctx.actor.task === 'apply-package';
  for (const kind of new Set(events.map((e) => e.kind)))
    requirePermission(
      ctx,
      ...(applying ? (['exchange:write'] as const) : (exchangeEventPermissions[kind] ?? ['exchange:write'])),
    );
  // Same lock order as every log append (log head first), then this exchange's row.
  await tx.selectFrom('log_head').select('size').where('id', '=', 1).forUpdate().execute();
  const loaded = await loadState(ctx, tx, await exchangeRow(tx, ctx, exchangeId, true));
  let state = loaded.state;
  let chain: Uint8Array = loaded.chain;
  const stored: { event: unknown; commitment: Buffer; chain: Buffer; kind: string }[] = [];
  for (const [i, input] of events.entries()) {
    const parsed = ExchangeEventSchema.safeParse(input);
    if (!parsed.success)
      throw new DomainError(ErrorCodes.VALIDATION_FAILED, `event ${i + 1} is malformed`, {
        event: i,
        issues: parsed.error.issues.slice(0, 5).map((x) => {
          const s = shownIssue(ExchangeEventSchema, x);
          return `${s.path}: ${s.message}`;
        }),
      });
    const event = toJson(parsed.data);
    try {
      state = admitExchangeEvent(state, event);
    } catch (e) {
      if (e instanceof DomainError && events.length > 1)
        throw new DomainError(e.code, `event ${i + 1} (${event.kind}): ${e.message}`, {
          ...e.details,
          event: i,
        });
      throw e;
    }
    const commitment = commitmentOf(event);
    chain = nextChain(chain, commitment);
    stored.push({ event, commitment, chain: chain as Buffer, kind: event.kind });
  }
  const log = await appendLogEntries(
    tx,
    stored.map((s) => ({ kind: EXCHANGE_EVENT_LOG_KIND, commitment: s.commitment })),
  );
  const seqs = stored.map((_, i) => loaded.seq + 1 + i);
  // Bounded batches keep each statement's parameters well under the protocol limit.
  for (let at = 0; at < stored.length; at += 1000)
    await tx
      .insertInto('exchange_events')
      .values(
        stored.slice(at, at + 1000).map((s, j) => ({
          exchange_id: exchangeId,
          seq: seqs[at + j]!,
          kind: s.kind,
          event: JSON.stringify(s.event),
          commitment: s.commitment,
          chain: s.chain,
          log_index: log.first + at + j,
          created_by: ctx.actorName,
        })),
      )
      .execute();
  await commitRecords(
    tx,
    seqs.map((seq) => ({ table: 'exchange_events', key: [exchangeId, seq] })),
  );
  await writeAudit(tx, ctx, [
    {
      action: 'exchange.events_recorded',
      entityType: 'exchange',
      entityId: exchangeId,
      detail: {
        count: stored.length,
        seqs: [seqs[0], seqs.at(-1)],
        kinds: [...new Set(stored.map((s) => s.kind))],
        logIndexes: [log.first, log.first + stored.length - 1],
      },
    },
  ]);
  remember(tx, chain, state);
  return { seqs, logIndex: log.first, logSize: log.size, state };
}

/** One event: see recordExchangeEvents. */
export async function recordExchangeEvent(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  event: ExchangeEvent,
): Promise<RecordedEvents> {
  return recordExchangeEvents(ctx, tx, exchangeId, [event]);
}
