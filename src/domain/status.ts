import { DomainError, ErrorCodes } from './errors.ts';

/**
 * Status of a person along three independent dimensions (DESIGN.md, "State machines").
 * History is the truth: the current status is derived by replaying append-only events
 * through these tables; nothing stores a status that did not come from an event.
 */
export const StatusDimensions = ['fate', 'exchange', 'legal'] as const;
export type StatusDimension = (typeof StatusDimensions)[number];

export const FateStatuses = [
  'missing',
  'capture_reported',
  'in_custody_confirmed',
  'held_pending_proceedings',
  'released_in_exchange',
  'released_outside_exchange',
  'released_unilaterally',
  'interned_neutral_country',
  'returned_in_care',
  'reunited',
  'located_alive',
  'declined_repatriation',
  'recaptured',
  'deceased',
  'remains_repatriated',
  'identified',
  'handed_to_family',
] as const;
export type FateStatus = (typeof FateStatuses)[number];

export const ExchangeStatuses = [
  'not_nominated',
  'nominated',
  'accepted',
  'assigned_to_stage',
  'presented',
  'handed_over',
  'rejected',
  'withdrawn',
  'substituted',
  'not_presented',
  'refused',
  'unfit',
  'wrong_person',
] as const;
export type ExchangeStatus = (typeof ExchangeStatuses)[number];

/** Registration in the national register of persons missing under special circumstances. */
export const LegalStatuses = ['registered_missing', 'removed_from_register'] as const;
export type LegalStatus = (typeof LegalStatuses)[number];

export type StatusValue = FateStatus | ExchangeStatus | LegalStatus;

/** The state before any event of a dimension. */
export const INITIAL = 'none' as const;
export type Initial = typeof INITIAL;

const RELEASED = ['released_in_exchange', 'released_outside_exchange', 'released_unilaterally'] as const;

/** Fate/custody: which status may follow which. Confirmation of captivity does not close "missing". */
export const fateTransitions = {
  none: [
    'missing',
    'capture_reported',
    'in_custody_confirmed',
    'held_pending_proceedings',
    'located_alive',
    'deceased',
  ],
  missing: ['capture_reported', 'in_custody_confirmed', 'located_alive', 'deceased', 'returned_in_care'],
  capture_reported: ['in_custody_confirmed', 'missing', 'located_alive', 'deceased', ...RELEASED],
  in_custody_confirmed: [
    ...RELEASED,
    'held_pending_proceedings',
    'declined_repatriation',
    'interned_neutral_country',
    'deceased',
  ],
  held_pending_proceedings: ['in_custody_confirmed', ...RELEASED, 'declined_repatriation', 'deceased'],
  released_in_exchange: ['returned_in_care', 'interned_neutral_country', 'recaptured', 'deceased'],
  released_outside_exchange: ['returned_in_care', 'interned_neutral_country', 'recaptured', 'deceased'],
  released_unilaterally: ['returned_in_care', 'interned_neutral_country', 'recaptured', 'deceased'],
  interned_neutral_country: ['returned_in_care', 'deceased'],
  returned_in_care: ['reunited', 'recaptured', 'deceased'],
  reunited: ['recaptured', 'deceased'],
  located_alive: [
    'returned_in_care',
    'reunited',
    'capture_reported',
    'in_custody_confirmed',
    'missing',
    'deceased',
  ],
  declined_repatriation: ['released_outside_exchange', 'deceased'],
  // A recapture opens a new custody episode.
  recaptured: ['in_custody_confirmed', 'held_pending_proceedings', ...RELEASED, 'deceased'],
  deceased: ['remains_repatriated'],
  remains_repatriated: ['identified'],
  identified: ['handed_to_family'],
  handed_to_family: [],
} as const satisfies Record<FateStatus | Initial, readonly FateStatus[]>;

const BACK = ['not_nominated', 'nominated'] as const;

/** Exchange dimension: failures go back to "not nominated" (or straight to a new nomination), with history. */
export const exchangeTransitions = {
  none: ['nominated'],
  not_nominated: ['nominated'],
  nominated: ['accepted', 'rejected', 'withdrawn', 'substituted'],
  accepted: ['assigned_to_stage', 'withdrawn', 'substituted'],
  assigned_to_stage: ['presented', 'not_presented', 'refused', 'unfit', 'wrong_person', 'withdrawn'],
  presented: ['handed_over', 'refused', 'unfit', 'wrong_person'],
  handed_over: [],
  rejected: BACK,
  withdrawn: BACK,
  substituted: BACK,
  not_presented: BACK,
  refused: BACK,
  unfit: BACK,
  wrong_person: BACK,
} as const satisfies Record<ExchangeStatus | Initial, readonly ExchangeStatus[]>;

export const legalTransitions = {
  none: ['registered_missing'],
  registered_missing: ['removed_from_register'],
  removed_from_register: ['registered_missing'],
} as const satisfies Record<LegalStatus | Initial, readonly LegalStatus[]>;

export const transitionTables: Record<StatusDimension, Record<string, readonly string[]>> = {
  fate: fateTransitions,
  exchange: exchangeTransitions,
  legal: legalTransitions,
};

export const statusValues: Record<StatusDimension, readonly string[]> = {
  fate: FateStatuses,
  exchange: ExchangeStatuses,
  legal: LegalStatuses,
};

export const SourceTypes = [
  'family_report',
  'testimony',
  'video',
  'open_source',
  'counterpart_list',
  'icrc_notification',
  'returnee_debrief',
  'forensic_report',
  'official_document',
  'handover_record',
] as const;
export type SourceType = (typeof SourceTypes)[number];

export const VerificationLevels = [
  'claim',
  'testimony',
  'open_source',
  'counterpart_stated',
  'icrc_confirmed',
  'documentary',
] as const;
export type VerificationLevel = (typeof VerificationLevels)[number];

/**
 * Statuses that assert a confirmed fact need a qualifying source (invariants 7 and 9).
 * A status not listed here may cite any source.
 */
export const sourceRequirements: Partial<
  Record<StatusValue, { verification?: readonly VerificationLevel[]; sourceTypes?: readonly SourceType[] }>
> = {
  in_custody_confirmed: { verification: ['counterpart_stated', 'icrc_confirmed', 'documentary'] },
  // Remains are identified only on a forensic result; the sender's claimed identity never suffices.
  identified: { sourceTypes: ['forensic_report'], verification: ['documentary', 'icrc_confirmed'] },
  handed_over: { sourceTypes: ['handover_record', 'official_document', 'icrc_notification'] },
};

export interface StatusEventFacts {
  id: string;
  dimension: StatusDimension;
  value: string;
  /** When it happened (UTC ISO instant). */
  occurredAt: string;
  /** When the node recorded it (UTC ISO instant). */
  recordedAt: string;
  sourceType: SourceType;
  verification: VerificationLevel;
  /** The id of the event this one corrects; the superseded event no longer counts. */
  supersedes?: string | null | undefined;
}

export function isAllowedTransition(dimension: StatusDimension, from: string, to: string): boolean {
  return (transitionTables[dimension][from] ?? []).includes(to);
}

/** Check that a status may cite this source at all, independent of history. */
export function checkSource(
  value: string,
  sourceType: SourceType,
  verification: VerificationLevel,
): DomainError | undefined {
  const req = sourceRequirements[value as StatusValue];
  if (!req) return undefined;
  if (req.sourceTypes && !req.sourceTypes.includes(sourceType))
    return new DomainError(
      ErrorCodes.INSUFFICIENT_SOURCE,
      `status ${value} needs a source of type ${req.sourceTypes.join(' or ')}`,
    );
  if (req.verification && !req.verification.includes(verification))
    return new DomainError(
      ErrorCodes.INSUFFICIENT_SOURCE,
      `status ${value} needs verification level ${req.verification.join(' or ')}`,
    );
  return undefined;
}

/** Events that still count: not superseded by a later correction. Ordered by when they happened. */
export function effectiveEvents<E extends StatusEventFacts>(
  events: readonly E[],
  dimension: StatusDimension,
): E[] {
  const superseded = new Set(events.map((e) => e.supersedes).filter((s): s is string => !!s));
  return events
    .filter((e) => e.dimension === dimension && !superseded.has(e.id))
    .sort(
      (a, b) =>
        a.occurredAt.localeCompare(b.occurredAt) ||
        a.recordedAt.localeCompare(b.recordedAt) ||
        a.id.localeCompare(b.id),
    );
}

export type Replay = { ok: true; state: string } | { ok: false; error: DomainError; at: string };

/** Replay one dimension's history through its transition table. */
export function replay(events: readonly StatusEventFacts[], dimension: StatusDimension): Replay {
  let state: string = INITIAL;
  for (const e of effectiveEvents(events, dimension)) {
    if (!isAllowedTransition(dimension, state, e.value)) {
      return {
        ok: false,
        at: e.id,
        error: new DomainError(
          ErrorCodes.FORBIDDEN_TRANSITION,
          `${dimension} status cannot go from ${state} to ${e.value}`,
          {
            dimension,
            from: state,
            to: e.value,
          },
        ),
      };
    }
    state = e.value;
  }
  return { ok: true, state };
}

/**
 * Decide whether `next` may join the history. Returns the new current state or throws a DomainError
 * with FORBIDDEN_TRANSITION / INSUFFICIENT_SOURCE / VALIDATION_FAILED. Backdated events and
 * corrections are checked by replaying the whole history with the new event in place.
 */
export function admitStatusEvent(history: readonly StatusEventFacts[], next: StatusEventFacts): string {
  if (!statusValues[next.dimension].includes(next.value))
    // The value is the client's text: name the dimension only, never echo it.
    throw new DomainError(ErrorCodes.VALIDATION_FAILED, `unknown ${next.dimension} status`, {
      issues: [{ path: 'value', message: `not a ${next.dimension} status` }],
    });
  const sourceError = checkSource(next.value, next.sourceType, next.verification);
  if (sourceError) throw sourceError;
  if (next.supersedes) {
    const target = history.find((e) => e.id === next.supersedes);
    if (!target || target.dimension !== next.dimension)
      throw new DomainError(
        ErrorCodes.VALIDATION_FAILED,
        'the corrected event does not exist in this dimension',
      );
    if (history.some((e) => e.supersedes === next.supersedes))
      throw new DomainError(ErrorCodes.CONFLICT, 'that event has already been corrected');
  }
  const result = replay([...history, next], next.dimension);
  if (!result.ok) throw result.error;
  return result.state;
}

/** Current status in every dimension ("none" where nothing was recorded). */
export function currentStatus(events: readonly StatusEventFacts[]): Record<StatusDimension, string> {
  const out = {} as Record<StatusDimension, string>;
  for (const d of StatusDimensions) {
    const r = replay(events, d);
    // A stored history is always valid (admitted through admitStatusEvent); fall back defensively.
    out[d] = r.ok ? r.state : INITIAL;
  }
  return out;
}
