/**
 * What the demo node's exchange screens need beyond the stage board's stage-1: a small stage-2 whose
 * end can be run from the board (stage-end-demo.ts) and both sides' lists (lists-demo.ts). Called by
 * `homeward demo` after it seeds the exchange; the exchange is ensured here too, exactly as that
 * command makes it (seedDemoExchange with 30 registry persons, idempotent), so the order does not
 * matter. Every step is idempotent.
 */
import type { RequestContext } from '../domain/access.ts';
import { seedDemoLists } from './lists-demo.ts';
import { type RunInTransaction, seedDemoExchange } from './stage-board-demo.ts';
import { seedDemoEndStage } from './stage-end-demo.ts';

/** Registry persons on stage-1's lines to Party A, as `homeward demo` asks (src/cli/main.ts). */
export const DEMO_STAGE_ONE_PERSONS = 30;

export async function seedDemoExchangeScreens(
  transaction: RunInTransaction,
  ctx: RequestContext,
): Promise<{ endStage: boolean; lists: boolean }> {
  await seedDemoExchange(transaction, ctx, { fromRegistry: DEMO_STAGE_ONE_PERSONS });
  const stage = await seedDemoEndStage(transaction, ctx);
  const lists = await seedDemoLists(transaction, ctx, { skip: DEMO_STAGE_ONE_PERSONS });
  return { endStage: stage.created, lists: lists.created };
}
