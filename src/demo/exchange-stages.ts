/**
 * Driving the stages of a synthetic exchange through whoever records them: the events of each act in
 * the order real people would produce them (Party A plans and proposes the manifest, each party signs
 * it, field officers record every handover, then each party and the mediator sign the reconciliation),
 * handed to `submit` with the agreement id of their author. Synthetic people only: person refs like
 * `person:a1m-17` (see src/domain/exchange/testing.ts).
 */
import { readFileSync } from 'node:fs';
import type { SignerRole } from '../domain/exchange/common.ts';
import { ManifestSchema, manifestHash } from '../domain/exchange/handover.ts';
import { type ExchangeEvent, type ExchangeState, getStage } from '../domain/exchange/operation.ts';
import { reconciliationHash } from '../domain/exchange/reconcile.ts';
import { A, B, handedOver, lines, M, plan, sign } from '../domain/exchange/synthetic.ts';

export interface StageSpec {
  stageId: string;
  date: string;
  /** Counts per receiving party and category. */
  counts: { direction: string; category: 'military' | 'civilian'; count: number }[];
}

/** Records events authored by `author` (A, B or M) and returns the state after them. */
export type Submit = (author: string, events: ExchangeEvent[]) => Promise<ExchangeState>;

export const roleOf = (who: string): SignerRole => (who === M ? 'mediator' : 'party');

/** One stage from plan to confirmation, every line handed over. */
export async function runStage(
  state: ExchangeState,
  spec: StageSpec,
  submit: Submit,
): Promise<ExchangeState> {
  const { stageId, date } = spec;
  const n = stageId.replace(/\W/g, '');
  const entries = spec.counts.flatMap((c) =>
    lines(`${n}${c.direction === A ? 'a' : 'b'}${c.category[0]}`, c.direction, c.category, c.count),
  );
  const manifest = ManifestSchema.parse({ stageId, version: 1, parentHash: null, reasons: null, entries });
  const h = manifestHash(manifest);
  let s = await submit(A, [
    plan(stageId, date, spec.counts, state.agreement.id),
    { kind: 'manifest.proposed', manifest },
    { kind: 'manifest.signed', stageId, version: 1, signature: sign(A, 'party', h) },
  ]);
  s = await submit(B, [{ kind: 'manifest.signed', stageId, version: 1, signature: sign(B, 'party', h) }]);
  const t0 = Date.parse(`${date}T08:00:00.000Z`);
  s = await submit(A, [
    { kind: 'stage.started', stageId, at: `${date}T06:00:00.000Z` },
    ...manifest.entries.map(
      (e, i): ExchangeEvent => ({
        kind: 'handover.recorded',
        record: handedOver(stageId, e.id, new Date(t0 + i * 1000).toISOString()),
      }),
    ),
    { kind: 'stage.reconciled', stageId, at: `${date}T18:00:00.000Z` },
  ]);
  const rh = reconciliationHash(s.agreement, getStage(s, stageId));
  for (const who of [A, B, M])
    s = await submit(who, [
      { kind: 'stage.confirmation_signed', stageId, signature: sign(who, roleOf(who), rh) },
    ]);
  return s;
}

interface ScenarioSide {
  total: number;
  military?: number;
  civilians?: number;
}
export interface Scenario {
  name: string;
  agreement: { concludedAt: string; target: number; ordinal: number };
  stages: { date: string; toUkraine: ScenarioSide; toRussia: ScenarioSide }[];
  totals: { toUkraine: number; toRussia: number };
}

/** The facts of a real exchange, kept in `src/demo/scenarios/NAME.json` (see the README there). */
export function loadScenario(name = 'may-2025'): Scenario {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error('a scenario name is lower-case letters, digits and -');
  const url = new URL(`./scenarios/${name}.json`, import.meta.url);
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch {
    throw new Error(`no scenario of that name; known: may-2025`);
  }
  return JSON.parse(text) as Scenario;
}

/**
 * Stage specs of a scenario: Party A stands for the side the file calls Ukraine, Party B for the
 * other. Where the file gives only a total, the remaining class follows the totals (every civilian
 * of the other side was in the first stage: 880 military + 120 civilians), so it is all military.
 */
export function scenarioStages(sc: Scenario): StageSpec[] {
  const split = (side: ScenarioSide) => {
    const military = side.military ?? side.total - (side.civilians ?? 0);
    return { military, civilian: side.total - military };
  };
  return sc.stages.map((st, i) => {
    const toA = split(st.toUkraine);
    const toB = split(st.toRussia);
    return {
      stageId: `stage-${i + 1}`,
      date: st.date,
      counts: [
        { direction: A, category: 'military' as const, count: toA.military },
        { direction: A, category: 'civilian' as const, count: toA.civilian },
        { direction: B, category: 'military' as const, count: toB.military },
        { direction: B, category: 'civilian' as const, count: toB.civilian },
      ].filter((c) => c.count > 0),
    };
  });
}
