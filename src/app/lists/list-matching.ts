import type { RequestContext } from '../../domain/access.ts';
import type { Agreement } from '../../domain/exchange/agreement.ts';
import {
  type FlaggedEntry,
  type ImportedEntry,
  type ImportFlag,
  type MatchOutcome,
  ReleasedFates,
} from '../../domain/exchange/counterpart.ts';
import { violation } from '../../domain/exchange/errors.ts';
import { checkEligibility, type ListVersion } from '../../domain/exchange/list.ts';
import { Determinations, evaluate, type PersonSnapshot } from '../../domain/exchange/predicate.ts';
import type { FateStatus } from '../../domain/status.ts';
import { explain, type MatchCandidate } from '../../matching/engine.ts';
import type { Handle, StoredFlags } from './list-rows.ts';

/** Match outcome of one counterpart row from the engine's best candidates. */
export function matchOutcomeOf(found: readonly MatchCandidate[]): MatchOutcome {
  const likely = found.filter((c) => c.band === 'likely');
  const top = likely[0];
  if (!top) return { kind: 'none' };
  const second = likely[1];
  if (second && top.score - second.score < AMBIGUITY_MARGIN)
    return {
      kind: 'ambiguous',
      candidates: likely.slice(0, 5).map((c) => ({ personId: c.id, score: round(c.score) })),
    };
  return {
    kind: 'matched',
    personId: top.id,
    score: round(top.score),
    band: 'likely',
    explanation: explain(top.fields).slice(0, 4000),
  };
}

/** Two "likely" candidates closer than this in probability: the row is ambiguous. */
export const AMBIGUITY_MARGIN = 0.05;
const round = (x: number) => Math.round(x * 10_000) / 10_000;

const RELEASED_SNAPSHOT_COLUMNS = [
  'id',
  'category',
  'sex',
  'birth_date',
  'birth_precision',
  'health',
  'fate_status',
  'exchange_status',
  'citizenships',
] as const;

/** What the registry says about persons, as predicate snapshots (health included: eligibility needs it). */
export async function registrySnapshots(
  db: Handle,
  ctx: RequestContext,
  ids: readonly string[],
): Promise<Map<string, PersonSnapshot>> {
  const out = new Map<string, PersonSnapshot>();
  for (let at = 0; at < ids.length; at += 1000) {
    const chunk = ids.slice(at, at + 1000);
    if (!chunk.length) continue;
    const rows = await db
      .selectFrom('persons')
      .select(RELEASED_SNAPSHOT_COLUMNS)
      .where('org_id', '=', ctx.orgId)
      .where('id', 'in', chunk)
      .execute();
    for (const r of rows)
      out.set(r.id, {
        category: (r.category ?? null) as PersonSnapshot['category'],
        sex: r.sex as PersonSnapshot['sex'],
        birth:
          r.birth_date && r.birth_precision
            ? ({ date: r.birth_date, precision: r.birth_precision } as PersonSnapshot['birth'])
            : null,
        health: Array.isArray(r.health)
          ? r.health.map((h) => ({ flag: h.flag, determination: determinationOf(h.determination) }))
          : null,
        fate: r.fate_status as FateStatus,
        exchange: r.exchange_status as PersonSnapshot['exchange'],
        citizenships: (r.citizenships ?? []) as string[],
      });
  }
  return out;
}

/** Flags of registry nominations: already released (fate), ineligible or unknown for the claimed category. */
export async function registryFlags(
  db: Handle,
  ctx: RequestContext,
  agreement: Agreement,
  list: ListVersion,
): Promise<StoredFlags> {
  const ids = [
    ...new Set(list.entries.flatMap((e) => (e.subject.kind === 'registry' ? [e.subject.personId] : []))),
  ];
  const snapshots = await registrySnapshots(db, ctx, ids);
  const missing = ids.find((id) => !snapshots.has(id));
  if (missing)
    throw violation('UNKNOWN_REFERENCE', 'a nomination names a person not in this registry', {
      person: missing,
    });
  const evaluations = checkEligibility(list, agreement, (subject) =>
    subject.kind === 'registry' ? snapshots.get(subject.personId) : undefined,
  );
  const flagged: FlaggedEntry[] = list.entries.map((e, i) => {
    const flags: ImportFlag[] = [];
    const snap = e.subject.kind === 'registry' ? snapshots.get(e.subject.personId) : undefined;
    if (snap?.fate && ReleasedFates.includes(snap.fate)) flags.push('already_released');
    const evaluation = evaluations[i]!.evaluation;
    if (evaluation.value === 'false') flags.push('ineligible_for_category');
    if (evaluation.value === 'unknown') flags.push('eligibility_unknown');
    return {
      recordHash: '',
      row: i,
      flags,
      match: { kind: 'none' },
      eligibility: evaluation,
      duplicateOf: null,
    };
  });
  return { sourceFileSha256: null, flagged, claimed: list.entries.map((e) => e.category), noMatch: true };
}

/** Without a stated category: the first the person fits, else the first that may fit, else the first. */
export function bestCategory(a: Agreement, e: ImportedEntry, snapshots: Map<string, PersonSnapshot>): string {
  const s = (e.match.kind === 'matched' ? snapshots.get(e.match.personId) : undefined) ?? e.recordSnapshot;
  const rs = a.categories.map((c) => ({ id: c.id, v: evaluate(c.predicate, s).value }));
  return (rs.find((r) => r.v === 'true') ?? rs.find((r) => r.v === 'unknown') ?? rs[0]!).id;
}

/**
 * The registry keeps who determined a health flag as free text; a predicate knows the listed
 * determinations only. Any other text is no determination it can count, as before (evaluate
 * treated it as not medical).
 */
function determinationOf(text: string | null | undefined): (typeof Determinations)[number] | null {
  return Determinations.find((d) => d === text) ?? null;
}
