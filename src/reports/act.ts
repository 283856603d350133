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
} from './common.ts';
import { countsTable, warningsTable } from './counts.ts';
import { bi, empty, esc, fact, h2, L, page, th } from './html.ts';

export const ACT_TITLE = { uk: 'Акт передачі етапу', en: 'Stage handover act' };

function linesByDirection(input: ReportInput, s: StageState): string {
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
        return `<tr data-line="${esc(e.id)}"><td class="n">${i + 1}</td><td><code>${esc(e.id)}</code>${active.has(e.id) ? '' : ` <span class="note">(${bi(L.replaced)})</span>`}</td><td>${personCell(input, e)}</td><td>${esc(categoryLabel(input.state, e.category))}${e.outsideExchange ? ` <span class="note">(${bi(L.outsideExchange)})</span>` : ''}</td><td>${esc(outcome)}</td><td>${esc(r?.crossedAt ?? '—')}</td><td>${r?.discrepancies.length ? r.discrepancies.map((c) => `<code>${esc(c)}</code>`).join(' ') : '—'}</td></tr>`;
      });
      return `<h3>${bi(L.to)}: ${esc(partyName(input.state, d))} (${mine.length})</h3>${
        rows.length
          ? `<table><tr>${th({ uk: '№', en: 'No.' }, 'n')}${th(L.line)}${th(L.person)}${th(L.category)}${th(L.outcome)}${th(L.crossedAt)}${th(L.discrepancies)}</tr>${rows.join('')}</table>`
          : empty()
      }`;
    })
    .join('');
}

function substitutionsSection(s: StageState): string {
  if (s.substitutions.length === 0) return empty();
  const rows = s.substitutions.map(
    (x) =>
      `<tr><td><code>${esc(x.id)}</code></td><td><code>${esc(x.replaces)}</code></td><td><code>${esc(x.by)}</code></td><td>${esc(x.reason)}</td></tr>`,
  );
  return `<table><tr>${th(L.substitutions)}${th(L.replaced)}${th(L.by)}${th(L.reason)}</tr>${rows.join('')}</table>`;
}

function exceptionsSection(input: ReportInput, s: StageState): string {
  if (s.exceptions.length === 0) return empty();
  const rows = s.exceptions.map(
    (x) =>
      `<tr><td><code>${esc(x.id)}</code></td><td><code>${esc(x.entry.id)}</code></td><td>${personCell(input, x.entry)}</td><td>${esc(partyName(input.state, x.entry.direction))}</td><td>${esc(x.reason)}</td></tr>`,
  );
  return `<table><tr>${th(L.exceptions)}${th(L.line)}${th(L.person)}${th(L.direction)}${th(L.reason)}</tr>${rows.join('')}</table>`;
}

function discrepanciesSection(s: StageState): string {
  const rows = effectiveRecords(s)
    .filter((r) => r.discrepancies.length > 0)
    .map(
      (r) =>
        `<tr><td><code>${esc(r.entryId)}</code></td><td>${esc(r.outcome)}</td><td>${r.discrepancies.map((c) => `<code>${esc(c)}</code>`).join(' ')}</td><td>${esc(r.recordedAt)}</td></tr>`,
    );
  return rows.length
    ? `<table><tr>${th(L.line)}${th(L.outcome)}${th(L.discrepancies)}${th(L.signedAt)}</tr>${rows.join('')}</table>`
    : empty();
}

function signatureBlocks(input: ReportInput, s: StageState, hash: string): string {
  const a = input.state.agreement;
  const signers = [
    ...a.parties.map((p) => ({ ...p, role: L.party })),
    ...a.mediators.map((p) => ({ ...p, role: L.mediator })),
  ];
  return `<div class="signatures">${signers
    .map((p) => {
      const sig = s.confirmations.find((c) => c.signer === p.id);
      const signed = sig
        ? `<div>${bi(L.signedHash)}: <span class="hash" data-signed-hash="${esc(p.id)}">${esc(sig.contentHash)}</span></div><div class="note">${bi(L.signedAt)}: ${esc(sig.signedAt)} · key <code>${esc(sig.keyId)}</code>${sig.contentHash === hash ? '' : ' ≠ reconciliation hash'}</div>`
        : `<div class="empty">${bi(L.notSigned)}</div>`;
      return `<div class="sig" data-signer="${esc(p.id)}"><div><strong>${bi(p.role)}</strong></div><div>${esc(p.name)}</div>${signed}<div class="line">${bi(L.signatureLine)}</div></div>`;
    })
    .join('')}</div>`;
}

/** The act of one stage as a self-contained printable HTML page. */
export function renderStageAct(input: ReportInput, stageId: string): string {
  const s = getStage(input.state, stageId);
  const a = input.state.agreement;
  const locked = lockedManifest(s);
  const hash = reconciliationHash(a, s);
  const body = [
    exchangeFacts(input, s),
    `<div class="facts">${fact({ uk: 'Версія списку', en: 'Manifest version' }, s.lockedVersion ?? '—')}${fact(L.manifestHash, locked ? manifestHash(locked) : '—')}</div>`,
    namesNote(input),
    h2({ uk: 'Кількість за категоріями', en: 'Counts by category' }),
    countsTable(input, s),
    h2({ uk: 'Списки за напрямками', en: 'Lists per direction' }),
    linesByDirection(input, s),
    h2(L.discrepancies),
    discrepanciesSection(s),
    h2(L.exceptions),
    exceptionsSection(input, s),
    h2(L.substitutions),
    substitutionsSection(s),
    s.substitutions.length
      ? `<p>${bi(L.chain)}: ${substitutionChains(s)
          .map((c) => c.map((id) => `<code>${esc(id)}</code>`).join(' → '))
          .join('; ')}</p>`
      : '',
    h2(L.warnings),
    warningsTable(stageWarnings(a, s), s),
    h2(L.signatures),
    `<div class="facts">${fact(L.reconciliationHash, hash)}</div>`,
    signatureBlocks(input, s, hash),
  ];
  return page(ACT_TITLE, body.join('\n'), input.generatedAt);
}
