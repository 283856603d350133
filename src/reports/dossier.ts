/**
 * The dispute dossier for the mediator: every open discrepancy at the crossing, every warning without a
 * justification, refusals of repatriation, manifest lines whose category eligibility was false or
 * unknown, and the hashes that let the mediator check each item against what the parties signed
 * (agreement, locked manifests, reconciliation hashes, handover record hashes).
 */
import { contentHash } from '../domain/exchange/common.ts';
import { manifestHash } from '../domain/exchange/handover.ts';
import { reconciliationHash } from '../domain/exchange/reconcile.ts';
import { agreementWarnings, stageWarnings, unjustified } from '../domain/exchange/rules.ts';
import { effectiveRecords, entryIndex, lockedManifest } from '../domain/exchange/stage.ts';
import {
  categoryLabel,
  exchangeFacts,
  liveStages,
  namesNote,
  partyName,
  personCell,
  type ReportInput,
  textOf,
} from './common.ts';
import { warningsTable } from './counts.ts';
import { esc, L } from './html.ts';

/** A flagged or disputed entry of a list version of the exchange (lists: src/app/lists/lists.ts). */
export interface DossierListEntry {
  /** Row of the list, from 1. */
  ord: number;
  nominationId: string;
  /** `person:<id>` or `record:<sha256>`; printed only when the caller may read persons. */
  personRef: string | null;
  claimedCategory: string | null;
  flags: readonly string[];
  /** Why eligibility is false or unknown, as the predicate evaluation said. */
  reason: string | null;
  /** The latest counterpart response to the entry, if any. */
  response: string | null;
}

export interface DossierList {
  kind: string;
  owner: string;
  version: number;
  hash: string;
  signed: boolean;
  entries: readonly DossierListEntry[];
}

/** Flags and responses that a mediator has to look at. */
export const DISPUTED_FLAGS = [
  'ineligible_for_category',
  'eligibility_unknown',
  'already_released',
  'duplicate_within_list',
  'ambiguous',
  'unknown',
] as const;
export const DISPUTED_RESPONSES = [
  'rejected',
  'not_held',
  'already_released',
  'deceased',
  'refuses',
  'unknown',
];

export const isDisputed = (e: DossierListEntry): boolean =>
  e.flags.some((f) => (DISPUTED_FLAGS as readonly string[]).includes(f)) ||
  (e.response !== null && DISPUTED_RESPONSES.includes(e.response));

function listsSection(input: ReportInput, lists: readonly DossierList[]): string {
  const t = textOf(input);
  if (lists.length === 0) return t.empty();
  return lists
    .map((l) => {
      const rows = l.entries
        .filter(isDisputed)
        .map(
          (e) =>
            `<tr data-list-entry="${esc(e.nominationId)}"><td class="n">${esc(e.ord)}</td><td>${
              input.names && e.personRef
                ? `${input.names.get(e.personRef) ? `${esc(input.names.get(e.personRef))}<br>` : ''}<code>${esc(e.personRef)}</code>`
                : '<span class="empty">—</span>'
            }</td><td>${esc(e.claimedCategory ? categoryLabel(input.state, e.claimedCategory, t.lang) : '—')}</td><td>${e.flags.map((f) => `<code>${t.value('list_flag', f)}</code>`).join(' ') || '—'}</td><td>${t.lang && t.lang !== 'en' ? '—' : esc(e.reason ?? '—')}</td><td>${e.response ? t.value('list_response', e.response) : '—'}</td></tr>`,
        );
      return `<h3>${t.value('list_kind', l.kind)} · ${esc(partyName(input.state, l.owner))} · v${esc(l.version)} (${rows.length}/${l.entries.length})</h3><p class="note">${t.label(L.listHash)}: <span class="hash">${esc(l.hash)}</span>${l.signed ? '' : ` · ${t.label(L.notSigned)}`}</p>${
        rows.length
          ? `<table><tr>${t.th(L.row, 'n')}${t.th(L.person)}${t.th(L.category)}${t.th(L.flags)}${t.th(L.reason)}${t.th(L.response)}</tr>${rows.join('')}</table>`
          : t.empty()
      }`;
    })
    .join('');
}

export const DOSSIER_TITLE = L.dossierTitle;

export function renderDisputeDossier(input: ReportInput, lists: readonly DossierList[] = []): string {
  const t = textOf(input);
  const state = input.state;
  const a = state.agreement;
  const stages = liveStages(state);

  const discrepancyRows: string[] = [];
  const ineligibleRows: string[] = [];
  const warnings = [];
  const hashRows: string[] = [];
  for (const s of stages) {
    const idx = entryIndex(s);
    const replacedBy = new Map(s.substitutions.map((x) => [x.replaces, x.by]));
    for (const r of effectiveRecords(s).filter(
      (x) => x.outcome === 'not_handed_over' || x.discrepancies.some((d) => d !== 'off_manifest'),
    )) {
      const e = idx.get(r.entryId);
      discrepancyRows.push(
        `<tr data-record="${esc(r.id)}"><td>${esc(s.plan.stageId)}</td><td><code>${esc(r.entryId)}</code>${replacedBy.has(r.entryId) ? `<br><span class="note">${t.label(L.replaced)} → <code>${esc(replacedBy.get(r.entryId))}</code></span>` : ''}</td><td>${e ? personCell(input, e) : '—'}</td><td>${e ? esc(partyName(state, e.direction)) : '—'}</td><td>${r.discrepancies.map((c) => `<code>${t.value('discrepancy', c)}</code>`).join(' ') || '—'}</td><td class="hash">${esc(contentHash(r))}</td></tr>`,
      );
    }
    for (const e of idx.values())
      if (e.eligibility !== 'true')
        ineligibleRows.push(
          `<tr data-ineligible="${esc(e.id)}"><td>${esc(s.plan.stageId)}</td><td><code>${esc(e.id)}</code>${e.reserve ? ` <span class="note">(${t.lang ? t.label(L.reserve) : 'reserve'})</span>` : ''}</td><td>${personCell(input, e)}</td><td>${esc(categoryLabel(state, e.category, t.lang))}</td><td>${t.label(e.eligibility === 'false' ? L.eligibilityFalse : L.eligibilityUnknown)}</td></tr>`,
        );
    warnings.push(...unjustified(stageWarnings(a, s), s.justifications));
    const m = lockedManifest(s);
    hashRows.push(
      `<tr><td>${esc(s.plan.stageId)}</td><td>${t.value('stage_status', s.status)}</td><td class="hash">${esc(m ? manifestHash(m) : '—')}</td><td class="hash">${esc(reconciliationHash(a, s))}</td><td>${s.confirmations.map((c) => `${esc(c.signer)}: <span class="hash">${esc(c.contentHash)}</span>`).join('<br>') || '—'}</td></tr>`,
    );
  }
  warnings.push(...agreementWarnings(a, { stages, final: false }));

  const refusals = state.refusals.length
    ? `<table><tr>${t.th(L.person)}${t.th(L.destination)}${t.th(L.occurredAt)}</tr>${state.refusals
        .map(
          (r) =>
            `<tr><td>${input.names ? `<code>${esc(r.personRef)}</code>${input.names.get(r.personRef) ? `<br>${esc(input.names.get(r.personRef))}` : ''}` : '<span class="empty">—</span>'}</td><td>${esc(partyName(state, r.destination))}</td><td>${t.instant(r.occurredAt)}</td></tr>`,
        )
        .join('')}</table>`
    : t.empty();

  const body = [
    exchangeFacts(input),
    namesNote(input),
    t.h2(L.openDiscrepancies),
    discrepancyRows.length
      ? `<table><tr>${t.th(L.stage)}${t.th(L.line)}${t.th(L.person)}${t.th(L.direction)}${t.th(L.discrepancies)}${t.th(L.recordHash)}</tr>${discrepancyRows.join('')}</table>`
      : t.empty(),
    t.h2(L.unjustified),
    warningsTable(input, warnings),
    t.h2(L.refusals),
    refusals,
    t.h2(L.ineligible),
    ineligibleRows.length
      ? `<table><tr>${t.th(L.stage)}${t.th(L.line)}${t.th(L.person)}${t.th(L.category)}${t.th(L.reason)}</tr>${ineligibleRows.join('')}</table>`
      : t.empty(),
    t.h2(L.listEntries),
    listsSection(input, lists),
    t.h2(L.hashes),
    `<p class="note">${t.label(L.recordHashNote)}</p>`,
    stages.length
      ? `<table><tr>${t.th(L.stage)}${t.th(L.status)}${t.th(L.manifestHash)}${t.th(L.reconciliationHash)}${t.th(L.signatures)}</tr>${hashRows.join('')}</table>`
      : t.empty(),
  ];
  return t.page(DOSSIER_TITLE, body.join('\n'), input.generatedAt);
}
