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
} from './common.ts';
import { warningsTable } from './counts.ts';
import { bi, empty, esc, h2, L, num, page, th } from './html.ts';

export const PROGRESS_TITLE = { uk: 'Звіт про виконання угоди', en: 'Agreement progress report' };

/** Cumulative handed over in the exchange by `direction\0category`, over the live stages. */
export function cumulativeHandedOver(input: ReportInput): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of liveStages(input.state))
    for (const [k, n] of handedInExchange(s)) out.set(k, (out.get(k) ?? 0) + n);
  return out;
}

export function renderProgressReport(input: ReportInput): string {
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
    ? `<table><tr>${th(L.direction)}${th(L.category)}${th(L.target, 'n')}${th(L.cumulative, 'n')}${th(L.remaining, 'n')}</tr>${a.targets
        .map((t) => {
          const n = sumFor(t.direction, t.category);
          return `<tr data-target="${esc(`${t.direction}:${t.category ?? '*'}`)}"><td>${esc(partyName(state, t.direction))}</td><td>${t.category ? esc(categoryLabel(state, t.category)) : bi(L.total)}</td>${num(t.count)}${num(n).replace('<td', '<td data-cumulative')}${num(Math.max(0, t.count - n))}</tr>`;
        })
        .join('')}</table>`
    : empty();

  const keys = [
    ...new Set([...a.targets.map((t) => `${t.direction}\u0000${t.category ?? ''}`), ...cum.keys()]),
  ]
    .filter((k) => !k.endsWith('\u0000'))
    .sort();
  const stages = liveStages(state);
  const perStage = stages.length
    ? `<table><tr>${th(L.stage)}${th(L.date)}${th(L.status)}${keys
        .map((k) => {
          const [d, c] = k.split('\u0000') as [string, string];
          return `<th class="n">${bi(L.to)}: ${esc(partyName(state, d))}<br>${esc(categoryLabel(state, c))}</th>`;
        })
        .join('')}</tr>${stages
        .map((s) => {
          const h = handedInExchange(s);
          return `<tr data-stage="${esc(s.plan.stageId)}"><td>${esc(s.plan.stageId)}</td><td>${esc(s.plan.date)}</td><td>${esc(s.status)}</td>${keys.map((k) => num(h.get(k) ?? 0)).join('')}</tr>`;
        })
        .join(
          '',
        )}<tr class="total"><td colspan="3">${bi(L.cumulative)}</td>${keys.map((k) => num(cum.get(k) ?? 0)).join('')}</tr></table>`
    : empty();

  const body = [
    exchangeFacts(input),
    h2({ uk: 'Цілі та накопичені показники', en: 'Targets and cumulative totals' }),
    `<p class="note">${bi({ uk: 'Передано в межах обміну; скасовані етапи не враховуються.', en: 'Handed over in the exchange; cancelled stages count nothing.' })}</p>`,
    targets,
    h2(L.perStage),
    perStage,
    h2({ uk: 'Попередження щодо угоди', en: 'Agreement warnings' }),
    warningsTable(
      agreementWarnings(a, { stages: state.stageOrder.map((id) => state.stages[id]!), final: false }),
    ),
  ];
  return page(PROGRESS_TITLE, body.join('\n'), input.generatedAt);
}
