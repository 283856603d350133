/**
 * The reports of an exchange as the node serves them (HTTP and CLI): loads the replayed state
 * (src/app/exchange.ts), resolves names through the person projection when the caller may read
 * persons, and hands both to the pure renderers of this folder. Permission: `exchange:read`.
 */
import type { Kysely, Transaction } from 'kysely';
import { loadExchange } from '../app/exchange.ts';
import { loadPersons } from '../db/persons.ts';
import type { DB } from '../db/schema.ts';
import { hasPermission, type RequestContext, requirePermission } from '../domain/access.ts';
import { getStage } from '../domain/exchange/operation.ts';
import { entryIndex } from '../domain/exchange/stage.ts';
import { projectPerson } from '../domain/person-view.ts';
import { renderStageAct } from './act.ts';
import type { ReportInput } from './common.ts';
import { renderDisputeDossier } from './dossier.ts';
import { renderProgressReport } from './progress.ts';
import { renderReconciliationReport } from './reconciliation.ts';

type Handle = Kysely<DB> | Transaction<DB>;

export const ReportKinds = ['act', 'reconciliation', 'progress', 'dossier'] as const;
export type ReportKind = (typeof ReportKinds)[number];

export interface ReportRequest {
  kind: ReportKind;
  exchangeId: string;
  /** For the act. */
  stageId?: string | undefined;
  /** For the reconciliation report (YYYY-MM-DD); default: the date of the latest stage. */
  date?: string | undefined;
}

async function reportInput(
  ctx: RequestContext,
  db: Handle,
  exchangeId: string,
  now: Date,
): Promise<ReportInput> {
  requirePermission(ctx, 'exchange:read');
  const { state } = await loadExchange(db, ctx, exchangeId);
  let names: Map<string, string> | null = null;
  if (hasPermission(ctx, 'person:read')) {
    names = new Map();
    const refs = new Set<string>();
    for (const id of state.stageOrder)
      for (const e of entryIndex(state.stages[id]!).values()) refs.add(e.personRef);
    for (const r of state.refusals) refs.add(r.personRef);
    const ids = [...refs].filter((r) => r.startsWith('person:')).map((r) => r.slice(7));
    for (let at = 0; at < ids.length; at += 1000) {
      const persons = await loadPersons(db as Transaction<DB>, ctx, ids.slice(at, at + 1000));
      for (const p of persons) names.set(`person:${p.id}`, projectPerson(ctx, p).displayName);
    }
  }
  return { exchangeId, state, names, generatedAt: now.toISOString() };
}

/** Renders one report as a self-contained printable HTML page. */
export async function renderReport(
  ctx: RequestContext,
  db: Handle,
  req: ReportRequest,
  now: Date = new Date(),
): Promise<string> {
  const input = await reportInput(ctx, db, req.exchangeId, now);
  switch (req.kind) {
    case 'act':
      getStage(input.state, req.stageId ?? ''); // NOT_FOUND for an unknown stage
      return renderStageAct(input, req.stageId!);
    case 'reconciliation': {
      const last = input.state.stageOrder.at(-1);
      const date = req.date ?? (last ? input.state.stages[last]!.plan.date : now.toISOString().slice(0, 10));
      return renderReconciliationReport(input, date);
    }
    case 'progress':
      return renderProgressReport(input);
    case 'dossier':
      return renderDisputeDossier(input);
  }
}
