import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCodes } from './errors.ts';
import {
  admitStatusEvent,
  currentStatus,
  ExchangeStatuses,
  FateStatuses,
  INITIAL,
  LegalStatuses,
  replay,
  type SourceType,
  SourceTypes,
  type StatusDimension,
  StatusDimensions,
  type StatusEventFacts,
  type StatusValue,
  sourceRequirements,
  statusValues,
  transitionTables,
  type VerificationLevel,
  VerificationLevels,
} from './status.ts';

const ALL_VALUES: readonly string[] = [...FateStatuses, ...ExchangeStatuses, ...LegalStatuses];
const REJECTION_CODES: readonly string[] = [
  ErrorCodes.FORBIDDEN_TRANSITION,
  ErrorCodes.INSUFFICIENT_SOURCE,
  ErrorCodes.VALIDATION_FAILED,
  ErrorCodes.CONFLICT,
];
const T0 = Date.parse('2022-02-24T00:00:00.000Z');
const HOUR = 3_600_000;

/**
 * One random draw. `follow` picks the value among those the table allows after the dimension's
 * current state (so histories get deep); otherwise the value is any status of any dimension.
 * `qualify` cites a source that satisfies the value's requirements, when it has any.
 */
const drawArb = fc.record({
  dimension: fc.oneof(
    { weight: 3, arbitrary: fc.constant('fate' as const) },
    { weight: 2, arbitrary: fc.constant('exchange' as const) },
    { weight: 1, arbitrary: fc.constant('legal' as const) },
  ),
  follow: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  pick: fc.nat(),
  anyValue: fc.constantFrom(...ALL_VALUES),
  // Mostly later than the previous attempt, sometimes backdated, often at the same instant (ties).
  occurredStep: fc.integer({ min: -4, max: 12 }),
  recordedHour: fc.integer({ min: 0, max: 200 }),
  qualify: fc.boolean(),
  sourceType: fc.constantFrom(...SourceTypes),
  verification: fc.constantFrom(...VerificationLevels),
  supersedes: fc.option(fc.nat(), { freq: 4 }),
});
type Draw = typeof drawArb extends fc.Arbitrary<infer T> ? T : never;

const iso = (hour: number) => new Date(T0 + hour * HOUR).toISOString();

function qualifyingSource(
  value: string,
  d: Draw,
): { sourceType: SourceType; verification: VerificationLevel } {
  const req = sourceRequirements[value as StatusValue];
  if (!req || !d.qualify) return { sourceType: d.sourceType, verification: d.verification };
  const types = req.sourceTypes ?? SourceTypes;
  const levels = req.verification ?? VerificationLevels;
  return { sourceType: types[d.pick % types.length]!, verification: levels[d.pick % levels.length]! };
}

/** An independent model of the effective history: not superseded, ordered by when it happened. */
function effective(history: readonly StatusEventFacts[], dimension: StatusDimension): StatusEventFacts[] {
  const superseded = new Set(history.flatMap((e) => (e.supersedes ? [e.supersedes] : [])));
  return history
    .filter((e) => e.dimension === dimension && !superseded.has(e.id))
    .sort((a, b) => {
      const key = (e: StatusEventFacts) => [Date.parse(e.occurredAt), Date.parse(e.recordedAt)];
      const [ao, ar] = key(a);
      const [bo, br] = key(b);
      return ao! - bo! || ar! - br! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
}

/** Walks the effective history through the table; returns the final state or the first bad step. */
function walk(
  history: readonly StatusEventFacts[],
  dimension: StatusDimension,
): { ok: true; state: string } | { ok: false; from: string; to: string } {
  let state: string = INITIAL;
  for (const e of effective(history, dimension)) {
    if (!(transitionTables[dimension][state] ?? []).includes(e.value))
      return { ok: false, from: state, to: e.value };
    state = e.value;
  }
  return { ok: true, state };
}

function qualifies(e: StatusEventFacts): boolean {
  const req = sourceRequirements[e.value as StatusValue];
  if (!req) return true;
  return (
    (!req.sourceTypes || req.sourceTypes.includes(e.sourceType)) &&
    (!req.verification || req.verification.includes(e.verification))
  );
}

/** What admitStatusEvent should answer, worked out without it. */
function expectedOutcome(history: readonly StatusEventFacts[], next: StatusEventFacts): string {
  if (!statusValues[next.dimension].includes(next.value)) return ErrorCodes.VALIDATION_FAILED;
  if (!qualifies(next)) return ErrorCodes.INSUFFICIENT_SOURCE;
  if (next.supersedes) {
    const target = history.find((e) => e.id === next.supersedes);
    if (!target || target.dimension !== next.dimension) return ErrorCodes.VALIDATION_FAILED;
    if (history.some((e) => e.supersedes === next.supersedes)) return ErrorCodes.CONFLICT;
  }
  return walk([...history, next], next.dimension).ok ? 'ok' : ErrorCodes.FORBIDDEN_TRANSITION;
}

interface Attempt {
  event: StatusEventFacts;
  /** 'ok' or the error code admitStatusEvent threw. */
  outcome: string;
  error?: unknown;
  /** What the independent model says the outcome should be. */
  expected: string;
  /** For admitted events: the state admitStatusEvent returned, and the model's state after it. */
  state?: string;
  modelState?: string;
  /** After this attempt, every dimension of the admitted history still walks through the table. */
  historyValid: boolean;
}

function runDraws(draws: readonly Draw[]): { admitted: StatusEventFacts[]; attempts: Attempt[] } {
  const admitted: StatusEventFacts[] = [];
  const attempts: Attempt[] = [];
  let hour = 0;
  draws.forEach((d, i) => {
    hour = Math.max(0, hour + d.occurredStep);
    let value = d.anyValue;
    if (d.follow) {
      const current = walk(admitted, d.dimension);
      const allowed = current.ok ? (transitionTables[d.dimension][current.state] ?? []) : [];
      if (allowed.length > 0) value = allowed[d.pick % allowed.length]!;
    }
    // Corrections point mostly at an admitted event of the same dimension, sometimes at any earlier
    // attempt (refused, or of another dimension) or at an id that does not exist.
    let supersedes: string | null = null;
    if (d.supersedes !== null) {
      const sameDimension = admitted.filter((e) => e.dimension === d.dimension);
      const k = d.supersedes % 8;
      if (k < 5 && sameDimension.length > 0)
        supersedes = sameDimension[d.supersedes % sameDimension.length]!.id;
      else if (k < 7 && attempts.length > 0) supersedes = attempts[d.supersedes % attempts.length]!.event.id;
      else supersedes = `unknown-${i}`;
    }
    const event: StatusEventFacts = {
      id: `e${String(i).padStart(3, '0')}`,
      dimension: d.dimension,
      value,
      occurredAt: iso(hour),
      recordedAt: iso(d.recordedHour),
      ...qualifyingSource(value, d),
      supersedes,
    };
    const expected = expectedOutcome(admitted, event);
    let attempt: Attempt;
    try {
      const state = admitStatusEvent(admitted, event);
      admitted.push(event);
      const model = walk(admitted, event.dimension);
      attempt = {
        event,
        outcome: 'ok',
        expected,
        state,
        modelState: model.ok ? model.state : 'invalid',
      } as Attempt;
    } catch (error) {
      attempt = {
        event,
        outcome: (error as DomainError).code ?? 'not a DomainError',
        error,
        expected,
      } as Attempt;
    }
    attempt.historyValid = StatusDimensions.every((dim) => walk(admitted, dim).ok);
    attempts.push(attempt);
  });
  return { admitted, attempts };
}

const drawsArb = fc.array(drawArb, { minLength: 1, maxLength: 40, size: 'max' });

describe('status history admitted through admitStatusEvent (property-based)', () => {
  it('(a) the admitted history replays, and each effective step is in the transition table', () => {
    fc.assert(
      fc.property(drawsArb, (draws) => {
        const { admitted, attempts } = runDraws(draws);
        for (const dim of StatusDimensions) {
          const r = replay(admitted, dim);
          expect(r.ok).toBe(true);
          let state: string = INITIAL;
          for (const e of effective(admitted, dim)) {
            expect(transitionTables[dim][state]).toContain(e.value);
            state = e.value;
          }
          if (r.ok) expect(r.state).toBe(state);
          expect(currentStatus(admitted)[dim]).toBe(state);
        }
        for (const a of attempts) if (a.outcome === 'ok') expect(a.state).toBe(a.modelState);
      }),
      { numRuns: 400 },
    );
  });

  it('(b) no admission ever leaves a state the table does not allow from its predecessor', () => {
    fc.assert(
      fc.property(drawsArb, (draws) => {
        for (const a of runDraws(draws).attempts) {
          expect(a.historyValid, `after ${a.event.id}`).toBe(true);
          // The independent model agrees on which events may join: none wrongly admitted or refused.
          expect(a.outcome === 'ok', `${a.event.id} ${a.event.value}`).toBe(a.expected === 'ok');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('(c) every admitted status with source requirements cites a qualifying source', () => {
    fc.assert(
      fc.property(drawsArb, (draws) => {
        for (const e of runDraws(draws).admitted) {
          const req = sourceRequirements[e.value as StatusValue];
          if (!req) continue;
          if (req.sourceTypes) expect(req.sourceTypes).toContain(e.sourceType);
          if (req.verification) expect(req.verification).toContain(e.verification);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('(d) rejections are DomainErrors with a known code, the code the model predicts', () => {
    fc.assert(
      fc.property(drawsArb, (draws) => {
        for (const a of runDraws(draws).attempts) {
          if (a.outcome === 'ok') continue;
          expect(a.error).toBeInstanceOf(DomainError);
          expect(REJECTION_CODES).toContain(a.outcome);
          expect(a.outcome).toBe(a.expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('the generator reaches deep histories and every kind of rejection', () => {
    // Guards the properties above against a generator that only ever produces trivial histories.
    const seen = new Set<string>();
    let deepest = 0;
    fc.assert(
      fc.property(drawsArb, (draws) => {
        const run = runDraws(draws);
        for (const a of run.attempts) if (a.outcome !== 'ok') seen.add(a.outcome);
        for (const dim of StatusDimensions) deepest = Math.max(deepest, effective(run.admitted, dim).length);
        if (run.admitted.some((e) => e.supersedes)) seen.add('correction admitted');
        if (run.admitted.some((e) => e.value === 'identified')) seen.add('identified admitted');
      }),
      { numRuns: 400, seed: 42 },
    );
    expect([...seen].sort()).toEqual(
      [...REJECTION_CODES, 'correction admitted', 'identified admitted'].sort(),
    );
    expect(deepest).toBeGreaterThanOrEqual(6);
  });
});

let seq = 0;
function ev(
  dimension: StatusDimension,
  value: string,
  occurredAt: string,
  extra: Partial<StatusEventFacts> = {},
): StatusEventFacts {
  seq += 1;
  return {
    id: `x${String(seq).padStart(4, '0')}`,
    dimension,
    value,
    occurredAt: `${occurredAt}T12:00:00.000Z`,
    recordedAt: '2025-06-01T00:00:00.000Z',
    sourceType: 'official_document',
    verification: 'documentary',
    supersedes: null,
    ...extra,
  };
}

/** Admit events one by one, as the use case does; returns the history. */
function admitAll(events: StatusEventFacts[]): StatusEventFacts[] {
  const history: StatusEventFacts[] = [];
  for (const e of events) {
    admitStatusEvent(history, e);
    history.push(e);
  }
  return history;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as DomainError).code;
  }
}

describe('status history: examples', () => {
  const toRemains = () =>
    admitAll([
      ev('fate', 'missing', '2023-01-01'),
      ev('fate', 'deceased', '2023-02-01'),
      ev('fate', 'remains_repatriated', '2025-06-11'),
    ]);

  it('remains are identified only on a forensic report with documentary or ICRC verification', () => {
    const h = toRemains();
    // The sender's claimed identity (a counterpart list) never suffices, nor does testimony.
    for (const [sourceType, verification] of [
      ['counterpart_list', 'counterpart_stated'],
      ['testimony', 'documentary'],
      ['official_document', 'documentary'],
      ['forensic_report', 'claim'],
      ['forensic_report', 'counterpart_stated'],
    ] as const) {
      expect(
        codeOf(() =>
          admitStatusEvent(h, ev('fate', 'identified', '2025-07-01', { sourceType, verification })),
        ),
        `${sourceType}/${verification}`,
      ).toBe('INSUFFICIENT_SOURCE');
    }
    expect(
      admitStatusEvent(
        h,
        ev('fate', 'identified', '2025-07-01', {
          sourceType: 'forensic_report',
          verification: 'icrc_confirmed',
        }),
      ),
    ).toBe('identified');
  });

  it('captivity is confirmed only at counterpart-stated, ICRC-confirmed or documentary level', () => {
    const h = admitAll([ev('fate', 'missing', '2023-01-01')]);
    expect(
      codeOf(() =>
        admitStatusEvent(
          h,
          ev('fate', 'in_custody_confirmed', '2023-02-01', {
            sourceType: 'video',
            verification: 'open_source',
          }),
        ),
      ),
    ).toBe('INSUFFICIENT_SOURCE');
    expect(
      admitStatusEvent(
        h,
        ev('fate', 'in_custody_confirmed', '2023-02-01', {
          sourceType: 'icrc_notification',
          verification: 'icrc_confirmed',
        }),
      ),
    ).toBe('in_custody_confirmed');
  });

  it('handed to family is terminal: no fate status may follow it', () => {
    const h = admitAll([
      ...toRemains(),
      ev('fate', 'identified', '2025-07-01', { sourceType: 'forensic_report' }),
      ev('fate', 'handed_to_family', '2025-07-10'),
    ]);
    expect(currentStatus(h).fate).toBe('handed_to_family');
    for (const value of FateStatuses) {
      expect(
        codeOf(() => admitStatusEvent(h, ev('fate', value, '2025-08-01', { sourceType: 'forensic_report' }))),
        value,
      ).toBe('FORBIDDEN_TRANSITION');
    }
    // The other dimensions are independent of fate.
    expect(admitStatusEvent(h, ev('legal', 'registered_missing', '2025-08-01'))).toBe('registered_missing');
  });

  it('a person reunited with their family may be recaptured, which opens a new custody episode', () => {
    const h = admitAll([
      ev('fate', 'missing', '2022-03-01'),
      ev('fate', 'capture_reported', '2022-03-05'),
      ev('fate', 'in_custody_confirmed', '2022-04-01'),
      ev('fate', 'released_in_exchange', '2024-01-03'),
      ev('fate', 'returned_in_care', '2024-01-03', { recordedAt: '2025-06-01T00:00:01.000Z' }),
      ev('fate', 'reunited', '2024-01-10'),
      ev('fate', 'recaptured', '2025-02-01'),
    ]);
    expect(currentStatus(h).fate).toBe('recaptured');
    expect(admitStatusEvent(h, ev('fate', 'in_custody_confirmed', '2025-03-01'))).toBe(
      'in_custody_confirmed',
    );
  });

  it('a backdated event that would break the history is refused; one that fits is admitted', () => {
    const h = admitAll([
      ev('fate', 'missing', '2023-01-01'),
      ev('fate', 'capture_reported', '2023-02-01'),
      ev('fate', 'in_custody_confirmed', '2023-03-01'),
    ]);
    // "Deceased" in February would be followed by a confirmed custody in March.
    const err = (() => {
      try {
        admitStatusEvent(h, ev('fate', 'deceased', '2023-02-15'));
      } catch (e) {
        return e as DomainError;
      }
      throw new Error('expected a refusal');
    })();
    expect(err.code).toBe('FORBIDDEN_TRANSITION');
    expect(err.details).toMatchObject({ from: 'deceased', to: 'in_custody_confirmed' });
    // Placed after the last event it is fine.
    expect(admitStatusEvent(h, ev('fate', 'deceased', '2023-03-15'))).toBe('deceased');
    // A backdated "located alive" between missing and the capture report keeps the history valid.
    expect(admitStatusEvent(h, ev('fate', 'located_alive', '2023-01-15'))).toBe('in_custody_confirmed');
  });

  it('a correction replaces the event it supersedes, and an event is corrected only once', () => {
    const wrong = ev('fate', 'deceased', '2023-02-01');
    const h = admitAll([ev('fate', 'missing', '2023-01-01'), wrong]);
    // Not possible on top of "deceased"...
    expect(codeOf(() => admitStatusEvent(h, ev('fate', 'capture_reported', '2023-03-01')))).toBe(
      'FORBIDDEN_TRANSITION',
    );
    // ...but fine once the death report is corrected.
    const fix = ev('fate', 'capture_reported', '2023-02-01', { supersedes: wrong.id });
    expect(admitStatusEvent(h, fix)).toBe('capture_reported');
    h.push(fix);
    expect(currentStatus(h).fate).toBe('capture_reported');
    expect(
      codeOf(() => admitStatusEvent(h, ev('fate', 'located_alive', '2023-02-01', { supersedes: wrong.id }))),
    ).toBe('CONFLICT');
    // A correction must stay within the corrected event's dimension and name an existing event.
    expect(
      codeOf(() =>
        admitStatusEvent(h, ev('legal', 'registered_missing', '2023-02-01', { supersedes: fix.id })),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(
      codeOf(() => admitStatusEvent(h, ev('fate', 'missing', '2023-02-01', { supersedes: 'nope' }))),
    ).toBe('VALIDATION_FAILED');
  });

  it('a value of another dimension, or an unknown value, is a validation failure', () => {
    expect(codeOf(() => admitStatusEvent([], ev('fate', 'nominated', '2023-01-01')))).toBe(
      'VALIDATION_FAILED',
    );
    expect(codeOf(() => admitStatusEvent([], ev('exchange', 'missing', '2023-01-01')))).toBe(
      'VALIDATION_FAILED',
    );
    expect(codeOf(() => admitStatusEvent([], ev('legal', 'escaped', '2023-01-01')))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('an exchange handed over needs a handover record, official document or ICRC notification', () => {
    const h = admitAll([
      ev('exchange', 'nominated', '2025-05-01'),
      ev('exchange', 'accepted', '2025-05-10'),
      ev('exchange', 'assigned_to_stage', '2025-05-20'),
      ev('exchange', 'presented', '2025-05-23'),
    ]);
    expect(
      codeOf(() =>
        admitStatusEvent(
          h,
          ev('exchange', 'handed_over', '2025-05-23', {
            sourceType: 'testimony',
            verification: 'documentary',
          }),
        ),
      ),
    ).toBe('INSUFFICIENT_SOURCE');
    expect(
      admitStatusEvent(h, ev('exchange', 'handed_over', '2025-05-24', { sourceType: 'handover_record' })),
    ).toBe('handed_over');
  });
});
