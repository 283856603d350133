/** Stage totals every report and the agreement view count with. */
import type { ExchangeState } from './operation.ts';
import { type StageState, stageHandovers } from './stage.ts';

/** Stages that count (not cancelled), in order. */
export function liveStages(state: ExchangeState): StageState[] {
  return state.stageOrder.map((id) => state.stages[id]!).filter((s) => s.status !== 'cancelled');
}

/** Handed over in the exchange (outside-the-exchange releases excluded), by direction and category. */
export function handedInExchange(s: StageState): Map<string, number> {
  const out = new Map<string, number>();
  for (const h of stageHandovers(s))
    if (h.record.outcome === 'handed_over' && !h.entry.outsideExchange) {
      const k = `${h.entry.direction}\u0000${h.entry.category}`;
      out.set(k, (out.get(k) ?? 0) + 1);
    }
  return out;
}
