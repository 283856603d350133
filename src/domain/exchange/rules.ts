import { z } from 'zod';
import type { AgreementBody, RatioRule } from './agreement.ts';
import { reconcileStage } from './reconcile.ts';
import type { Handover, Justification, StageState } from './stage.ts';
import { stageHandovers } from './stage.ts';

/**
 * The rules engine: ratio, category, ordering, plan and target rules, checked per stage and per
 * agreement. A breach is a warning, never an exception; every stage-scope warning needs a
 * justification before the stage can be confirmed (invariant 4). Warning ids are stable (rule, stage,
 * direction, category), so a justification stays attached while the counts settle.
 */
export const WarningKinds = [
  'planned_count',
  'ratio',
  'all_for_all',
  'category_breach',
  'category_unverified',
  'ordering',
  'target',
] as const;
export type WarningKind = (typeof WarningKinds)[number];

/**
 * The message of each warning, as a catalogue code (src/i18n/locales) and the names of its
 * parameters; `message` keeps the English text for API clients and the CLI.
 */
export const WarningMessages = {
  'msg.warning.planned_count': ['planned', 'direction', 'category', 'handedOver'],
  'msg.warning.ratio': ['shareX', 'shareY', 'countX', 'partyX', 'countY', 'partyY'],
  'msg.warning.all_for_all': ['missing', 'category'],
  'msg.warning.category_breach': ['count', 'category'],
  'msg.warning.category_unverified': ['count', 'category'],
  'msg.warning.ordering': ['early', 'direction', 'category'],
  'msg.warning.target': ['target', 'direction', 'handedOver'],
  'msg.warning.target_category': ['target', 'direction', 'category', 'handedOver'],
} as const satisfies Record<string, readonly string[]>;
export type WarningCode = keyof typeof WarningMessages;

/** A warning's message as a catalogue code with parameters (rendered in the reader's language). */
export const WarningMessageFields = {
  code: z.enum(Object.keys(WarningMessages) as [WarningCode, ...WarningCode[]]),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
};
type WarningParams<C extends WarningCode> = Record<(typeof WarningMessages)[C][number], string | number>;

/** A warning's message: its code with exactly the parameters that code names. */
export type WarningMessage = { [C in WarningCode]: { code: C; params: WarningParams<C> } }[WarningCode];
/** A warning's message as API responses carry it. */
export interface WarningMessageView {
  code: WarningCode;
  params: Record<string, string | number>;
}

export type Warning = {
  id: string;
  kind: WarningKind;
  scope: 'stage' | 'agreement';
  stageId: string | null;
  ruleId: string | null;
  message: string;
  details: Record<string, unknown>;
} & WarningMessage;

const inScope = (scope: 'stage' | 'agreement' | 'both', want: 'stage' | 'agreement') =>
  scope === 'both' || scope === want;

/** Handed-over, in-exchange counts per receiving party, for one category or all. */
function countsByDirection(hs: readonly Handover[], category: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const h of hs)
    if (
      h.record.outcome === 'handed_over' &&
      !h.entry.outsideExchange &&
      (category === null || h.entry.category === category)
    )
      out[h.entry.direction] = (out[h.entry.direction] ?? 0) + 1;
  return out;
}

function ratioWarning(
  rule: Extract<RatioRule, { kind: 'ratio' }>,
  hs: readonly Handover[],
  scope: 'stage' | 'agreement',
  stageId: string | null,
): Warning | undefined {
  const counts = countsByDirection(hs, rule.category);
  const [x, y] = Object.keys(rule.shares).sort() as [string, string];
  const cx = counts[x] ?? 0;
  const cy = counts[y] ?? 0;
  // cx / share_x must equal cy / share_y; cross-multiplied to stay in integers.
  if (cx * rule.shares[y]! === cy * rule.shares[x]!) return undefined;
  return {
    id: `ratio:${rule.id}:${stageId ?? 'agreement'}`,
    kind: 'ratio',
    scope,
    stageId,
    ruleId: rule.id,
    message: `ratio ${rule.shares[x]}:${rule.shares[y]} not met: ${cx} to ${x}, ${cy} to ${y}`,
    code: 'msg.warning.ratio',
    params: {
      shareX: rule.shares[x]!,
      shareY: rule.shares[y]!,
      countX: cx,
      partyX: x,
      countY: cy,
      partyY: y,
    },
    details: { counts: { [x]: cx, [y]: cy }, shares: rule.shares, category: rule.category },
  };
}

function orderingWarnings(
  a: AgreementBody,
  hs: readonly Handover[],
  scope: 'stage' | 'agreement',
  stageId: string | null,
): Warning[] {
  const out: Warning[] = [];
  for (const rule of a.orderingRules.filter((r) => inScope(r.scope, scope))) {
    const done = hs.filter((h) => h.record.outcome === 'handed_over' && h.record.crossedAt);
    const directions = [...new Set(done.map((h) => h.entry.direction))].sort();
    for (const d of directions) {
      const inDir = done.filter((h) => h.entry.direction === d);
      const firsts = inDir.filter((h) => h.entry.category === rule.first).map((h) => h.record.crossedAt!);
      if (!firsts.length) continue;
      const lastFirst = firsts.sort().at(-1)!;
      const early = inDir.filter(
        (h) =>
          h.entry.category !== rule.first &&
          (rule.after === null || h.entry.category === rule.after) &&
          h.record.crossedAt! < lastFirst,
      ).length;
      if (early)
        out.push({
          id: `ordering:${rule.id}:${stageId ?? 'agreement'}:${d}`,
          kind: 'ordering',
          scope,
          stageId,
          ruleId: rule.id,
          message: `${early} crossed to ${d} before the last of category ${rule.first}`,
          code: 'msg.warning.ordering',
          params: { early, direction: d, category: rule.first },
          details: { direction: d, early },
        });
    }
  }
  return out;
}

function categoryWarnings(hs: readonly Handover[], stageId: string): Warning[] {
  const out: Warning[] = [];
  const done = hs.filter((h) => h.record.outcome === 'handed_over');
  const cats = [...new Set(done.map((h) => h.entry.category))].sort();
  for (const c of cats)
    for (const [value, kind] of [
      ['false', 'category_breach'],
      ['unknown', 'category_unverified'],
    ] as const) {
      const entries = done
        .filter((h) => h.entry.category === c && h.entry.eligibility === value)
        .map((h) => h.entry.id);
      if (entries.length)
        out.push({
          id: `${kind}:${stageId}:${c}`,
          kind,
          scope: 'stage',
          stageId,
          ruleId: null,
          message:
            kind === 'category_breach'
              ? `${entries.length} handed over in category ${c} without meeting its predicate`
              : `${entries.length} handed over in category ${c} whose eligibility is unknown`,
          code: `msg.warning.${kind}`,
          params: { count: entries.length, category: c },
          details: { category: c, entries },
        });
    }
  return out;
}

/** Warnings of one stage (from its records, its plan and the agreement's stage-scope rules). */
export function stageWarnings(a: AgreementBody, s: StageState): Warning[] {
  const stageId = s.plan.stageId;
  const hs = stageHandovers(s);
  const out: Warning[] = [];
  for (const c of reconcileStage(s).cells) {
    const inExchange = c.handedOver - c.outsideExchange;
    if (inExchange !== c.planned)
      out.push({
        id: `planned_count:${stageId}:${c.direction}:${c.category}`,
        kind: 'planned_count',
        scope: 'stage',
        stageId,
        ruleId: null,
        message: `planned ${c.planned} to ${c.direction} in ${c.category}, handed over ${inExchange}`,
        code: 'msg.warning.planned_count',
        params: { planned: c.planned, direction: c.direction, category: c.category, handedOver: inExchange },
        details: { direction: c.direction, category: c.category, planned: c.planned, handedOver: inExchange },
      });
  }
  for (const r of a.ratioRules)
    if (r.kind === 'ratio' && inScope(r.scope, 'stage')) {
      const w = ratioWarning(r, hs, 'stage', stageId);
      if (w) out.push(w);
    }
  out.push(...categoryWarnings(hs, stageId), ...orderingWarnings(a, hs, 'stage', stageId));
  return out;
}

export interface AgreementCheckInput {
  /** All stages of the exchange; cancelled ones count nothing. */
  stages: readonly StageState[];
  /** True when the exchange is over: targets and all-for-all must then be met exactly. */
  final: boolean;
  /** For all-for-all rules: the accepted entries of the agreed lists (person, receiving party, category). */
  accepted?: readonly { personRef: string; direction: string; category: string }[];
}

/** Warnings of the agreement as a whole (cumulative ratios, targets, all-for-all, ordering across stages). */
export function agreementWarnings(a: AgreementBody, input: AgreementCheckInput): Warning[] {
  const hs = input.stages.filter((s) => s.status !== 'cancelled').flatMap(stageHandovers);
  const out: Warning[] = [];
  for (const r of a.ratioRules) {
    if (r.kind === 'ratio' && inScope(r.scope, 'agreement')) {
      const w = ratioWarning(r, hs, 'agreement', null);
      if (w) out.push(w);
    }
    if (r.kind === 'all_for_all' && input.final && input.accepted) {
      const handed = new Set(
        hs
          .filter((h) => h.record.outcome === 'handed_over')
          .map((h) => `${h.entry.personRef}\u0000${h.entry.direction}`),
      );
      const missing = input.accepted.filter(
        (x) => x.category === r.category && !handed.has(`${x.personRef}\u0000${x.direction}`),
      ).length;
      if (missing)
        out.push({
          id: `all_for_all:${r.id}`,
          kind: 'all_for_all',
          scope: 'agreement',
          stageId: null,
          ruleId: r.id,
          message: `${missing} accepted in category ${r.category} not handed over`,
          code: 'msg.warning.all_for_all',
          params: { missing, category: r.category },
          details: { category: r.category, missing },
        });
    }
  }
  for (const t of a.targets) {
    const n = hs.filter(
      (h) =>
        h.record.outcome === 'handed_over' &&
        !h.entry.outsideExchange &&
        h.entry.direction === t.direction &&
        (t.category === null || h.entry.category === t.category),
    ).length;
    if (n > t.count || (input.final && n !== t.count))
      out.push({
        id: `target:${t.direction}:${t.category ?? '*'}`,
        kind: 'target',
        scope: 'agreement',
        stageId: null,
        ruleId: null,
        message: `target ${t.count} to ${t.direction}${t.category ? ` in ${t.category}` : ''}, handed over ${n}`,
        ...(t.category === null
          ? { code: 'msg.warning.target', params: { target: t.count, direction: t.direction, handedOver: n } }
          : {
              code: 'msg.warning.target_category',
              params: { target: t.count, direction: t.direction, category: t.category, handedOver: n },
            }),
        details: { target: t.count, handedOver: n, direction: t.direction, category: t.category },
      });
  }
  out.push(...orderingWarnings(a, hs, 'agreement', null));
  return out;
}

/** Warnings with no justification among `justifications`. */
export function unjustified(
  warnings: readonly Warning[],
  justifications: readonly Justification[],
): Warning[] {
  const ok = new Set(justifications.map((j) => j.warningId));
  return warnings.filter((w) => !ok.has(w.id));
}
