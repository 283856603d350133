/**
 * The daily reconciliation report: for every stage of one date, planned vs on manifest vs presented
 * vs handed over per direction × category (reconcileStage), what is still pending, the discrepancies,
 * and the stage's warnings with the justification code attached to each.
 */
import { stageWarnings } from '../domain/exchange/rules.ts';
import { exchangeFacts, type ReportInput, textOf } from './common.ts';
import { countsTable, warningsTable } from './counts.ts';
import { esc, L } from './html.ts';

export const RECONCILIATION_TITLE = L.reconciliationTitle;

/** The report of `date` (YYYY-MM-DD); every stage planned for that date, cancelled ones included. */
export function renderReconciliationReport(input: ReportInput, date: string): string {
  const t = textOf(input);
  const state = input.state;
  const stages = state.stageOrder.map((id) => state.stages[id]!).filter((s) => s.plan.date === date);
  const body = [exchangeFacts(input), `<div class="facts">${t.factHtml(L.date, t.date(date))}</div>`];
  if (stages.length === 0) body.push(t.empty());
  for (const s of stages)
    body.push(
      `<section data-stage="${esc(s.plan.stageId)}">`,
      t.h2(L.stage),
      `<p><strong>${esc(s.plan.stageId)}</strong> · ${esc(s.plan.crossingPoint)} · ${t.label(L.status)}: ${t.value('stage_status', s.status)}</p>`,
      `<h3>${t.label(L.plannedPresentedHanded)}</h3>`,
      countsTable(input, s),
      `<h3>${t.label(L.warnings)}</h3>`,
      warningsTable(input, stageWarnings(state.agreement, s), s),
      '</section>',
    );
  return t.page(RECONCILIATION_TITLE, body.join('\n'), input.generatedAt);
}
