import { z } from 'zod';
import { DomainError, ErrorCodes } from './errors.ts';

/** One field's agreement level and its weight in bits, as the matching engine explains a score. */
export const MatchFieldSchema = z.object({
  field: z.string(),
  level: z.string(),
  weight: z.number(),
});

export const MatchBands = ['likely', 'possible'] as const;
export type MatchBand = (typeof MatchBands)[number];

/** Why a person was found: match probability in [0, 1], band and the explanation field by field. */
export const MatchInfoSchema = z.object({
  score: z.number().min(0).max(1),
  band: z.enum(MatchBands),
  explanation: z.string(),
  fields: z.array(MatchFieldSchema),
});
export type MatchInfo = z.infer<typeof MatchInfoSchema>;

/** What a review candidate is: two registry persons (dedup), or a counterpart list row and a person. */
export const MatchKinds = ['duplicate', 'list'] as const;
export type MatchKind = (typeof MatchKinds)[number];

export const MatchStatuses = ['pending', 'confirmed', 'rejected'] as const;
export type MatchStatus = (typeof MatchStatuses)[number];

export const MatchDecisions = ['confirm', 'reject'] as const;
export type MatchDecision = (typeof MatchDecisions)[number];

/**
 * The review state machine: a candidate is decided once, by a person. Confirming says "the same
 * person"; it merges nothing (merging is its own, later, audited act).
 */
export const matchTransitions = {
  pending: { confirm: 'confirmed', reject: 'rejected' },
  confirmed: {},
  rejected: {},
} as const satisfies Record<MatchStatus, Partial<Record<MatchDecision, MatchStatus>>>;

/** The status after `decision`, or CONFLICT when the candidate was already decided. */
export function decide(status: MatchStatus, decision: MatchDecision): MatchStatus {
  const next = (matchTransitions[status] as Partial<Record<MatchDecision, MatchStatus>>)[decision];
  if (!next)
    throw new DomainError(ErrorCodes.CONFLICT, `this match candidate was already decided (${status})`, {
      status,
    });
  return next;
}
