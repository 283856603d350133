import { z } from 'zod';
import { canonicalize } from '../../lib/jcs.ts';
import { type AgreementBody, agreementHash, allowedDirections, findCategory } from './agreement.ts';
import { contentHash, HashHexSchema, IdSchema, PersonClasses, Subjects, toJson } from './common.ts';
import type { ExchangeState } from './operation.ts';
import { stages } from './operation.ts';
import { reconciliationHash } from './reconcile.ts';
import { type StageState, stageHandovers } from './stage.ts';

/**
 * The public bulletin ("303 for 303"): counts with their metric definitions, per confirmed stage and
 * cumulative, no names, no ids of people, small cells withheld, and per stage a commitment over the
 * handed-over records so that anyone holding the disclosed leaves can recount every number.
 */

/**
 * Military/civilian counts from 1 to SMALL_CELL_THRESHOLD − 1 are withheld, and with them the other
 * class of the same group (else the total minus the shown class gives it away). Group totals
 * (direction × in/outside × persons/remains) are always published: the parties announce them anyway.
 */
export const SMALL_CELL_THRESHOLD = 5;

export const ExchangeScopes = ['in', 'outside'] as const;

/** What a number counts. Every published number carries one. */
export const MetricSchema = z.object({
  /** The receiving party. */
  direction: IdSchema,
  /** In the exchange (counted in its ratio) or released outside it. */
  exchange: z.enum(ExchangeScopes),
  subject: z.enum(Subjects),
  /** `all` is the group total. */
  class: z.enum([...PersonClasses, 'all']),
});
export type Metric = z.infer<typeof MetricSchema>;

export const CellSchema = z.object({
  metric: MetricSchema,
  value: z.number().int().nonnegative().nullable(),
});
export type Cell = z.infer<typeof CellSchema>;

export const METRIC_DEFINITIONS = {
  direction: 'the party that received the people or remains',
  exchange:
    'in: handed over under the agreement and counted in its ratio; outside: released outside the exchange',
  subject: 'persons: living people; remains: bodies or remains, counted per transfer record',
  class: 'military: servicemembers; civilian: everyone else; all: the group total',
  value: 'handover records with outcome handed_over; null: withheld as a small cell',
} as const;

/** The catalogue key translating a metric definition (its English text is the signed one, verbatim). */
export const bulletinDefinitionCode = (key: keyof typeof METRIC_DEFINITIONS): string =>
  `msg.bulletin.definition.${key}`;

export const StageBulletinSchema = z.object({
  stageId: IdSchema,
  date: z.string(),
  /** Number of leaves (handed-over records) under the commitment. */
  records: z.number().int().nonnegative(),
  /** SHA-256 over the sorted leaf hashes (see `stageCommitment`). */
  commitment: HashHexSchema,
  /** What both parties and the mediator signed when confirming the stage. */
  confirmation: HashHexSchema,
  cells: z.array(CellSchema),
});

export const BulletinSchema = z.object({
  format: z.literal('homeward/bulletin/v1'),
  agreement: z.object({
    id: IdSchema,
    version: z.number().int().positive(),
    hash: HashHexSchema,
    title: z.string(),
    ordinal: z.number().int().positive().nullable(),
    parties: z.array(z.object({ id: IdSchema, name: z.string() })),
  }),
  threshold: z.number().int().positive(),
  definitions: z.record(z.string(), z.string()),
  stages: z.array(StageBulletinSchema),
  cumulative: z.array(CellSchema),
});
export type Bulletin = z.infer<typeof BulletinSchema>;

/** One handed-over record as disclosed for recounting: its salt and its public tuple, nothing else. */
export const LeafSchema = z.object({
  salt: HashHexSchema,
  direction: IdSchema,
  exchange: z.enum(ExchangeScopes),
  subject: z.enum(Subjects),
  class: z.enum([...PersonClasses, 'withheld']),
});
export type Leaf = z.infer<typeof LeafSchema>;

export const DisclosureSchema = z.object({ stageId: IdSchema, leaves: z.array(LeafSchema) });
export type Disclosure = z.infer<typeof DisclosureSchema>;

export function leafHash(stageId: string, l: Leaf): string {
  return contentHash({ t: 'homeward/bulletin-leaf/v1', stageId, ...l });
}

export function stageCommitment(stageId: string, leaves: readonly Leaf[]): string {
  return contentHash({
    t: 'homeward/bulletin-stage/v1',
    stageId,
    leaves: leaves.map((l) => leafHash(stageId, l)).sort(),
  });
}

const groupKey = (m: Omit<Metric, 'class'>) => `${m.direction}|${m.exchange}|${m.subject}`;

/** Cells of one stage from its leaves: totals always, class split unless a leaf of the group is withheld. */
function cellsFromLeaves(leaves: readonly Leaf[], baseGroups: readonly Omit<Metric, 'class'>[]): Cell[] {
  const groups = new Map<string, Omit<Metric, 'class'>>(baseGroups.map((g) => [groupKey(g), g]));
  for (const l of leaves)
    groups.set(groupKey(l), { direction: l.direction, exchange: l.exchange, subject: l.subject });
  const out: Cell[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    const mine = leaves.filter((l) => groupKey(l) === key);
    out.push({ metric: { ...g, class: 'all' }, value: mine.length });
    const withheld = mine.some((l) => l.class === 'withheld');
    for (const c of PersonClasses)
      out.push({
        metric: { ...g, class: c },
        value: withheld ? null : mine.filter((l) => l.class === c).length,
      });
  }
  return out;
}

function baseGroups(a: AgreementBody): Omit<Metric, 'class'>[] {
  const subjects = [...new Set(a.categories.map((c) => c.subject))];
  return allowedDirections(a).flatMap((direction) =>
    subjects.map((subject) => ({ direction, exchange: 'in' as const, subject })),
  );
}

function cumulativeCells(stageCells: readonly Cell[][]): Cell[] {
  const sums = new Map<string, Cell>();
  for (const cells of stageCells)
    for (const c of cells) {
      const k = `${groupKey(c.metric)}|${c.metric.class}`;
      const prev = sums.get(k);
      const value =
        prev === undefined ? c.value : prev.value === null || c.value === null ? null : prev.value + c.value;
      sums.set(k, { metric: c.metric, value });
    }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
}

export interface BuildBulletinInput {
  state: ExchangeState;
  /**
   * A secret-derived, per-record salt (e.g. HMAC-SHA-256 of the node key over stage and record id),
   * 64 hex digits. Printed on a returnee's receipt, it lets them find their own leaf.
   */
  saltOf: (stageId: string, recordId: string) => string;
  threshold?: number;
}

/** The bulletin over the confirmed stages, and the disclosures that let anyone recount it. */
export function buildBulletin(input: BuildBulletinInput): { bulletin: Bulletin; disclosures: Disclosure[] } {
  const a = input.state.agreement;
  const threshold = input.threshold ?? SMALL_CELL_THRESHOLD;
  const confirmed = stages(input.state).filter((s) => s.status === 'confirmed');
  const disclosures: Disclosure[] = [];
  const stageBulletins: Bulletin['stages'] = [];
  for (const s of confirmed) {
    const leaves = stageLeaves(a, s, input.saltOf, threshold);
    disclosures.push({ stageId: s.plan.stageId, leaves });
    stageBulletins.push({
      stageId: s.plan.stageId,
      date: s.plan.date,
      records: leaves.length,
      commitment: stageCommitment(s.plan.stageId, leaves),
      confirmation: reconciliationHash(a, s),
      cells: cellsFromLeaves(leaves, baseGroups(a)),
    });
  }
  const bulletin: Bulletin = toJson({
    format: 'homeward/bulletin/v1',
    agreement: {
      id: a.id,
      version: a.version,
      hash: agreementHash(a),
      title: a.title,
      ordinal: a.ordinal,
      parties: a.parties,
    },
    threshold,
    definitions: { ...METRIC_DEFINITIONS },
    stages: stageBulletins,
    cumulative: cumulativeCells(stageBulletins.map((s) => s.cells)),
  });
  return { bulletin, disclosures };
}

function stageLeaves(
  a: AgreementBody,
  s: StageState,
  saltOf: BuildBulletinInput['saltOf'],
  threshold: number,
): Leaf[] {
  const done = stageHandovers(s).filter((h) => h.record.outcome === 'handed_over');
  const leaves: Leaf[] = done.map((h) => {
    const cat = findCategory(a, h.entry.category)!;
    return {
      salt: saltOf(s.plan.stageId, h.record.id),
      direction: h.entry.direction,
      exchange: h.entry.outsideExchange ? 'outside' : 'in',
      subject: cat.subject,
      class: cat.class,
    };
  });
  // Small-cell suppression: coarsen the class of every leaf in a group with a small class count.
  const small = new Set<string>();
  for (const key of new Set(leaves.map(groupKey)))
    for (const c of PersonClasses) {
      const n = leaves.filter((l) => groupKey(l) === key && l.class === c).length;
      if (n > 0 && n < threshold) small.add(key);
    }
  // Disclosed in leaf-hash order, so the order reveals nothing about the order of crossing.
  return leaves
    .map((l) => (small.has(groupKey(l)) ? { ...l, class: 'withheld' as const } : l))
    .map((l) => ({ l, h: leafHash(s.plan.stageId, l) }))
    .sort((x, y) => (x.h < y.h ? -1 : x.h > y.h ? 1 : 0))
    .map(({ l }) => l);
}

/** The bytes that are signed and logged: RFC 8785 canonical JSON. */
export function canonicalBulletin(b: Bulletin): string {
  return canonicalize(toJson(b));
}

export function bulletinHash(b: Bulletin): string {
  return contentHash(b);
}

export interface BulletinVerification {
  ok: boolean;
  problems: string[];
}

/**
 * Recount a bulletin from its disclosures alone: every stage's leaves hash to its commitment, every
 * cell equals the count of its leaves, no small class cell is shown, and cumulative cells are the
 * sums. Signatures and the checkpoint are checked by the caller (src/ledger).
 */
export function verifyBulletin(bulletinInput: unknown, disclosuresInput: unknown): BulletinVerification {
  const problems: string[] = [];
  const b = BulletinSchema.safeParse(bulletinInput);
  const d = z.array(DisclosureSchema).safeParse(disclosuresInput);
  if (!b.success) return { ok: false, problems: ['the bulletin is malformed'] };
  if (!d.success) return { ok: false, problems: ['the disclosures are malformed'] };
  const bulletin = b.data;
  const recounted: Cell[][] = [];
  for (const st of bulletin.stages) {
    const disclosure = d.data.find((x) => x.stageId === st.stageId);
    if (!disclosure) {
      problems.push(`stage ${st.stageId}: no disclosure`);
      continue;
    }
    const leaves = disclosure.leaves;
    if (leaves.length !== st.records)
      problems.push(`stage ${st.stageId}: ${leaves.length} leaves, ${st.records} stated`);
    if (stageCommitment(st.stageId, leaves) !== st.commitment)
      problems.push(`stage ${st.stageId}: the leaves do not hash to the commitment`);
    const groups = st.cells.map((c) => ({
      direction: c.metric.direction,
      exchange: c.metric.exchange,
      subject: c.metric.subject,
    }));
    const cells = cellsFromLeaves(leaves, groups);
    recounted.push(cells);
    if (canonicalize(cells) !== canonicalize(st.cells))
      problems.push(`stage ${st.stageId}: a count does not match its leaves`);
    for (const c of st.cells)
      if (c.metric.class !== 'all' && c.value !== null && c.value > 0 && c.value < bulletin.threshold)
        problems.push(`stage ${st.stageId}: a small cell is shown`);
  }
  if (canonicalize(cumulativeCells(recounted)) !== canonicalize(bulletin.cumulative))
    problems.push('the cumulative totals are not the sums of the stages');
  return { ok: problems.length === 0, problems };
}

/** A cell's value by metric (undefined when the bulletin has no such cell). */
export function cellValue(cells: readonly Cell[], m: Metric): number | null | undefined {
  return cells.find(
    (c) =>
      c.metric.direction === m.direction &&
      c.metric.exchange === m.exchange &&
      c.metric.subject === m.subject &&
      c.metric.class === m.class,
  )?.value;
}
