import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { buildBulletin, cellValue, verifyBulletin } from './bulletin.ts';
import { deepFreeze } from './common.ts';
import {
  approvalHash,
  type HandoverRecordInput,
  type Manifest,
  type ManifestEntry,
  ManifestSchema,
  manifestHash,
  type Substitution,
} from './handover.ts';
import {
  admitExchangeEvent,
  type ExchangeEvent,
  type ExchangeState,
  stages,
  startExchange,
} from './operation.ts';
import { reconcileStage, reconciliationHash } from './reconcile.ts';
import { stageWarnings, unjustified } from './rules.ts';
import {
  activeEntries,
  effectiveRecords,
  lockedManifest,
  stageCompletions,
  stageTransitions,
} from './stage.ts';
import { A, B, M, numericAgreement, sign, testSalt } from './testing.ts';

const PEOPLE = ['p0', 'p1', 'p2', 'p3', 'p4'];
const PARTIES = [A, B];
const T0 = Date.parse('2025-05-20T00:00:00.000Z');
const iso = (min: number) => new Date(T0 + min * 60_000).toISOString();

/** One random step; `pick*` are indices resolved against the current state so that histories get deep. */
const stepArb = fc.record({
  op: fc.oneof(
    { weight: 30, arbitrary: fc.constant('advance' as const) },
    { weight: 2, arbitrary: fc.constant('plan' as const) },
    { weight: 3, arbitrary: fc.constant('propose' as const) },
    { weight: 4, arbitrary: fc.constant('sign' as const) },
    { weight: 2, arbitrary: fc.constant('start' as const) },
    { weight: 2, arbitrary: fc.constant('substitute' as const) },
    { weight: 1, arbitrary: fc.constant('exception' as const) },
    { weight: 10, arbitrary: fc.constant('record' as const) },
    { weight: 2, arbitrary: fc.constant('recapture' as const) },
    { weight: 1, arbitrary: fc.constant('refusal' as const) },
    { weight: 2, arbitrary: fc.constant('justify' as const) },
    { weight: 2, arbitrary: fc.constant('reconcile' as const) },
    { weight: 4, arbitrary: fc.constant('confirm' as const) },
    { weight: 1, arbitrary: fc.constant('cancel' as const) },
  ),
  stage: fc.nat(3),
  a: fc.nat(),
  b: fc.nat(),
  subset: fc.array(fc.tuple(fc.constantFrom(...PEOPLE), fc.constantFrom(...PARTIES), fc.boolean()), {
    minLength: 2,
    maxLength: 7,
  }),
  outcome: fc.constantFrom(
    'handed_over',
    'handed_over',
    'refused',
    'wrong_person',
    'not_presented',
    'inconsistent',
  ),
  honest: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  correction: fc.oneof(
    { weight: 5, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
  minutes: fc.integer({ min: -30, max: 240 }),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

const at = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
let recordSeq = 0;

function record(
  stageId: string,
  entryId: string,
  s: Step,
  clock: number,
  supersedes: string | null,
): HandoverRecordInput {
  const base = { id: `r${++recordSeq}`, stageId, entryId, recordedAt: iso(clock), supersedes };
  switch (s.outcome) {
    case 'handed_over':
      return {
        ...base,
        identityCheck: { method: 'qr_token', result: 'confirmed' },
        willingness: 'willing',
        fitness: 'fit',
        outcome: 'handed_over',
        crossedAt: iso(clock),
        receivedBy: 'officer-1',
        discrepancies: [],
      };
    case 'refused':
      return {
        ...base,
        identityCheck: { method: 'document', result: 'confirmed' },
        willingness: 'refuses',
        fitness: 'fit',
        outcome: 'not_handed_over',
        crossedAt: null,
        receivedBy: null,
        discrepancies: ['refused_at_crossing'],
      };
    case 'wrong_person':
      return {
        ...base,
        identityCheck: { method: 'biometric', result: 'mismatch' },
        willingness: 'not_asked',
        fitness: 'not_assessed',
        outcome: 'not_handed_over',
        crossedAt: null,
        receivedBy: null,
        discrepancies: ['wrong_person_presented'],
      };
    case 'not_presented':
      return {
        ...base,
        identityCheck: null,
        willingness: 'not_asked',
        fitness: 'not_assessed',
        outcome: 'not_handed_over',
        crossedAt: null,
        receivedBy: null,
        discrepancies: ['not_presented'],
      };
    default:
      // Inconsistent in itself: handed over although the person refused.
      return {
        ...base,
        identityCheck: { method: 'document', result: 'confirmed' },
        willingness: 'refuses',
        fitness: 'fit',
        outcome: 'handed_over',
        crossedAt: iso(clock),
        receivedBy: 'officer-1',
        discrepancies: [],
      };
  }
}

/** Turn a random step into an event, using the current state to aim at something plausible. */
function toEvent(state: ExchangeState, s: Step, clock: number): ExchangeEvent {
  const planned = state.stageOrder;
  // An existing stage (at most four are planned), or the next one when there is none yet.
  const open = planned.filter((id) => !['confirmed', 'cancelled'].includes(state.stages[id]!.status));
  const stageId =
    s.op === 'advance' && open.length
      ? open[s.stage % open.length]!
      : planned.length >= 4 || (planned.length && s.stage < 3)
        ? planned[s.stage % planned.length]!
        : `s${planned.length}`;
  const st = state.stages[stageId];
  switch (s.op) {
    case 'advance':
      return advance(state, stageId, s, clock);
    case 'plan':
      return {
        kind: 'stage.planned',
        plan: {
          stageId: `s${planned.length}`,
          agreementId: 'agr-65',
          date: '2025-05-23',
          crossingPoint: 'crossing-1',
          planned: [
            { direction: A, category: 'military', count: s.a % 4 },
            { direction: B, category: 'military', count: s.b % 4 },
          ],
        },
      };
    case 'propose': {
      const seen = new Set<string>();
      const entries = s.subset
        .filter(([p]) => !seen.has(p) && seen.add(p))
        .map(([p, d, reserve]) => ({
          id: `${stageId}.${p}.${d}`,
          personRef: `person:${p}`,
          direction: d,
          category: 'military',
          reserve,
          eligibility: 'true' as const,
        }));
      const prev = st?.manifests.at(-1);
      const version = (st?.manifests.length ?? 0) + 1;
      return {
        kind: 'manifest.proposed',
        manifest: {
          stageId,
          version: s.honest ? version : version + (s.a % 2),
          parentHash: prev && s.honest ? manifestHash(prev) : null,
          reasons: version > 1 && (s.honest || s.b % 2) ? 'amended' : null,
          entries,
        },
      };
    }
    case 'sign': {
      const m = st?.manifests.at(-1);
      const h = m ? manifestHash(m) : '0'.repeat(64);
      const signer = s.honest ? PARTIES[s.a % 2]! : M;
      return {
        kind: 'manifest.signed',
        stageId,
        version: m?.version ?? 1,
        signature: sign(signer, s.honest ? 'party' : 'mediator', h),
      };
    }
    case 'start':
      return { kind: 'stage.started', stageId, at: iso(clock) };
    case 'substitute': {
      const active = st ? activeEntries(st) : [];
      const reserves = (st && lockedManifest(st)?.entries.filter((e) => e.reserve)) ?? [];
      const body: Substitution = {
        id: `sub${s.a}`,
        stageId,
        replaces: at(active, s.a)?.id ?? 'none',
        by: at(reserves, s.b)?.id ?? 'none',
        reason: 'wrong_person_presented',
        approvals: [],
      };
      const h = approvalHash(body);
      const approvals = s.honest ? [sign(A, 'party', h), sign(B, 'party', h)] : [sign(A, 'party', h)];
      return { kind: 'substitution.approved', substitution: { ...body, approvals } };
    }
    case 'exception': {
      const [p, d] = s.subset[0] ?? ['p0', A];
      const entry: ManifestEntry = {
        id: `${stageId}.${p}.${d}.x`,
        personRef: `person:${p}`,
        direction: d,
        category: 'military',
        outsideExchange: s.a % 2 === 0,
        reserve: false,
        nominationId: null,
        token: null,
        eligibility: 'true',
      };
      const body = { id: `x${s.b}`, stageId, entry, reason: 'medical evacuation', approvals: [] };
      const h = approvalHash(body);
      return {
        kind: 'exception.approved',
        exception: { ...body, approvals: s.honest ? [sign(A, 'party', h), sign(B, 'party', h)] : [] },
      };
    }
    case 'record': {
      const active = st ? activeEntries(st) : [];
      const all = st ? [...st.manifests.flatMap((m) => m.entries), ...st.exceptions.map((x) => x.entry)] : [];
      const entry = s.honest ? at(active, s.a) : at(all, s.a);
      const entryId = entry?.id ?? `${stageId}.p0.${A}`;
      const prev = st ? effectiveRecords(st).filter((r) => r.entryId === entryId) : [];
      const supersedes = s.correction ? (prev[0]?.id ?? `r${s.b}`) : null;
      return { kind: 'handover.recorded', record: record(stageId, entryId, s, clock, supersedes) };
    }
    case 'recapture':
      return { kind: 'custody.recaptured', personRef: `person:${at(PEOPLE, s.a)}`, occurredAt: iso(clock) };
    case 'refusal':
      return {
        kind: 'repatriation.refused',
        personRef: `person:${at(PEOPLE, s.a)}`,
        destination: PARTIES[s.b % 2]!,
        occurredAt: iso(clock),
      };
    case 'justify': {
      const ws = st ? stageWarnings(state.agreement, st) : [];
      return {
        kind: 'breach.justified',
        stageId,
        justification: {
          warningId: at(ws, s.a)?.id ?? 'nothing',
          code: 'agreed_by_parties',
          note: null,
          by: A,
        },
      };
    }
    case 'reconcile':
      return { kind: 'stage.reconciled', stageId, at: iso(clock) };
    case 'confirm': {
      const h = st && s.honest ? reconciliationHash(state.agreement, st) : '1'.repeat(64);
      const who = [
        [A, 'party'],
        [B, 'party'],
        [M, 'mediator'],
      ] as const;
      const [signer, role] = who[s.a % 3]!;
      return { kind: 'stage.confirmation_signed', stageId, signature: sign(signer, role, h) };
    }
    case 'cancel':
      return { kind: 'stage.cancelled', stageId, reason: 'postponed' };
  }
}

/** The next natural action for a stage, so that random runs reach locked, started and confirmed stages. */
function advance(state: ExchangeState, stageId: string, s: Step, clock: number): ExchangeEvent {
  const st = state.stages[stageId];
  const a = state.agreement;
  if (!st) return toEvent(state, { ...s, op: 'plan' }, clock);
  const m = st.manifests.at(-1);
  switch (st.status) {
    case 'planned': {
      if (!m) return toEvent(state, { ...s, op: 'propose', honest: true }, clock);
      const signed = st.manifestSignatures[m.version - 1] ?? [];
      const missing = PARTIES.find((p) => !signed.some((x) => x.signer === p))!;
      return {
        kind: 'manifest.signed',
        stageId,
        version: m.version,
        signature: sign(missing, 'party', manifestHash(m)),
      };
    }
    case 'manifest_locked':
      return { kind: 'stage.started', stageId, at: iso(clock) };
    case 'in_progress': {
      const recorded = new Set(effectiveRecords(st).map((r) => r.entryId));
      const pending = activeEntries(st).filter((e) => !recorded.has(e.id));
      const e = at(pending, s.a);
      if (!e) return { kind: 'stage.reconciled', stageId, at: iso(clock) };
      return {
        kind: 'handover.recorded',
        record: record(stageId, e.id, { ...s, correction: false }, clock, null),
      };
    }
    case 'reconciled': {
      const open = unjustified(stageWarnings(a, st), st.justifications);
      if (open.length)
        return {
          kind: 'breach.justified',
          stageId,
          justification: { warningId: open[0]!.id, code: 'agreed_by_parties', note: null, by: B },
        };
      const who = [
        [A, 'party'],
        [B, 'party'],
        [M, 'mediator'],
      ] as const;
      const [signer, role] = who.find(([w]) => !st.confirmations.some((x) => x.signer === w))!;
      return {
        kind: 'stage.confirmation_signed',
        stageId,
        signature: sign(signer, role, reconciliationHash(a, st)),
      };
    }
    default:
      return toEvent(state, { ...s, op: 'plan' }, clock);
  }
}

/**
 * An independent model of what must hold, fed only with the admitted events in order. It does not
 * call the domain's derivations (active lines, effective records, crossings).
 */
class Model {
  manifests = new Map<string, Manifest[]>();
  signatures = new Map<string, Set<string>>();
  locked = new Map<string, Manifest>();
  started = new Set<string>();
  subs = new Map<string, { replaces: string; by: string }[]>();
  exceptions = new Map<string, ManifestEntry[]>();
  records = new Map<string, HandoverRecordInput[]>();
  refused = new Set<string>();
  recaptures: { person: string; at: string }[] = [];

  private entryOf(stageId: string, entryId: string): ManifestEntry | undefined {
    return (
      this.locked.get(stageId)?.entries.find((e) => e.id === entryId) ??
      this.exceptions.get(stageId)?.find((e) => e.id === entryId)
    );
  }

  private active(stageId: string): Set<string> {
    const m = this.locked.get(stageId);
    const subs = this.subs.get(stageId) ?? [];
    const out = new Set<string>();
    for (const e of m?.entries ?? [])
      if ((!e.reserve || subs.some((x) => x.by === e.id)) && !subs.some((x) => x.replaces === e.id))
        out.add(e.id);
    for (const e of this.exceptions.get(stageId) ?? []) out.add(e.id);
    return out;
  }

  private assertNotRefused(e: { personRef: string; direction: string }) {
    // Invariant 5.
    expect(this.refused.has(`${e.personRef}|${e.direction}`)).toBe(false);
  }

  admit(ev: ExchangeEvent): void {
    switch (ev.kind) {
      case 'manifest.proposed': {
        const m = ManifestSchema.parse(ev.manifest);
        const list = this.manifests.get(m.stageId) ?? [];
        // Invariant 2: a locked manifest changes only by a new version with reasons.
        if (this.locked.has(m.stageId)) expect(m.reasons).toBeTruthy();
        expect(m.version).toBe(list.length + 1);
        for (const e of m.entries) this.assertNotRefused(e);
        this.manifests.set(m.stageId, [...list, m]);
        break;
      }
      case 'manifest.signed': {
        const m = this.manifests.get(ev.stageId)!.at(-1)!;
        expect(ev.signature.contentHash).toBe(manifestHash(m));
        const key = `${ev.stageId}#${m.version}`;
        const set = this.signatures.get(key) ?? new Set();
        set.add(ev.signature.signer);
        this.signatures.set(key, set);
        if (set.has(A) && set.has(B)) this.locked.set(ev.stageId, m);
        break;
      }
      case 'stage.started':
        expect(this.locked.has(ev.stageId)).toBe(true);
        this.started.add(ev.stageId);
        break;
      case 'substitution.approved': {
        const x = ev.substitution;
        const by = this.locked.get(x.stageId)!.entries.find((e) => e.id === x.by)!;
        this.assertNotRefused(by);
        this.subs.set(x.stageId, [...(this.subs.get(x.stageId) ?? []), { replaces: x.replaces, by: x.by }]);
        break;
      }
      case 'exception.approved': {
        const e = ev.exception.entry as ManifestEntry;
        this.assertNotRefused(e);
        this.exceptions.set(ev.exception.stageId, [...(this.exceptions.get(ev.exception.stageId) ?? []), e]);
        break;
      }
      case 'handover.recorded': {
        const r = ev.record;
        const list = this.records.get(r.stageId) ?? [];
        // Invariant 2: every record names an active line of a locked manifest of a started stage
        // (or corrects the record of such a line).
        expect(this.started.has(r.stageId)).toBe(true);
        if (r.supersedes) expect(list.find((x) => x.id === r.supersedes)?.entryId).toBe(r.entryId);
        else expect(this.active(r.stageId).has(r.entryId)).toBe(true);
        const e = this.entryOf(r.stageId, r.entryId)!;
        if (r.outcome === 'handed_over') this.assertNotRefused(e);
        if (r.willingness === 'refuses') this.refused.add(`${e.personRef}|${e.direction}`);
        this.records.set(r.stageId, [...list, r]);
        break;
      }
      case 'repatriation.refused':
        this.refused.add(`${ev.personRef}|${ev.destination}`);
        break;
      case 'custody.recaptured':
        this.recaptures.push({ person: ev.personRef, at: ev.occurredAt });
        break;
      default:
        break;
    }
  }

  /** Effective handed-over crossings: (stage, person, direction, time). */
  crossings(): { stageId: string; person: string; direction: string; at: string }[] {
    const out: { stageId: string; person: string; direction: string; at: string }[] = [];
    for (const [stageId, list] of this.records) {
      const superseded = new Set(list.map((r) => r.supersedes).filter(Boolean));
      for (const r of list)
        if (!superseded.has(r.id) && r.outcome === 'handed_over') {
          const e = this.entryOf(stageId, r.entryId)!;
          out.push({ stageId, person: e.personRef, direction: e.direction, at: r.crossedAt! });
        }
    }
    return out;
  }

  /** Invariant 1: between two crossings of a person to one party, a recapture dated in between. */
  assertNoDoubleHandover(): void {
    const by = new Map<string, string[]>();
    for (const c of this.crossings()) {
      const k = `${c.person}|${c.direction}`;
      by.set(k, [...(by.get(k) ?? []), c.at]);
    }
    for (const [k, times] of by) {
      const person = k.split('|')[0]!;
      times.sort();
      for (let i = 1; i < times.length; i++)
        expect(
          this.recaptures.some((r) => r.person === person && r.at > times[i - 1]! && r.at <= times[i]!),
          `${k} crossed at ${times[i - 1]} and ${times[i]} without a recapture between`,
        ).toBe(true);
    }
  }
}

function allowedStatusChange(before: string, after: string): boolean {
  if (before === after) return true;
  const direct = Object.values(stageTransitions[before as keyof typeof stageTransitions] ?? {}) as string[];
  const implicit = Object.values(
    (stageCompletions as Record<string, Record<string, string>>)[before] ?? {},
  ) as string[];
  return direct.includes(after) || implicit.includes(after);
}

const reached = {
  admitted: {} as Record<string, number>,
  statuses: {} as Record<string, number>,
  refused: {} as Record<string, number>,
};

function run(steps: Step[]) {
  const agreement = numericAgreement(6);
  let state = deepFreeze(startExchange(agreement));
  state = deepFreeze(admitExchangeEvent(state, toEvent(state, { ...steps[0]!, op: 'plan' }, 0)));
  const model = new Model();
  let clock = 0;
  let admitted = 0;
  for (const s of steps) {
    clock += s.minutes;
    const ev = toEvent(state, s, clock);
    let next: ExchangeState;
    try {
      next = admitExchangeEvent(state, ev);
    } catch (e) {
      // Refusals are domain errors, never crashes; the frozen state proves nothing was mutated.
      expect(e).toBeInstanceOf(DomainError);
      const why = `${ev.kind}: ${(e as Error).message}`;
      reached.refused[why] = (reached.refused[why] ?? 0) + 1;
      continue;
    }
    admitted++;
    reached.admitted[ev.kind] = (reached.admitted[ev.kind] ?? 0) + 1;
    model.admit(ev);
    for (const id of next.stageOrder) {
      const before = state.stages[id]?.status ?? 'planned';
      expect(allowedStatusChange(before, next.stages[id]!.status)).toBe(true);
    }
    state = deepFreeze(next);
  }
  for (const st of stages(state)) reached.statuses[st.status] = (reached.statuses[st.status] ?? 0) + 1;
  model.assertNoDoubleHandover();
  // The domain's own view of crossings agrees with the model's.
  const mine = model
    .crossings()
    .map((c) => `${c.stageId}|${c.person}|${c.direction}|${c.at}`)
    .sort();
  const theirs = state.crossings
    .map((c) => `${c.stageId}|${c.personRef}|${c.direction}|${c.crossedAt}`)
    .sort();
  expect(theirs).toEqual(mine);
  for (const st of stages(state)) {
    // Invariant 3: counts are the records.
    const r = reconcileStage(st);
    const handed = model.crossings().filter((c) => c.stageId === st.plan.stageId);
    for (const d of PARTIES)
      expect(r.totals[d]?.handedOver ?? 0).toBe(handed.filter((c) => c.direction === d).length);
    // Invariant 2: the locked manifest is the one both parties signed, unchanged.
    const m = lockedManifest(st);
    if (m) expect(manifestHash(m)).toBe(manifestHash(model.locked.get(st.plan.stageId)!));
    // Invariant 4: a confirmed stage has no unjustified breach.
    if (st.status === 'confirmed')
      expect(unjustified(stageWarnings(agreement, st), st.justifications)).toEqual([]);
  }
  // The bulletin recounts, and equals the model's count over confirmed stages.
  const { bulletin, disclosures } = buildBulletin({ state, saltOf: testSalt });
  expect(verifyBulletin(bulletin, disclosures)).toEqual({ ok: true, problems: [] });
  const confirmed = new Set(
    stages(state)
      .filter((s) => s.status === 'confirmed')
      .map((s) => s.plan.stageId),
  );
  for (const d of PARTIES) {
    const n = model.crossings().filter((c) => confirmed.has(c.stageId) && c.direction === d).length;
    const total =
      cellValue(bulletin.cumulative, { direction: d, exchange: 'in', subject: 'persons', class: 'all' }) ?? 0;
    const outside =
      cellValue(bulletin.cumulative, {
        direction: d,
        exchange: 'outside',
        subject: 'persons',
        class: 'all',
      }) ?? 0;
    expect(total + outside).toBe(n);
  }
  return admitted;
}

describe('random sequences of exchange operations never break invariants 1–5', () => {
  it('holds for every sequence', () => {
    const runs = Number(process.env.EXCHANGE_RUNS ?? 100);
    let admittedTotal = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 20, maxLength: 100 }), (steps) => {
        admittedTotal += run(steps);
      }),
      { numRuns: runs },
    );
    // The generator must reach deep histories, not only refusals.
    if (process.env.EXCHANGE_REACH) console.log(reached);
    expect(admittedTotal).toBeGreaterThan(runs * 10);
    expect(reached.statuses.confirmed ?? 0).toBeGreaterThan(runs / 4);
  });
});
