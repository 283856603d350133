/**
 * The agreement progress report: each target of the agreement against the cumulative number handed
 * over in the exchange (outside-the-exchange releases excluded, cancelled stages count nothing), the
 * same per stage, and the agreement-level warnings so far.
 */
import { agreementWarnings } from '../domain/exchange/rules.ts';
import {
  categoryLabel,
  exchangeFacts,
  handedInExchange,
  liveStages,
  partyName,
  type ReportInput,
  textOf,
} from './common.ts';
import { warningsTable } from './counts.ts';
import { esc, L, num } from './html.ts';

export const PROGRESS_TITLE = L.progressTitle;

/** Cumulative handed over in the exchange by `direction\0category`, over the live stages. */
export function cumulativeHandedOver(input: ReportInput): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of liveStages(input.state))
    for (const [k, n] of handedInExchange(s)) out.set(k, (out.get(k) ?? 0) + n);
  return out;
}

export function renderProgressReport(input: ReportInput): string {
  const t = textOf(input);
  const state = input.state;
  const a = state.agreement;
  const cum = cumulativeHandedOver(input);
  const sumFor = (direction: string, category: string | null) =>
    [...cum.entries()]
      .filter(([k]) => {
        const [d, c] = k.split('\u0000');
        return d === direction && (category === null || c === category);
      })
      .reduce((n, [, v]) => n + v, 0);

  const targets = a.targets.length
    ? `<table><tr>${t.th(L.direction)}${t.th(L.category)}${t.th(L.target, 'n')}${t.th(L.cumulative, 'n')}${t.th(L.remaining, 'n')}</tr>${a.targets
        .map((g) => {
          const n = sumFor(g.direction, g.category);
          return `<tr data-target="${esc(`${g.direction}:${g.category ?? '*'}`)}"><td>${esc(partyName(state, g.direction))}</td><td>${g.category ? esc(categoryLabel(state, g.category, t.lang)) : t.label(L.total)}</td>${num(g.count)}${num(n).replace('<td', '<td data-cumulative')}${num(Math.max(0, g.count - n))}</tr>`;
        })
        .join('')}</table>`
    : t.empty();

  const keys = [
    ...new Set([...a.targets.map((t) => `${t.direction}\u0000${t.category ?? ''}`), ...cum.keys()]),
  ]
    .filter((k) => !k.endsWith('\u0000'))
    .sort();
  const stages = liveStages(state);
  const perStage = stages.length
    ? `<table><tr>${t.th(L.stage)}${t.th(L.date)}${t.th(L.status)}${keys
        .map((k) => {
          const [d, c] = k.split('\u0000') as [string, string];
          return `<th class="n">${t.label(L.to)}: ${esc(partyName(state, d))}<br>${esc(categoryLabel(state, c, t.lang))}</th>`;
        })
        .join('')}</tr>${stages
        .map((s) => {
          const h = handedInExchange(s);
          return `<tr data-stage="${esc(s.plan.stageId)}"><td>${esc(s.plan.stageId)}</td><td>${t.date(s.plan.date)}</td><td>${t.value('stage_status', s.status)}</td>${keys.map((k) => num(h.get(k) ?? 0)).join('')}</tr>`;
        })
        .join(
          '',
        )}<tr class="total"><td colspan="3">${t.label(L.cumulative)}</td>${keys.map((k) => num(cum.get(k) ?? 0)).join('')}</tr></table>`
    : t.empty();

  const body = [
    exchangeFacts(input),
    t.h2(L.targetsTitle),
    `<p class="note">${t.label(L.targetsNote)}</p>`,
    targets,
    t.h2(L.perStage),
    perStage,
    t.h2(L.agreementWarnings),
    warningsTable(
      input,
      agreementWarnings(a, { stages: state.stageOrder.map((id) => state.stages[id]!), final: false }),
    ),
  ];
  return t.page(PROGRESS_TITLE, body.join('\n'), input.generatedAt);
}
