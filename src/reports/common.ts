/**
 * What every report renderer takes: the replayed state of one exchange (src/domain/exchange), the
 * names the caller may see, and the time of rendering. Renderers are pure: no database, no clock.
 */
import { agreementHash, findCategory } from '../domain/exchange/agreement.ts';
import type { ManifestEntry } from '../domain/exchange/handover.ts';
import type { ExchangeState } from '../domain/exchange/operation.ts';
import type { StageState } from '../domain/exchange/stage.ts';
import { bi, esc, fact, L, type Label } from './html.ts';

export interface ReportInput {
  exchangeId: string;
  state: ExchangeState;
  /**
   * Display names by person reference (`person:<id>`), as the person projection allows the caller.
   * `null`: the caller may not read persons, so neither names nor person references are printed
   * (lines are shown by their manifest line id only).
   */
  names: ReadonlyMap<string, string> | null;
  /** ISO instant printed in the footer. */
  generatedAt: string;
}

export function partyName(state: ExchangeState, id: string): string {
  const a = state.agreement;
  return [...a.parties, ...a.mediators].find((p) => p.id === id)?.name ?? id;
}

export function categoryLabel(state: ExchangeState, id: string): string {
  return findCategory(state.agreement, id)?.label ?? id;
}

/** The person cell of a line: the name (or reference) if the caller may read persons, else nothing. */
export function personCell(input: ReportInput, e: ManifestEntry): string {
  if (!input.names) return '<span class="empty">—</span>';
  const name = input.names.get(e.personRef);
  return name ? `${esc(name)}<br><code>${esc(e.personRef)}</code>` : `<code>${esc(e.personRef)}</code>`;
}

export const namesNote = (input: ReportInput): string =>
  input.names ? '' : `<p class="note">${bi(L.namesHidden)}</p>`;

/** The header facts of an exchange (and of a stage, when given). */
export function exchangeFacts(input: ReportInput, s?: StageState): string {
  const a = input.state.agreement;
  const rows = [
    fact(L.exchange, input.exchangeId),
    fact(L.agreement, `${a.title} (v${a.version}, ${a.concludedAt})`),
  ];
  if (s)
    rows.push(
      fact(L.stage, s.plan.stageId),
      fact(L.date, s.plan.date),
      fact(L.crossingPoint, s.plan.crossingPoint),
      fact(L.status, s.status),
    );
  rows.push(fact(L.agreementHash, agreementHash(a)));
  return `<div class="facts">${rows.join('')}</div>`;
}

export { handedInExchange, liveStages } from '../domain/exchange/live-stages.ts';
export type { Label };
