/**
 * The daily reconciliation report: for every stage of one date, planned vs on manifest vs presented
 * vs handed over per direction × category (reconcileStage), what is still pending, the discrepancies,
 * and the stage's warnings with the justification code attached to each.
 */
import { stageWarnings } from '../domain/exchange/rules.ts';
import { exchangeFacts, type ReportInput } from './common.ts';
import { countsTable, warningsTable } from './counts.ts';
import { bi, empty, esc, fact, h2, L, page } from './html.ts';

export const RECONCILIATION_TITLE = { uk: 'Щоденний звіт зі звірки', en: 'Daily reconciliation report' };

/** The report of `date` (YYYY-MM-DD); every stage planned for that date, cancelled ones included. */
export function renderReconciliationReport(input: ReportInput, date: string): string {
  const state = input.state;
  const stages = state.stageOrder.map((id) => state.stages[id]!).filter((s) => s.plan.date === date);
  const body = [exchangeFacts(input), `<div class="facts">${fact(L.date, date)}</div>`];
  if (stages.length === 0) body.push(empty());
  for (const s of stages)
    body.push(
      `<section data-stage="${esc(s.plan.stageId)}">`,
      h2(L.stage),
      `<p><strong>${esc(s.plan.stageId)}</strong> · ${esc(s.plan.crossingPoint)} · ${bi(L.status)}: ${esc(s.status)}</p>`,
      `<h3>${bi({ uk: 'Заплановано, представлено, передано', en: 'Planned, presented, handed over' })}</h3>`,
      countsTable(input, s),
      `<h3>${bi(L.warnings)}</h3>`,
      warningsTable(stageWarnings(state.agreement, s), s),
      '</section>',
    );
  return page(RECONCILIATION_TITLE, body.join('\n'), input.generatedAt);
}
