/**
 * The stage board: what a field officer, a coordinator, a mediator or an auditor sees of an exchange
 * while a stage runs, and the one write a field officer makes there (a person's handover outcome).
 *
 * Every count comes from `reconcileStage` over the replayed event stream (counts are derived from
 * handover records, never stored); the storage and replay are src/app/exchange/exchange.ts. Names of manifest
 * lines that reference a registry person (`person:<id>`) come through `projectPerson`, so a caller
 * sees exactly what the person projection allows them to (nothing without `person:read`).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { loadPersons } from '../../db/persons.ts';
import type { DB } from '../../db/schema.ts';
import { hasPermission, type RequestContext, requirePermission } from '../../domain/access.ts';
import type { HandoverRecordInput } from '../../domain/exchange/handover.ts';
import { type ExchangeState, getStage, stages } from '../../domain/exchange/operation.ts';
import { type Reconciliation, reconcileStage, reconciliationHash } from '../../domain/exchange/reconcile.ts';
import { stageWarnings, type WarningKind, type WarningMessageView } from '../../domain/exchange/rules.ts';
import {
  activeEntries,
  effectiveRecords,
  type JustificationCode,
  type StageState,
} from '../../domain/exchange/stage.ts';
import { projectPerson } from '../../domain/person-view.ts';
import { type ActingParty, type NodeSelf, nodeParty } from '../node/node-party.ts';
import { shareExchangeEvents } from '../peers/outbox.ts';
import { loadExchange, recordExchangeEvent } from './exchange.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export interface StageSummary {
  stageId: string;
  date: string;
  crossingPoint: string;
  status: StageState['status'];
  reconciliation: Reconciliation;
}

export interface ExchangeSummary {
  id: string;
  agreement: { id: string; version: number; title: string; ordinal: number | null };
  parties: string[];
  createdAt: string;
  /** Events in the stream so far. */
  events: number;
  stages: { stageId: string; date: string; crossingPoint: string; status: StageState['status'] }[];
}

const agreementInfo = (state: ExchangeState) => {
  const a = state.agreement;
  return {
    agreement: { id: a.id, version: a.version, title: a.title, ordinal: a.ordinal },
    parties: a.parties.map((p) => p.id),
  };
};

function stageSummary(s: StageState): StageSummary {
  return {
    stageId: s.plan.stageId,
    date: s.plan.date,
    crossingPoint: s.plan.crossingPoint,
    status: s.status,
    reconciliation: reconcileStage(s),
  };
}

/** The exchanges of the caller's organisation, newest first, with their stages' statuses. */
export async function listExchanges(ctx: RequestContext, db: Handle): Promise<ExchangeSummary[]> {
  requirePermission(ctx, 'exchange:read');
  const rows = await db
    .selectFrom('exchanges')
    .select(['id', 'created_at'])
    .where('org_id', '=', ctx.orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(100)
    .execute();
  const out: ExchangeSummary[] = [];
  for (const r of rows) {
    const loaded = await loadExchange(db, ctx, r.id);
    out.push({
      id: r.id,
      ...agreementInfo(loaded.state),
      createdAt: new Date(r.created_at).toISOString(),
      events: loaded.seq,
      stages: stages(loaded.state).map((s) => ({
        stageId: s.plan.stageId,
        date: s.plan.date,
        crossingPoint: s.plan.crossingPoint,
        status: s.status,
      })),
    });
  }
  return out;
}

export interface ExchangeDetail extends Omit<ExchangeSummary, 'stages' | 'createdAt'> {
  stages: StageSummary[];
}

/** One exchange with every stage's reconciliation (counts derived from its handover records). */
export async function getExchange(
  ctx: RequestContext,
  db: Handle,
  exchangeId: string,
): Promise<ExchangeDetail> {
  requirePermission(ctx, 'exchange:read');
  const loaded = await loadExchange(db, ctx, exchangeId);
  return {
    id: exchangeId,
    ...agreementInfo(loaded.state),
    events: loaded.seq,
    stages: stages(loaded.state).map(stageSummary),
  };
}

export interface BoardLine {
  entryId: string;
  personRef: string;
  /** The registry person's display name, when the reference is a registry person the caller may read. */
  name: string | null;
  direction: string;
  category: string;
  outsideExchange: boolean;
  /** The line's current record; null while pending. */
  record: {
    id: string;
    outcome: 'handed_over' | 'not_handed_over';
    willingness: string;
    fitness: string;
    identity: string | null;
    crossedAt: string | null;
    discrepancies: string[];
    recordedAt: string;
  } | null;
}

export interface StageBoard extends StageSummary {
  exchangeId: string;
  /** Sequence number of the last event the board reflects. */
  seq: number;
  manifestVersion: number | null;
  /** Display names of the agreement's parties, by id (directions are receiving parties). */
  partyNames: Record<string, string>;
  lines: BoardLine[];
  /** Rule breaches of the stage so far (`stageWarnings`), each with its justification once given. */
  warnings: ({
    id: string;
    kind: WarningKind;
    /** English text for API clients; the web renders `code` + `params` in the reader's language. */
    message: string;
    justification: { code: JustificationCode; note: string | null; by: string } | null;
  } & WarningMessageView)[];
  /** Reserve lines that replaced active lines, approved by both parties (read-only here). */
  substitutions: { id: string; replaces: string; by: string; reason: string; approvedBy: string[] }[];
  /** Off-manifest transfers co-signed by both parties. */
  exceptions: {
    id: string;
    entryId: string;
    direction: string;
    category: string;
    outsideExchange: boolean;
    reason: string;
    approvedBy: string[];
  }[];
  /** What a confirmation signs, once the stage is reconciled (null before). */
  reconciliationHash: string | null;
  confirmations: { signer: string; role: 'party' | 'mediator'; keyId: string; signedAt: string }[];
  /** The signers a confirmation needs: both parties and one of the mediators. */
  signers: { parties: { id: string; name: string }[]; mediators: { id: string; name: string }[] };
  /** Which signer this node acts as (src/app/node/node-party.ts); null when it is none. */
  actingAs: ActingParty | null;
}

const PERSON_PREFIX = 'person:';

/**
 * The whole board of one stage in one answer: reconciliation plus every active line and its record,
 * the stage's warnings and justifications, substitutions, exceptions and confirmation signatures.
 * `self` (the node's identity) says which signer the node acts as.
 */
export async function stageBoard(
  ctx: RequestContext,
  db: Handle,
  exchangeId: string,
  stageId: string,
  self?: NodeSelf,
): Promise<StageBoard> {
  requirePermission(ctx, 'exchange:read');
  const loaded = await loadExchange(db, ctx, exchangeId);
  const s = getStage(loaded.state, stageId);
  const byEntry = new Map(effectiveRecords(s).map((r) => [r.entryId, r]));
  const entries = activeEntries(s);
  const names = new Map<string, string>();
  if (hasPermission(ctx, 'person:read')) {
    const ids = [
      ...new Set(
        entries.filter((e) => e.personRef.startsWith(PERSON_PREFIX)).map((e) => e.personRef.slice(7)),
      ),
    ];
    for (let at = 0; at < ids.length; at += 1000) {
      const records = await loadPersons(db as Transaction<DB>, ctx, ids.slice(at, at + 1000));
      for (const p of records) names.set(p.id, projectPerson(ctx, p).displayName);
    }
  }
  return {
    exchangeId,
    seq: loaded.seq,
    manifestVersion: s.lockedVersion,
    partyNames: Object.fromEntries(loaded.state.agreement.parties.map((p) => [p.id, p.name])),
    ...stageSummary(s),
    ...endOfStage(loaded.state, s),
    actingAs: self ? nodeParty(loaded.state.agreement, self) : null,
    lines: entries.map((e) => {
      const r = byEntry.get(e.id);
      return {
        entryId: e.id,
        personRef: e.personRef,
        name: e.personRef.startsWith(PERSON_PREFIX) ? (names.get(e.personRef.slice(7)) ?? null) : null,
        direction: e.direction,
        category: e.category,
        outsideExchange: e.outsideExchange,
        record: r
          ? {
              id: r.id,
              outcome: r.outcome,
              willingness: r.willingness,
              fitness: r.fitness,
              identity: r.identityCheck?.result ?? null,
              crossedAt: r.crossedAt,
              discrepancies: [...r.discrepancies],
              recordedAt: r.recordedAt,
            }
          : null,
      };
    }),
  };
}

function endOfStage(state: ExchangeState, s: StageState) {
  const a = state.agreement;
  const justified = new Map(s.justifications.map((j) => [j.warningId, j]));
  const reconciled = s.status === 'reconciled' || s.status === 'confirmed';
  return {
    warnings: stageWarnings(a, s).map((w) => {
      const j = justified.get(w.id);
      return {
        id: w.id,
        kind: w.kind,
        message: w.message,
        code: w.code,
        params: w.params,
        justification: j ? { code: j.code, note: j.note, by: j.by } : null,
      };
    }),
    substitutions: s.substitutions.map((x) => ({
      id: x.id,
      replaces: x.replaces,
      by: x.by,
      reason: x.reason,
      approvedBy: x.approvals.map((p) => p.signer),
    })),
    exceptions: s.exceptions.map((x) => ({
      id: x.id,
      entryId: x.entry.id,
      direction: x.entry.direction,
      category: x.entry.category,
      outsideExchange: x.entry.outsideExchange,
      reason: x.reason,
      approvedBy: x.approvals.map((p) => p.signer),
    })),
    reconciliationHash: reconciled ? reconciliationHash(a, s) : null,
    confirmations: s.confirmations.map((c) => ({
      signer: c.signer,
      role: c.role,
      keyId: c.keyId,
      signedAt: c.signedAt,
    })),
    signers: {
      parties: a.parties.map((p) => ({ id: p.id, name: p.name })),
      mediators: a.mediators.map((m) => ({ id: m.id, name: m.name })),
    },
  };
}

/** What a field officer records for one line; the server adds the stage, the record id and the time. */
export type HandoverInput = Omit<HandoverRecordInput, 'id' | 'stageId' | 'recordedAt' | 'receivedBy'> & {
  /** A client-chosen record id makes a retried request safe (the second one is refused as a duplicate). */
  id?: string | undefined;
  /** The receiving officer's account id; the caller's own by default. */
  receivedBy?: string | null | undefined;
};

/**
 * Records one handover outcome through the exchange's event stream (admitted by the domain, logged,
 * audited). A refusal by the domain throws before anything is written.
 */
export async function recordHandover(
  ctx: RequestContext,
  tx: Transaction<DB>,
  exchangeId: string,
  stageId: string,
  input: HandoverInput,
  now: Date = new Date(),
): Promise<{ recordId: string; seq: number; reconciliation: Reconciliation }> {
  requirePermission(ctx, 'handover:write');
  const { id, receivedBy, ...rest } = input;
  const recordId = id ?? `rec-${randomUUID()}`;
  const handedOver = rest.outcome === 'handed_over';
  const record: HandoverRecordInput = {
    ...rest,
    id: recordId,
    stageId,
    recordedAt: now.toISOString(),
    receivedBy: receivedBy !== undefined ? receivedBy : handedOver ? (ctx.userId ?? 'cli') : null,
  };
  const event = { kind: 'handover.recorded' as const, record };
  const result = await recordExchangeEvent(ctx, tx, exchangeId, event);
  // The other signers' nodes get it as a signed package (src/app/peers/outbox.ts), in this transaction.
  await shareExchangeEvents(tx, ctx, { id: exchangeId, agreementId: result.state.agreement.id }, [event]);
  return {
    recordId,
    seq: result.seqs.at(-1)!,
    reconciliation: reconcileStage(getStage(result.state, stageId)),
  };
}
