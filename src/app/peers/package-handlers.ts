/**
 * What a node does with the content of an accepted package, per type: the handler of every type the
 * registry (src/app/peers/package-types.ts) marks `apply`. The map is typed over those types, so a
 * type added there without its handler here fails type-checking. Types marked `keep`, and types
 * this node does not know, are kept (stored and logged) without a handler.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../domain/access.ts';
import { applyAgreementDraft, applyAgreementSignature } from '../exchange/agreements.ts';
import { applySubstitutionApproval } from '../exchange/substitutions.ts';
import { applyExchangeEvents } from './apply-exchange-events.ts';
import { applyListResponses, applyListVersion } from './list-packages.ts';
import type { AppliedPackageType } from './package-types.ts';

/** An accepted package, as its handler sees it: the payload is the sender's, unchecked. */
export interface AcceptedContent {
  hash: Uint8Array;
  logIndex: number;
  type: string;
  sender: string;
  payload: unknown;
}

/** Applies a package's content, or answers 'kept' when this node only keeps it. */
export type PackageHandler = (
  ctx: RequestContext,
  tx: Transaction<DB>,
  p: AcceptedContent,
) => Promise<'applied' | 'kept'>;

export const PACKAGE_HANDLERS: { readonly [T in AppliedPackageType]: PackageHandler } = {
  'agreement.draft': applyAgreementDraft,
  'agreement.signature': applyAgreementSignature,
  'exchange.events': applyExchangeEvents,
  'list.version': applyListVersion,
  'list.response': applyListResponses,
  'substitution.approval': applySubstitutionApproval,
};

/** The handler for a package of `type`, or undefined when this node keeps such packages as they are. */
export function handlerOf(type: string): PackageHandler | undefined {
  const handlers: Partial<Record<string, PackageHandler>> = PACKAGE_HANDLERS;
  return Object.hasOwn(handlers, type) ? handlers[type] : undefined;
}
