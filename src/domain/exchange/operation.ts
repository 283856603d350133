import { z } from 'zod';
import {
  type Agreement,
  allowedDirections,
  findCategory,
  isAgreementInForce,
  partyIds,
} from './agreement.ts';
import { IdSchema, InstantSchema, parseWith, type Signature, SignatureSchema } from './common.ts';
import { violation } from './errors.ts';
import {
  approvalHash,
  ExceptionSchema,
  HandoverRecordSchema,
  handoverRecordProblems,
  type ManifestEntry,
  ManifestSchema,
  manifestHash,
  PersonRefSchema,
  StagePlanSchema,
  SubstitutionSchema,
} from './handover.ts';
import { reconciliationHash } from './reconcile.ts';
import { stageWarnings, unjustified } from './rules.ts';
import {
  activeEntries,
  currentRecords,
  effectiveRecords,
  findEntry,
  isActiveEntry,
  JustificationCodes,
  lockedManifest,
  type StageAction,
  type StageState,
  stageCompletions,
  stageStatusAfter,
} from './stage.ts';

/**
 * One exchange operation (e.g. "the 65th") as an append-only stream of events. The current state of
 * every stage is derived by replaying the stream through `admitExchangeEvent`, which refuses any event
 * that would break the stage state machine or invariants 1, 2, 4 and 5 (6 is kept by never editing
 * counterpart records, see list.ts). Refusals are DomainErrors with `details.violation`.
 */
export const ExchangeEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stage.planned'), plan: StagePlanSchema }),
  z.object({ kind: z.literal('manifest.proposed'), manifest: ManifestSchema }),
  z.object({
    kind: z.literal('manifest.signed'),
    stageId: IdSchema,
    version: z.number().int().positive(),
    signature: SignatureSchema,
  }),
  z.object({ kind: z.literal('stage.started'), stageId: IdSchema, at: InstantSchema }),
  z.object({ kind: z.literal('substitution.approved'), substitution: SubstitutionSchema }),
  z.object({ kind: z.literal('exception.approved'), exception: ExceptionSchema }),
  z.object({ kind: z.literal('handover.recorded'), record: HandoverRecordSchema }),
  /** From the person's fate dimension: a recapture opens a new custody episode (invariant 1). */
  z.object({ kind: z.literal('custody.recaptured'), personRef: PersonRefSchema, occurredAt: InstantSchema }),
  /** The person refused repatriation to `destination` (e.g. in a private ICRC interview). */
  z.object({
    kind: z.literal('repatriation.refused'),
    personRef: PersonRefSchema,
    destination: IdSchema,
    occurredAt: InstantSchema,
  }),
  z.object({
    kind: z.literal('breach.justified'),
    stageId: IdSchema,
    justification: z.object({
      warningId: z.string().min(1).max(300),
      code: z.enum(JustificationCodes),
      note: z.string().max(2000).nullable(),
      by: IdSchema,
    }),
  }),
  z.object({ kind: z.literal('stage.reconciled'), stageId: IdSchema, at: InstantSchema }),
  z.object({ kind: z.literal('stage.confirmation_signed'), stageId: IdSchema, signature: SignatureSchema }),
  z.object({ kind: z.literal('stage.cancelled'), stageId: IdSchema, reason: z.string().min(1).max(2000) }),
]);
export type ExchangeEvent = z.input<typeof ExchangeEventSchema>;
type ParsedEvent = z.output<typeof ExchangeEventSchema>;

/** A crossing that counts: a handed-over record, by person and receiving party. */
export interface Crossing {
  personRef: string;
  direction: string;
  crossedAt: string;
  stageId: string;
  recordId: string;
}

export interface ExchangeState {
  agreement: Agreement;
  stageOrder: string[];
  stages: Record<string, StageState>;
  recaptures: { personRef: string; occurredAt: string }[];
  refusals: { personRef: string; destination: string; occurredAt: string }[];
  /** Every effective handed-over record; kept in step with the stages (derived, never edited by hand). */
  crossings: Crossing[];
}

/** An exchange starts from an agreement version in force (signed by every party and mediator). */
export function startExchange(agreement: Agreement): ExchangeState {
  if (!isAgreementInForce(agreement))
    throw violation(
      'STAGE_TRANSITION',
      'an exchange runs only under an agreement signed by all parties and mediators',
    );
  return { agreement, stageOrder: [], stages: {}, recaptures: [], refusals: [], crossings: [] };
}

export function getStage(state: ExchangeState, stageId: string): StageState {
  const s = state.stages[stageId];
  if (!s) throw violation('UNKNOWN_REFERENCE', 'no such stage', { stageId });
  return s;
}

function allow(s: StageState, action: StageAction) {
  const next = stageStatusAfter(s.status, action);
  if (!next)
    throw violation('STAGE_TRANSITION', `a ${s.status} stage does not allow ${action}`, {
      stageId: s.plan.stageId,
      status: s.status,
      action,
    });
  return next;
}

/**
 * Invariant 5: has the person refused repatriation to `destination`? Refusals come from explicit
 * events (an ICRC interview) and from handover records coded "refuses"; once voiced, a refusal stands.
 */
export function hasRefused(state: ExchangeState, personRef: string, destination: string): boolean {
  return state.refusals.some((r) => r.personRef === personRef && r.destination === destination);
}

/**
 * Invariant 1: between any two crossings of a person to the same party there is a recapture, dated
 * after the first and not after the second. Returns the offending pair, if any.
 */
export function crossingsWithoutRecapture(
  crossings: readonly { crossedAt: string }[],
  recaptures: readonly { occurredAt: string }[],
): [string, string] | undefined {
  const times = crossings.map((c) => c.crossedAt).sort();
  for (let i = 1; i < times.length; i++) {
    const [a, b] = [times[i - 1]!, times[i]!];
    if (!recaptures.some((r) => r.occurredAt > a && r.occurredAt <= b)) return [a, b];
  }
  return undefined;
}

/** Released to `direction` in the current custody episode: crossed there, and no recapture since. */
export function isReleasedTo(state: ExchangeState, personRef: string, direction: string): boolean {
  const last = state.crossings
    .filter((c) => c.personRef === personRef && c.direction === direction)
    .map((c) => c.crossedAt)
    .sort()
    .at(-1);
  if (!last) return false;
  return !state.recaptures.some((r) => r.personRef === personRef && r.occurredAt > last);
}

/**
 * Invariant 1, second half, for manifests: the stage (other than `exceptStage`) where the person is an
 * open line in this direction — active, with no record yet, in a stage not yet reconciled.
 */
export function openLineElsewhere(
  state: ExchangeState,
  personRef: string,
  direction: string,
  exceptStage: string,
): string | undefined {
  return state.stageOrder.find((id) => {
    const s = state.stages[id]!;
    if (id === exceptStage || !['planned', 'manifest_locked', 'in_progress'].includes(s.status)) return false;
    const lines = s.lockedVersion === null ? (s.manifests.at(-1)?.entries ?? []) : activeEntries(s);
    const recorded = new Set(effectiveRecords(s).map((r) => r.entryId));
    return lines.some(
      (e) => e.personRef === personRef && e.direction === direction && !e.reserve && !recorded.has(e.id),
    );
  });
}

/** Checks every line about to go on a manifest (or to be substituted in, or approved off-manifest). */
function checkLine(state: ExchangeState, e: ManifestEntry, stageId: string): void {
  const a = state.agreement;
  if (!allowedDirections(a).includes(e.direction))
    throw violation('UNKNOWN_REFERENCE', 'the agreement does not allow handovers to this party', {
      entry: e.id,
      direction: e.direction,
    });
  if (!findCategory(a, e.category))
    throw violation('UNKNOWN_REFERENCE', 'the agreement has no such category', { entry: e.id });
  if (hasRefused(state, e.personRef, e.direction))
    throw violation('REFUSED_REPATRIATION', 'this person refused repatriation to that party', {
      entry: e.id,
    });
  const elsewhere = openLineElsewhere(state, e.personRef, e.direction, stageId);
  if (elsewhere)
    throw violation('DUPLICATE_PERSON', 'this person is already an open line of another stage', {
      entry: e.id,
      stageId: elsewhere,
    });
  if (isReleasedTo(state, e.personRef, e.direction))
    throw violation(
      'DOUBLE_HANDOVER',
      'this person was already handed over to that party and not recaptured since',
      {
        entry: e.id,
      },
    );
}

function checkApprovals(
  state: ExchangeState,
  approvals: readonly Signature[],
  hash: string,
  what: string,
): void {
  for (const p of partyIds(state.agreement))
    if (!approvals.some((s) => s.signer === p && s.role === 'party' && s.contentHash === hash))
      throw violation('NOT_A_SIGNER', `${what} needs the approval of both parties`, { missing: p });
}

function withStage(state: ExchangeState, s: StageState, crossings = state.crossings): ExchangeState {
  return { ...state, stages: { ...state.stages, [s.plan.stageId]: s }, crossings };
}

/** Each event kind, by its `kind`. */
type EventOf = { [E in ParsedEvent as E['kind']]: E };

/** One handler per event kind: a kind without a handler fails type-checking. */
type ExchangeEventHandlers = {
  [K in keyof EventOf]: (state: ExchangeState, ev: EventOf[K]) => ExchangeState;
};

/** Admit one event: the new state, or a DomainError saying which rule it breaks. Never mutates `state`. */
export function admitExchangeEvent(state: ExchangeState, input: ExchangeEvent): ExchangeState {
  const ev: ParsedEvent = parseWith(ExchangeEventSchema, input, 'exchange event');
  return dispatch(ev.kind, state, ev);
}

function dispatch<K extends keyof EventOf>(kind: K, state: ExchangeState, ev: EventOf[K]): ExchangeState {
  return handlers[kind](state, ev);
}

const handlers: ExchangeEventHandlers = {
  'stage.planned': planStage,
  'manifest.proposed': proposeManifest,
  'manifest.signed': signManifest,
  'stage.started': startStage,
  'substitution.approved': approveSubstitution,
  'exception.approved': approveException,
  'handover.recorded': recordHandover,
  'custody.recaptured': recordRecapture,
  'repatriation.refused': recordRefusal,
  'breach.justified': justifyBreach,
  'stage.reconciled': reconcileStage,
  'stage.confirmation_signed': signConfirmation,
  'stage.cancelled': cancelStage,
};

function planStage(state: ExchangeState, ev: EventOf['stage.planned']): ExchangeState {
  const a = state.agreement;
  const p = ev.plan;
  if (state.stages[p.stageId])
    throw violation('DUPLICATE_ID', 'stage id already used', { stageId: p.stageId });
  if (p.agreementId !== a.id) throw violation('UNKNOWN_REFERENCE', 'the stage belongs to another agreement');
  const cells = new Set<string>();
  for (const c of p.planned) {
    if (!allowedDirections(a).includes(c.direction) || !findCategory(a, c.category))
      throw violation('UNKNOWN_REFERENCE', 'planned count for a direction or category the agreement lacks');
    const k = `${c.direction}/${c.category}`;
    if (cells.has(k)) throw violation('INCONSISTENT_RECORD', 'one planned count per direction and category');
    cells.add(k);
  }
  const s: StageState = {
    plan: p,
    status: 'planned',
    manifests: [],
    manifestSignatures: [],
    lockedVersion: null,
    substitutions: [],
    exceptions: [],
    records: [],
    justifications: [],
    confirmations: [],
    cancelReason: null,
  };
  return { ...withStage(state, s), stageOrder: [...state.stageOrder, p.stageId] };
}

function proposeManifest(state: ExchangeState, ev: EventOf['manifest.proposed']): ExchangeState {
  const m = ev.manifest;
  const s = getStage(state, m.stageId);
  const status = allow(s, 'propose_manifest');
  const prev = s.manifests.at(-1);
  if (m.version !== s.manifests.length + 1)
    throw violation('SIGNED_IMMUTABLE', 'manifest versions are never replaced; propose the next version');
  if (m.parentHash !== (prev ? manifestHash(prev) : null))
    throw violation('HASH_MISMATCH', 'the manifest is not chained to the previous version');
  if (s.lockedVersion !== null && !m.reasons)
    throw violation('INCONSISTENT_RECORD', 'a locked manifest changes only by a new version with reasons');
  if (s.substitutions.length || s.exceptions.length)
    throw violation(
      'STAGE_TRANSITION',
      'after substitutions or exceptions, the day changes only through them',
    );
  const ids = new Set<string>();
  const people = new Set<string>();
  for (const e of m.entries) {
    if (ids.has(e.id)) throw violation('DUPLICATE_ID', 'manifest line ids must be unique', { entry: e.id });
    if (people.has(e.personRef))
      throw violation('DUPLICATE_PERSON', 'a person appears once on a manifest', { entry: e.id });
    ids.add(e.id);
    people.add(e.personRef);
    checkLine(state, e, m.stageId);
  }
  return withStage(state, {
    ...s,
    status,
    manifests: [...s.manifests, m],
    manifestSignatures: [...s.manifestSignatures, []],
  });
}

function signManifest(state: ExchangeState, ev: EventOf['manifest.signed']): ExchangeState {
  const a = state.agreement;
  const s = getStage(state, ev.stageId);
  let status = allow(s, 'sign_manifest');
  const m = s.manifests.at(-1);
  if (!m || ev.version !== m.version)
    throw violation('UNKNOWN_REFERENCE', 'only the latest proposed manifest version is signed');
  if (ev.signature.contentHash !== manifestHash(m))
    throw violation('HASH_MISMATCH', 'the signature covers another manifest');
  if (ev.signature.role !== 'party' || !partyIds(a).includes(ev.signature.signer))
    throw violation('NOT_A_SIGNER', 'manifests are signed by the parties');
  const sigs = s.manifestSignatures[m.version - 1]!;
  if (sigs.some((x) => x.signer === ev.signature.signer))
    throw violation('ALREADY_SIGNED', 'this party already signed this manifest version');
  const all = [...sigs, ev.signature];
  const locked = partyIds(a).every((p) => all.some((x) => x.signer === p));
  if (locked && s.status === 'planned') status = stageCompletions.planned.sign_manifest;
  const manifestSignatures = s.manifestSignatures.map((x, i) => (i === m.version - 1 ? all : x));
  return withStage(state, {
    ...s,
    status,
    manifestSignatures,
    lockedVersion: locked ? m.version : s.lockedVersion,
  });
}

function startStage(state: ExchangeState, ev: EventOf['stage.started']): ExchangeState {
  const s = getStage(state, ev.stageId);
  const status = allow(s, 'start');
  if (s.manifests.length !== s.lockedVersion)
    throw violation('STAGE_TRANSITION', 'a proposed manifest version is still unsigned');
  return withStage(state, { ...s, status });
}

function approveSubstitution(state: ExchangeState, ev: EventOf['substitution.approved']): ExchangeState {
  const x = ev.substitution;
  const s = getStage(state, x.stageId);
  const status = allow(s, 'substitute');
  if (s.substitutions.some((y) => y.id === x.id))
    throw violation('DUPLICATE_ID', 'substitution id already used');
  const active = activeEntries(s);
  const out = active.find((e) => e.id === x.replaces);
  if (!out)
    throw violation('UNKNOWN_REFERENCE', 'only an active manifest line is substituted', {
      entry: x.replaces,
    });
  if (effectiveRecords(s).some((r) => r.entryId === out.id && r.outcome === 'handed_over'))
    throw violation('DOUBLE_HANDOVER', 'a line already handed over is not substituted', {
      entry: out.id,
    });
  const by = lockedManifest(s)!.entries.find((e) => e.id === x.by);
  if (!by?.reserve || s.substitutions.some((y) => y.by === x.by))
    throw violation('UNKNOWN_REFERENCE', 'the substitute must be an unused reserve line', {
      entry: x.by,
    });
  if (by.direction !== out.direction)
    throw violation('INCONSISTENT_RECORD', 'a substitute goes in the same direction', { entry: x.by });
  checkApprovals(state, x.approvals, approvalHash(x), 'a substitution');
  checkLine(state, by, x.stageId);
  return withStage(state, { ...s, status, substitutions: [...s.substitutions, x] });
}

function approveException(state: ExchangeState, ev: EventOf['exception.approved']): ExchangeState {
  const x = ev.exception;
  const s = getStage(state, x.stageId);
  const status = allow(s, 'approve_exception');
  if (x.entry.reserve) throw violation('INCONSISTENT_RECORD', 'an exception is not a reserve line');
  if (findEntry(s, x.entry.id) || s.exceptions.some((y) => y.id === x.id))
    throw violation('DUPLICATE_ID', 'exception or line id already used', { entry: x.entry.id });
  if (activeEntries(s).some((e) => e.personRef === x.entry.personRef))
    throw violation('DUPLICATE_PERSON', 'this person is already on the manifest', { entry: x.entry.id });
  checkApprovals(state, x.approvals, approvalHash(x), 'an off-manifest transfer');
  checkLine(state, x.entry, x.stageId);
  return withStage(state, { ...s, status, exceptions: [...s.exceptions, x] });
}

function recordHandover(state: ExchangeState, ev: EventOf['handover.recorded']): ExchangeState {
  const r = ev.record;
  const s = getStage(state, r.stageId);
  const status = allow(s, 'record_handover');
  const problems = handoverRecordProblems(r);
  if (problems.length) throw violation('INCONSISTENT_RECORD', problems[0]!, { problems, record: r.id });
  if (s.records.some((x) => x.id === r.id)) throw violation('DUPLICATE_ID', 'record id already used');
  const current = currentRecords(s, r.entryId);
  let crossings = state.crossings;
  if (r.supersedes) {
    const target = current.find((x) => x.id === r.supersedes);
    if (!target)
      throw violation('UNKNOWN_REFERENCE', 'a correction replaces a current record of the same line');
    crossings = crossings.filter((c) => c.recordId !== target.id || c.stageId !== s.plan.stageId);
  } else {
    if (!isActiveEntry(s, r.entryId))
      throw violation('OFF_MANIFEST', 'no active line of the locked manifest and no approved exception', {
        entry: r.entryId,
      });
    if (current.length)
      throw violation('RECORD_EXISTS', 'this line already has a record; correct it with supersedes', {
        entry: r.entryId,
      });
  }
  const entry = findEntry(s, r.entryId)!;
  if (r.outcome === 'handed_over') {
    if (hasRefused(state, entry.personRef, entry.direction))
      throw violation('REFUSED_REPATRIATION', 'this person refused repatriation to that party', {
        entry: entry.id,
      });
    const mine = crossings.filter((c) => c.personRef === entry.personRef && c.direction === entry.direction);
    const recaptures = state.recaptures.filter((x) => x.personRef === entry.personRef);
    if (crossingsWithoutRecapture([...mine, { crossedAt: r.crossedAt! }], recaptures))
      throw violation('DOUBLE_HANDOVER', 'handed over twice to the same party without a recapture between', {
        entry: entry.id,
      });
    crossings = [
      ...crossings,
      {
        personRef: entry.personRef,
        direction: entry.direction,
        crossedAt: r.crossedAt!,
        stageId: s.plan.stageId,
        recordId: r.id,
      },
    ];
  }
  const next = withStage(state, { ...s, status, records: [...s.records, r] }, crossings);
  if (r.willingness !== 'refuses') return next;
  const refusal = { personRef: entry.personRef, destination: entry.direction, occurredAt: r.recordedAt };
  return { ...next, refusals: [...state.refusals, refusal] };
}

function recordRecapture(state: ExchangeState, ev: EventOf['custody.recaptured']): ExchangeState {
  return {
    ...state,
    recaptures: [...state.recaptures, { personRef: ev.personRef, occurredAt: ev.occurredAt }],
  };
}

function recordRefusal(state: ExchangeState, ev: EventOf['repatriation.refused']): ExchangeState {
  if (!partyIds(state.agreement).includes(ev.destination))
    throw violation('UNKNOWN_REFERENCE', 'destination is not a party');
  return {
    ...state,
    refusals: [
      ...state.refusals,
      { personRef: ev.personRef, destination: ev.destination, occurredAt: ev.occurredAt },
    ],
  };
}

function justifyBreach(state: ExchangeState, ev: EventOf['breach.justified']): ExchangeState {
  const a = state.agreement;
  const s = getStage(state, ev.stageId);
  const status = allow(s, 'justify');
  const j = ev.justification;
  if (s.confirmations.length)
    throw violation('SIGNED_IMMUTABLE', 'justifications are frozen once a confirmation is signed');
  if (!partyIds(a).includes(j.by)) throw violation('NOT_A_SIGNER', 'a party justifies a breach');
  if (!stageWarnings(a, s).some((w) => w.id === j.warningId))
    throw violation('UNKNOWN_REFERENCE', 'no such warning on this stage', { warningId: j.warningId });
  if (s.justifications.some((x) => x.warningId === j.warningId))
    throw violation('ALREADY_JUSTIFIED', 'this warning is already justified', { warningId: j.warningId });
  return withStage(state, { ...s, status, justifications: [...s.justifications, j] });
}

function reconcileStage(state: ExchangeState, ev: EventOf['stage.reconciled']): ExchangeState {
  const s = getStage(state, ev.stageId);
  const status = allow(s, 'reconcile');
  const recorded = new Set(effectiveRecords(s).map((r) => r.entryId));
  const pending = activeEntries(s).filter((e) => !recorded.has(e.id)).length;
  if (pending)
    throw violation('STAGE_TRANSITION', `${pending} active lines have no handover record yet`, {
      pending,
    });
  return withStage(state, { ...s, status });
}

function signConfirmation(state: ExchangeState, ev: EventOf['stage.confirmation_signed']): ExchangeState {
  const a = state.agreement;
  const s = getStage(state, ev.stageId);
  let status = allow(s, 'sign_confirmation');
  const open = unjustified(stageWarnings(a, s), s.justifications);
  if (open.length)
    throw violation('UNJUSTIFIED_BREACH', `${open.length} rule breaches have no justification`, {
      warnings: open.map((w) => w.id),
    });
  const sig = ev.signature;
  if (sig.contentHash !== reconciliationHash(a, s))
    throw violation('HASH_MISMATCH', 'the signature covers another reconciliation of this stage');
  const allowed =
    sig.role === 'party' ? partyIds(a).includes(sig.signer) : a.mediators.some((m) => m.id === sig.signer);
  if (!allowed || s.confirmations.some((x) => x.signer === sig.signer))
    throw violation('NOT_A_SIGNER', 'a stage is confirmed once by each party and witnessed by a mediator');
  const confirmations = [...s.confirmations, sig];
  if (isConfirmedBy(state, confirmations)) status = stageCompletions.reconciled.sign_confirmation;
  return withStage(state, { ...s, status, confirmations });
}

function cancelStage(state: ExchangeState, ev: EventOf['stage.cancelled']): ExchangeState {
  const s = getStage(state, ev.stageId);
  const status = allow(s, 'cancel');
  if (effectiveRecords(s).some((r) => r.outcome === 'handed_over'))
    throw violation('STAGE_TRANSITION', 'people have crossed: reconcile the stage instead of cancelling it');
  return withStage(state, { ...s, status, cancelReason: ev.reason });
}

/** Both parties signed, and at least one mediator witnessed. */
function isConfirmedBy(state: ExchangeState, sigs: readonly Signature[]): boolean {
  const a = state.agreement;
  return (
    partyIds(a).every((p) => sigs.some((s) => s.role === 'party' && s.signer === p)) &&
    sigs.some((s) => s.role === 'mediator' && a.mediators.some((m) => m.id === s.signer))
  );
}

export type ExchangeReplay = { ok: true; state: ExchangeState } | { ok: false; error: Error; at: number };

/** Replay a stored stream; stops at the first event that does not fit (a stored stream always fits). */
export function replayExchange(agreement: Agreement, events: readonly ExchangeEvent[]): ExchangeReplay {
  let state = startExchange(agreement);
  for (let i = 0; i < events.length; i++) {
    try {
      state = admitExchangeEvent(state, events[i]!);
    } catch (error) {
      return { ok: false, error: error as Error, at: i };
    }
  }
  return { ok: true, state };
}

export function stages(state: ExchangeState): StageState[] {
  return state.stageOrder.map((id) => state.stages[id]!);
}
