import type { AgreementBody } from './agreement.ts';
import { contentHash } from './common.ts';
import type { DiscrepancyCode } from './handover.ts';
import { activeEntries, type StageState, stageHandovers, substitutionChains } from './stage.ts';

/** One direction × category line of the daily reconciliation: planned vs presented vs handed over. */
export interface ReconciliationCell {
  direction: string;
  category: string;
  planned: number;
  /** Active lines now (after substitutions, with exceptions). */
  onManifest: number;
  presented: number;
  handedOver: number;
  /** Of those handed over, how many outside the exchange (not counted in ratios). */
  outsideExchange: number;
  notHandedOver: number;
  /** Active lines with no record yet. */
  pending: number;
  discrepancies: Partial<Record<DiscrepancyCode, number>>;
}

export interface Reconciliation {
  stageId: string;
  cells: ReconciliationCell[];
  totals: Record<string, Omit<ReconciliationCell, 'direction' | 'category'>>;
  substitutionChains: string[][];
  exceptions: number;
}

const zero = (): Omit<ReconciliationCell, 'direction' | 'category'> => ({
  planned: 0,
  onManifest: 0,
  presented: 0,
  handedOver: 0,
  outsideExchange: 0,
  notHandedOver: 0,
  pending: 0,
  discrepancies: {},
});

/**
 * The stage's reconciliation, computed from the plan, the active lines and the handover records only.
 * Records of replaced lines (a wrong person presented before a substitution) count as presented and
 * not handed over: what happened at the crossing is never hidden.
 */
export function reconcileStage(s: StageState): Reconciliation {
  const cells = new Map<string, ReconciliationCell>();
  const cell = (direction: string, category: string) => {
    const k = `${direction}\u0000${category}`;
    let c = cells.get(k);
    if (!c) {
      c = { direction, category, ...zero() };
      cells.set(k, c);
    }
    return c;
  };
  for (const p of s.plan.planned) cell(p.direction, p.category).planned += p.count;
  const handovers = stageHandovers(s);
  const recorded = new Set(handovers.map((h) => h.entry.id));
  for (const e of activeEntries(s)) {
    const c = cell(e.direction, e.category);
    c.onManifest++;
    if (!recorded.has(e.id)) c.pending++;
  }
  for (const { record: r, entry: e } of handovers) {
    const c = cell(e.direction, e.category);
    if (!r.discrepancies.includes('not_presented')) c.presented++;
    if (r.outcome === 'handed_over') {
      c.handedOver++;
      if (e.outsideExchange) c.outsideExchange++;
    } else c.notHandedOver++;
    for (const d of r.discrepancies) c.discrepancies[d] = (c.discrepancies[d] ?? 0) + 1;
  }
  const sorted = [...cells.values()].sort(
    (a, b) => a.direction.localeCompare(b.direction) || a.category.localeCompare(b.category),
  );
  const totals: Reconciliation['totals'] = {};
  for (const c of sorted) {
    const t = totals[c.direction] ?? zero();
    totals[c.direction] = t;
    for (const k of [
      'planned',
      'onManifest',
      'presented',
      'handedOver',
      'outsideExchange',
      'notHandedOver',
      'pending',
    ] as const)
      t[k] += c[k];
    for (const [d, n] of Object.entries(c.discrepancies))
      t.discrepancies[d as DiscrepancyCode] = (t.discrepancies[d as DiscrepancyCode] ?? 0) + n;
  }
  return {
    stageId: s.plan.stageId,
    cells: sorted,
    totals,
    substitutionChains: substitutionChains(s),
    exceptions: s.exceptions.length,
  };
}

/**
 * What the parties and the mediator sign to confirm a stage: the reconciliation, the handover
 * records' hash, the locked manifest and the justifications, all by hash.
 */
export function reconciliationHash(agreement: AgreementBody, s: StageState): string {
  const justifications = [...s.justifications].sort((a, b) => a.warningId.localeCompare(b.warningId));
  return contentHash({
    t: 'homeward/stage-confirmation/v1',
    agreement: { id: agreement.id, version: agreement.version },
    reconciliation: reconcileStage(s),
    records: contentHash(stageHandovers(s).map((h) => h.record)),
    manifestVersion: s.lockedVersion,
    substitutions: contentHash(s.substitutions),
    exceptions: contentHash(s.exceptions),
    justifications,
  });
}
