/**
 * The stage handover act: what both parties and the mediator sign at the end of a stage day. Lists
 * per direction (names only as the person projection allows), counts by category (reconcileStage),
 * discrepancies, exceptions, substitutions and their chains, warnings with their justification codes,
 * and a signature block for each party and the mediator showing the confirmation hash they signed.
 */
import { manifestHash } from '../domain/exchange/handover.ts';
import { getStage } from '../domain/exchange/operation.ts';
import { reconciliationHash } from '../domain/exchange/reconcile.ts';
import { stageWarnings } from '../domain/exchange/rules.ts';
import {
  activeEntries,
  effectiveRecords,
  entryIndex,
  lockedManifest,
  type StageState,
  substitutionChains,
} from '../domain/exchange/stage.ts';
import {
  categoryLabel,
  exchangeFacts,
  namesNote,
  partyName,
  personCell,
  type ReportInput,
  textOf,
} from './common.ts';
import { countsTable, warningsTable } from './counts.ts';
import { esc, L, type ReportText } from './html.ts';

export const ACT_TITLE = L.actTitle;

function linesByDirection(input: ReportInput, s: StageState): string {
  const t = textOf(input);
  const idx = entryIndex(s);
  const records = new Map(effectiveRecords(s).map((r) => [r.entryId, r]));
  const active = new Set(activeEntries(s).map((e) => e.id));
  // Active lines, and replaced lines that have a record (what happened at the crossing stays visible).
  const shown = [...idx.values()].filter((e) => active.has(e.id) || records.has(e.id));
  const directions = [
    ...new Set([...s.plan.planned.map((p) => p.direction), ...shown.map((e) => e.direction)]),
  ];
  return directions
    .map((d) => {
      const mine = shown.filter((e) => e.direction === d);
      const rows = mine.map((e, i) => {
        const r = records.get(e.id);
        const outcome = r ? r.outcome : 'pending';
        return `<tr data-line="${esc(e.id)}"><td class="n">${i + 1}</td><td><code>${esc(e.id)}</code>${active.has(e.id) ? '' : ` <span class="note">(${t.label(L.replaced)})</span>`}</td><td>${personCell(input, e)}</td><td>${esc(categoryLabel(input.state, e.category, t.lang))}${e.outsideExchange ? ` <span class="note">(${t.label(L.outsideExchange)})</span>` : ''}</td><td>${t.value('outcome', outcome)}</td><td>${t.instant(r?.crossedAt)}</td><td>${r?.discrepancies.length ? r.discrepancies.map((c) => `<code>${t.value('discrepancy', c)}</code>`).join(' ') : '—'}</td></tr>`;
      });
      return `<h3>${t.label(L.to)}: ${esc(partyName(input.state, d))} (${mine.length})</h3>${
        rows.length
          ? `<table><tr>${t.th(L.number, 'n')}${t.th(L.line)}${t.th(L.person)}${t.th(L.category)}${t.th(L.outcome)}${t.th(L.crossedAt)}${t.th(L.discrepancies)}</tr>${rows.join('')}</table>`
          : t.empty()
      }`;
    })
    .join('');
}

function substitutionsSection(t: ReportText, s: StageState): string {
  if (s.substitutions.length === 0) return t.empty();
  const rows = s.substitutions.map(
    (x) =>
      `<tr><td><code>${esc(x.id)}</code></td><td><code>${esc(x.replaces)}</code></td><td><code>${esc(x.by)}</code></td><td>${esc(x.reason)}</td></tr>`,
  );
  return `<table><tr>${t.th(L.substitutions)}${t.th(L.replaced)}${t.th(L.by)}${t.th(L.reason)}</tr>${rows.join('')}</table>`;
}

function exceptionsSection(input: ReportInput, s: StageState): string {
  const t = textOf(input);
  if (s.exceptions.length === 0) return t.empty();
  const rows = s.exceptions.map(
    (x) =>
      `<tr><td><code>${esc(x.id)}</code></td><td><code>${esc(x.entry.id)}</code></td><td>${personCell(input, x.entry)}</td><td>${esc(partyName(input.state, x.entry.direction))}</td><td>${esc(x.reason)}</td></tr>`,
  );
  return `<table><tr>${t.th(L.exceptions)}${t.th(L.line)}${t.th(L.person)}${t.th(L.direction)}${t.th(L.reason)}</tr>${rows.join('')}</table>`;
}

function discrepanciesSection(t: ReportText, s: StageState): string {
  const rows = effectiveRecords(s)
    .filter((r) => r.discrepancies.length > 0)
    .map(
      (r) =>
        `<tr><td><code>${esc(r.entryId)}</code></td><td>${t.value('outcome', r.outcome)}</td><td>${r.discrepancies.map((c) => `<code>${t.value('discrepancy', c)}</code>`).join(' ')}</td><td>${t.instant(r.recordedAt)}</td></tr>`,
    );
  return rows.length
    ? `<table><tr>${t.th(L.line)}${t.th(L.outcome)}${t.th(L.discrepancies)}${t.th(L.signedAt)}</tr>${rows.join('')}</table>`
    : t.empty();
}

function signatureBlocks(input: ReportInput, s: StageState, hash: string): string {
  const t = textOf(input);
  const a = input.state.agreement;
  const signers = [
    ...a.parties.map((p) => ({ ...p, role: L.party })),
    ...a.mediators.map((p) => ({ ...p, role: L.mediator })),
  ];
  return `<div class="signatures">${signers
    .map((p) => {
      const sig = s.confirmations.find((c) => c.signer === p.id);
      const signed = sig
        ? `<div>${t.label(L.signedHash)}: <span class="hash" data-signed-hash="${esc(p.id)}">${esc(sig.contentHash)}</span></div><div class="note">${t.label(L.signedAt)}: ${t.instant(sig.signedAt)} · ${t.lang ? t.label(L.key) : 'key'} <code>${esc(sig.keyId)}</code>${sig.contentHash === hash ? '' : ` ${t.lang ? t.label(L.hashMismatch) : '≠ reconciliation hash'}`}</div>`
        : `<div class="empty">${t.label(L.notSigned)}</div>`;
      return `<div class="sig" data-signer="${esc(p.id)}"><div><strong>${t.label(p.role)}</strong></div><div>${esc(p.name)}</div>${signed}<div class="line">${t.label(L.signatureLine)}</div></div>`;
    })
    .join('')}</div>`;
}

/** The act of one stage as a self-contained printable HTML page. */
export function renderStageAct(input: ReportInput, stageId: string): string {
  const t = textOf(input);
  const s = getStage(input.state, stageId);
  const a = input.state.agreement;
  const locked = lockedManifest(s);
  const hash = reconciliationHash(a, s);
  const body = [
    exchangeFacts(input, s),
    `<div class="facts">${t.fact(L.manifestVersion, s.lockedVersion ?? '—')}${t.fact(L.manifestHash, locked ? manifestHash(locked) : '—')}</div>`,
    namesNote(input),
    t.h2(L.countsByCategory),
    countsTable(input, s),
    t.h2(L.listsPerDirection),
    linesByDirection(input, s),
    t.h2(L.discrepancies),
    discrepanciesSection(t, s),
    t.h2(L.exceptions),
    exceptionsSection(input, s),
    t.h2(L.substitutions),
    substitutionsSection(t, s),
    s.substitutions.length
      ? `<p>${t.label(L.chain)}: ${substitutionChains(s)
          .map((c) => c.map((id) => `<code>${esc(id)}</code>`).join(' → '))
          .join('; ')}</p>`
      : '',
    t.h2(L.warnings),
    warningsTable(input, stageWarnings(a, s), s),
    t.h2(L.signatures),
    `<div class="facts">${t.fact(L.reconciliationHash, hash)}</div>`,
    signatureBlocks(input, s, hash),
  ];
  return t.page(ACT_TITLE, body.join('\n'), input.generatedAt);
}
