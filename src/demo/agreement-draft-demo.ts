/**
 * A proposed agreement awaiting signatures on the demo node, so the exchanges screen shows how a
 * version is agreed between nodes (src/app/exchange/agreements.ts): "agr-66", proposed by this node as Party A
 * for exchange demo-exchange-66, under the same keys as the demo exchange's agreement (this node's own
 * as Party A, the simulated demo-party-b and demo-mediator-m). Nobody has signed it yet; this node can
 * sign it from the screen, the simulated others never will. Idempotent; needs the demo exchange's keys
 * (seedDemoBulletin) first, and does nothing without them.
 */
import { agreementKeys, pinAgreementKey } from '../app/exchange/agreement-keys.ts';
import { proposeAgreement } from '../app/exchange/agreements.ts';
import type { RequestContext } from '../domain/access.ts';
import { numericAgreement } from '../domain/exchange/synthetic.ts';
import type { RunInTransaction } from './stage-board-demo.ts';

export const DEMO_DRAFT_EXCHANGE_ID = 'demo-exchange-66';
export const DEMO_DRAFT_AGREEMENT_ID = 'agr-66';

export async function seedDemoAgreementDraft(
  transaction: RunInTransaction,
  ctx: RequestContext,
  from: { agreementId: string },
): Promise<{ proposed: boolean }> {
  return transaction(async (tx) => {
    const exists = await tx
      .selectFrom('agreement_drafts')
      .select('agreement_hash')
      .where('exchange_id', '=', DEMO_DRAFT_EXCHANGE_ID)
      .executeTakeFirst();
    if (exists) return { proposed: false };
    const keys = await agreementKeys(tx, from.agreementId);
    if (keys.length < 3) return { proposed: false };
    for (const k of keys)
      await pinAgreementKey(ctx, tx, {
        agreementId: DEMO_DRAFT_AGREEMENT_ID,
        signer: k.signer,
        role: k.role,
        vkey: k.vkey,
      });
    const { signatures: _, ...draft } = numericAgreement(500, {
      id: DEMO_DRAFT_AGREEMENT_ID,
      title: '500 for 500 (demo)',
      ordinal: 66,
      concludedAt: new Date().toISOString().slice(0, 10),
    });
    await proposeAgreement(ctx, tx, { exchangeId: DEMO_DRAFT_EXCHANGE_ID, agreement: draft });
    return { proposed: true };
  });
}
