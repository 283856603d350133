/**
 * What every report renderer takes: the replayed state of one exchange (src/domain/exchange), the
 * names the caller may see, and the time of rendering. Renderers are pure: no database, no clock.
 */
import { agreementHash, findCategory } from '../domain/exchange/agreement.ts';
import type { ManifestEntry } from '../domain/exchange/handover.ts';
import type { ExchangeState } from '../domain/exchange/operation.ts';
import type { StageState } from '../domain/exchange/stage.ts';
import type { Locale } from '../i18n/format.ts';
import { catalogues } from '../i18n/messages.ts';
import { esc, L, type Label, type ReportText, reportText } from './html.ts';

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
  /** The reader's language and time zone; absent: bilingual Ukrainian | English, as reports always were. */
  text?: ReportText;
}

const BILINGUAL = reportText();

/** How the report speaks to its reader. */
export const textOf = (input: ReportInput): ReportText => input.text ?? BILINGUAL;

export function partyName(state: ExchangeState, id: string): string {
  const a = state.agreement;
  return [...a.parties, ...a.mediators].find((p) => p.id === id)?.name ?? id;
}

/**
 * A category as the reader reads it: the catalogue's name of a category id it knows
 * (`exchangeCategory.<id>`, as the web shows it) in Ukrainian or Russian, else the agreement's own label.
 */
export function categoryLabel(state: ExchangeState, id: string, lang?: Locale): string {
  const known = lang && lang !== 'en' ? catalogues[lang][`exchangeCategory.${id}`] : undefined;
  return known ?? findCategory(state.agreement, id)?.label ?? id;
}

/** The person cell of a line: the name (or reference) if the caller may read persons, else nothing. */
export function personCell(input: ReportInput, e: ManifestEntry): string {
  if (!input.names) return '<span class="empty">—</span>';
  const name = input.names.get(e.personRef);
  return name ? `${esc(name)}<br><code>${esc(e.personRef)}</code>` : `<code>${esc(e.personRef)}</code>`;
}

export const namesNote = (input: ReportInput): string =>
  input.names ? '' : `<p class="note">${textOf(input).label(L.namesHidden)}</p>`;

/** The header facts of an exchange (and of a stage, when given). */
export function exchangeFacts(input: ReportInput, s?: StageState): string {
  const t = textOf(input);
  const a = input.state.agreement;
  const rows = [
    t.fact(L.exchange, input.exchangeId),
    t.factHtml(L.agreement, `${esc(a.title)} (v${esc(a.version)}, ${t.date(a.concludedAt)})`),
  ];
  if (s)
    rows.push(
      t.fact(L.stage, s.plan.stageId),
      t.factHtml(L.date, t.date(s.plan.date)),
      t.fact(L.crossingPoint, s.plan.crossingPoint),
      t.factHtml(L.status, t.value('stage_status', s.status)),
    );
  rows.push(t.fact(L.agreementHash, agreementHash(a)));
  return `<div class="facts">${rows.join('')}</div>`;
}

export { handedInExchange, liveStages } from '../domain/exchange/live-stages.ts';
export type { Label };
