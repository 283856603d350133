/**
 * Applying an accepted `exchange.events` package: the exchange must exist here; the sender's key must
 * be pinned for one of its agreement's parties or mediators; every signature inside the events must be
 * by the key pinned for its signer, in its role; then the events go through the exchange domain like
 * local ones, all or none (see src/app/peers/inbox.ts).
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import type { Signature } from '../../domain/exchange/common.ts';
import type { ExchangeEvent } from '../../domain/exchange/operation.ts';
import { agreementKeys, pinnedSignatureProblem, signerOfSender } from '../exchange/agreement-keys.ts';
import { loadExchange, recordExchangeEvents } from '../exchange/exchange.ts';

/** Every signature an exchange event carries. */
export function signaturesIn(event: ExchangeEvent): Signature[] {
  switch (event.kind) {
    case 'manifest.signed':
    case 'stage.confirmation_signed':
      return [event.signature];
    case 'substitution.approved':
      return [...event.substitution.approvals];
    case 'exception.approved':
      return [...event.exception.approvals];
    default:
      return [];
  }
}

export async function applyExchangeEvents(
  ctx: RequestContext,
  tx: Transaction<DB>,
  p: { sender: string; payload: unknown },
): Promise<'applied'> {
  const payload = p.payload as { exchangeId?: unknown; events?: unknown };
  if (typeof payload?.exchangeId !== 'string' || !Array.isArray(payload.events))
    throw new DomainError(
      ErrorCodes.VALIDATION_FAILED,
      'an exchange.events payload names an exchange and its events',
    );
  const { exchange } = await loadExchange(tx, ctx, payload.exchangeId);
  const agreementId = exchange.agreement.id;
  await signerOfSender(tx, agreementId, p.sender);
  const keys = new Map((await agreementKeys(tx, agreementId)).map((k) => [k.signer, k]));
  const events = payload.events as ExchangeEvent[];
  for (const [i, event] of events.entries()) {
    for (const s of typeof event === 'object' && event ? signaturesIn(event) : []) {
      const key = keys.get(s?.signer);
      if (!key)
        throw new DomainError(
          ErrorCodes.KEY_NOT_PINNED_FOR_AGREEMENT,
          `event ${i + 1} carries a signature by ${String(s?.signer)}, who has no key pinned under agreement ${agreementId}`,
          { event: i },
        );
      const problem = pinnedSignatureProblem(s, key);
      if (problem)
        throw new DomainError(
          ErrorCodes.VALIDATION_FAILED,
          `event ${i + 1}: the signature of ${s.signer}: ${problem}`,
          {
            event: i,
            violation: 'BAD_SIGNATURE',
          },
        );
    }
  }
  await recordExchangeEvents(ctx, tx, payload.exchangeId, events);
  return 'applied';
}
