import { type Reconciliation, reconcileStage } from '../domain/exchange/reconcile.ts';
import type { Warning } from '../domain/exchange/rules.ts';
import type { StageState } from '../domain/exchange/stage.ts';
import { formatMessage } from '../i18n/messages.ts';
import { categoryLabel, partyName, type ReportInput, textOf } from './common.ts';
import { codeCounts, esc, L, num } from './html.ts';

const FIELDS = [
  'planned',
  'onManifest',
  'presented',
  'handedOver',
  'outsideExchange',
  'notHandedOver',
  'pending',
] as const;

/**
 * The counts table of a stage, straight from `reconcileStage` (counts are derived from the handover
 * records, never stored). Cells carry `data-cell="direction:category:field"` for checks.
 */
export function countsTable(
  input: ReportInput,
  s: StageState,
  r: Reconciliation = reconcileStage(s),
): string {
  const t = textOf(input);
  if (r.cells.length === 0) return t.empty();
  const head = `<tr>${t.th(L.direction)}${t.th(L.category)}${FIELDS.map((f) => t.th(L[f], 'n')).join('')}${t.th(L.discrepancies)}</tr>`;
  const rows: string[] = [];
  const directions = [...new Set(r.cells.map((c) => c.direction))];
  for (const d of directions) {
    for (const c of r.cells.filter((x) => x.direction === d))
      rows.push(
        `<tr data-row="${esc(`${d}:${c.category}`)}"><td>${esc(partyName(input.state, d))}</td><td>${esc(categoryLabel(input.state, c.category, t.lang))}</td>${FIELDS.map((f) => num(c[f]).replace('<td', `<td data-cell="${esc(`${d}:${c.category}:${f}`)}"`)).join('')}<td>${codeCounts(t, c.discrepancies)}</td></tr>`,
      );
    const total = r.totals[d]!;
    rows.push(
      `<tr class="total"><td>${esc(partyName(input.state, d))}</td><td>${t.label(L.total)}</td>${FIELDS.map((f) => num(total[f]).replace('<td', `<td data-cell="${esc(`${d}:total:${f}`)}"`)).join('')}<td>${codeCounts(t, total.discrepancies)}</td></tr>`,
    );
  }
  return `<table class="counts"><colgroup><col style="width:10%"><col style="width:12%">${FIELDS.map(() => '<col style="width:8.5%">').join('')}<col style="width:18.5%"></colgroup>${head}${rows.join('')}</table>`;
}

/** A warning's parameters with parties and categories by their names in the agreement, for readers. */
function readableParams(
  input: ReportInput,
  params: Record<string, string | number>,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params))
    out[k] =
      typeof v !== 'string'
        ? v
        : k === 'category'
          ? categoryLabel(input.state, v, textOf(input).lang)
          : k === 'direction' || k === 'partyX' || k === 'partyY'
            ? partyName(input.state, v)
            : v;
  return out;
}

/** Warnings with the justification code attached to each (or "—" when none yet). */
export function warningsTable(input: ReportInput, warnings: readonly Warning[], s?: StageState): string {
  const t = textOf(input);
  if (warnings.length === 0) return t.empty();
  const just = new Map((s?.justifications ?? []).map((j) => [j.warningId, j]));
  const rows = warnings.map((w) => {
    const j = just.get(w.id);
    return `<tr data-warning="${esc(w.id)}" data-justified="${j ? 'yes' : 'no'}"><td><code>${esc(w.id)}</code></td><td>${t.value('warning_kind', w.kind)}</td><td>${esc(t.lang ? formatMessage(t.lang, w.code, readableParams(input, w.params)) : w.message)}</td><td>${j ? `<code>${t.value('justification', j.code)}</code>${j.note ? `<br>${esc(j.note)}` : ''}<br><span class="note">${esc(j.by)}</span>` : '—'}</td></tr>`;
  });
  return `<table><tr>${t.th(L.warning)}${t.th(L.kind)}${t.th(L.message)}${t.th(L.justification)}</tr>${rows.join('')}</table>`;
}
