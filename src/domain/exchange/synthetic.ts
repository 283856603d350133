/**
 * Builders for tests, demos and fixtures: synthetic parties, a signed agreement shaped like the
 * May 2025 one, and short-hands for stage events. Synthetic data only: no names, ids like person:a-17.
 */
import { type Agreement, agreementHash, draftAgreement, signAgreement } from './agreement.ts';
import { contentHash, type Signature, type SignerRole } from './common.ts';
import {
  approvalHash,
  type HandoverRecordInput,
  type Manifest,
  type ManifestEntryInput,
  ManifestSchema,
  manifestHash,
  type StageExceptionInput,
  type StagePlan,
  type Substitution,
} from './handover.ts';
import { admitExchangeEvent, type ExchangeEvent, type ExchangeState, getStage } from './operation.ts';
import { P } from './predicate.ts';
import { reconciliationHash } from './reconcile.ts';
import { stageWarnings } from './rules.ts';
import type { JustificationCode } from './stage.ts';

export const A = 'party-a';
export const B = 'party-b';
export const M = 'mediator-m';
const T0 = Date.parse('2025-05-16T09:00:00.000Z');

export function sign(signer: string, role: SignerRole, contentHash: string, at = T0): Signature {
  return { signer, role, keyId: `${signer}+key`, contentHash, signedAt: new Date(at).toISOString() };
}

export function signedByAll(a: Agreement): Agreement {
  const h = agreementHash(a);
  return signAgreement(
    signAgreement(signAgreement(a, sign(A, 'party', h)), sign(B, 'party', h)),
    sign(M, 'mediator', h),
  );
}

/** A numeric 1:1 agreement with military and civilian categories and a target per direction. */
export function numericAgreement(
  target = 1000,
  extra: Partial<Parameters<typeof draftAgreement>[0] & object> = {},
) {
  return signedByAll(
    draftAgreement({
      id: 'agr-65',
      version: 1,
      supersedes: null,
      amendmentReason: null,
      title: '1,000 for 1,000',
      ordinal: 65,
      type: 'numeric',
      parties: [
        { id: A, name: 'Party A' },
        { id: B, name: 'Party B' },
      ],
      mediators: [{ id: M, name: 'Mediator' }],
      concludedAt: '2025-05-16',
      place: 'Istanbul',
      releasingParty: null,
      categories: [
        {
          id: 'military',
          label: 'Servicemembers',
          subject: 'persons',
          class: 'military',
          predicate: P.servicemember(),
        },
        {
          id: 'civilian',
          label: 'Civilians',
          subject: 'persons',
          class: 'civilian',
          predicate: P.civilian(),
        },
      ],
      ratioRules: [
        { id: 'parity', kind: 'ratio', category: null, shares: { [A]: 1, [B]: 1 }, scope: 'both' },
      ],
      orderingRules: [],
      targets: [
        { direction: A, category: null, count: target },
        { direction: B, category: null, count: target },
      ],
      conditions: [{ code: 'icrc-presence', text: 'The ICRC is present at every handover.' }],
      ...extra,
    }),
  );
}

/** `n` manifest lines `${prefix}-${from + i}` for one direction and category. */
export function lines(
  prefix: string,
  direction: string,
  category: string,
  n: number,
  opts: { from?: number; reserve?: boolean; outsideExchange?: boolean } = {},
): ManifestEntryInput[] {
  const from = opts.from ?? 0;
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${from + i}`,
    personRef: `person:${prefix}-${from + i}`,
    direction,
    category,
    reserve: opts.reserve ?? false,
    outsideExchange: opts.outsideExchange ?? false,
    eligibility: 'true' as const,
  }));
}

export function apply(state: ExchangeState, ...events: ExchangeEvent[]): ExchangeState {
  return events.reduce(admitExchangeEvent, state);
}

export function plan(
  stageId: string,
  date: string,
  planned: StagePlan['planned'],
  agreementId = 'agr-65',
): ExchangeEvent {
  return {
    kind: 'stage.planned',
    plan: { stageId, agreementId, date, crossingPoint: 'crossing-1', planned },
  };
}

/** Propose the next manifest version and have both parties sign it. */
export function lockManifest(
  state: ExchangeState,
  stageId: string,
  entries: ManifestEntryInput[],
  reasons: string | null = null,
): ExchangeState {
  const s = getStage(state, stageId);
  const prev = s.manifests.at(-1);
  const m: Manifest = ManifestSchema.parse({
    stageId,
    version: s.manifests.length + 1,
    parentHash: prev ? manifestHash(prev) : null,
    reasons,
    entries,
  });
  const h = manifestHash(m);
  return apply(
    state,
    { kind: 'manifest.proposed', manifest: m },
    { kind: 'manifest.signed', stageId, version: m.version, signature: sign(A, 'party', h) },
    { kind: 'manifest.signed', stageId, version: m.version, signature: sign(B, 'party', h) },
  );
}

let seq = 0;
const at = (minute: number) =>
  new Date(Date.parse('2025-05-23T08:00:00.000Z') + minute * 60_000).toISOString();

/** A clean handover of a line at a minute offset of its stage day (per stage base `day`). */
export function handedOver(stageId: string, entryId: string, crossedAt: string): HandoverRecordInput {
  return {
    id: `rec-${++seq}`,
    stageId,
    entryId,
    identityCheck: { method: 'document', result: 'confirmed' },
    willingness: 'willing',
    fitness: 'fit',
    outcome: 'handed_over',
    crossedAt,
    receivedBy: 'officer-1',
    discrepancies: [],
    recordedAt: crossedAt,
  };
}

export function refusedAtCrossing(stageId: string, entryId: string, recordedAt = at(0)): HandoverRecordInput {
  return {
    id: `rec-${++seq}`,
    stageId,
    entryId,
    identityCheck: { method: 'document', result: 'confirmed' },
    willingness: 'refuses',
    fitness: 'fit',
    outcome: 'not_handed_over',
    crossedAt: null,
    receivedBy: null,
    discrepancies: ['refused_at_crossing'],
    recordedAt,
  };
}

export function wrongPerson(stageId: string, entryId: string, recordedAt = at(0)): HandoverRecordInput {
  return {
    id: `rec-${++seq}`,
    stageId,
    entryId,
    identityCheck: { method: 'biometric', result: 'mismatch' },
    willingness: 'not_asked',
    fitness: 'not_assessed',
    outcome: 'not_handed_over',
    crossedAt: null,
    receivedBy: null,
    discrepancies: ['wrong_person_presented'],
    recordedAt,
  };
}

export function notPresented(stageId: string, entryId: string, recordedAt = at(0)): HandoverRecordInput {
  return {
    id: `rec-${++seq}`,
    stageId,
    entryId,
    identityCheck: null,
    willingness: 'not_asked',
    fitness: 'not_assessed',
    outcome: 'not_handed_over',
    crossedAt: null,
    receivedBy: null,
    discrepancies: ['not_presented'],
    recordedAt,
  };
}

export function substitution(
  stageId: string,
  id: string,
  replaces: string,
  by: string,
  reason: Substitution['reason'],
): ExchangeEvent {
  const body: Substitution = { id, stageId, replaces, by, reason, approvals: [] };
  const h = approvalHash(body);
  return {
    kind: 'substitution.approved',
    substitution: { ...body, approvals: [sign(A, 'party', h), sign(B, 'party', h)] },
  };
}

export function exception(x: Omit<StageExceptionInput, 'approvals'>): ExchangeEvent {
  const body = { ...x, approvals: [] };
  const h = approvalHash({
    ...body,
    entry: { reserve: false, outsideExchange: false, nominationId: null, token: null, ...x.entry },
  });
  return {
    kind: 'exception.approved',
    exception: { ...body, approvals: [sign(A, 'party', h), sign(B, 'party', h)] },
  };
}

/**
 * Reconcile a stage, justify every warning with `code`, and collect both parties' and the mediator's
 * signatures over the reconciliation.
 */
export function reconcileAndConfirm(
  state: ExchangeState,
  stageId: string,
  code?: JustificationCode,
): ExchangeState {
  let s = apply(state, { kind: 'stage.reconciled', stageId, at: at(600) });
  for (const w of stageWarnings(s.agreement, getStage(s, stageId))) {
    if (!code) break;
    s = apply(s, {
      kind: 'breach.justified',
      stageId,
      justification: { warningId: w.id, code, note: null, by: A },
    });
  }
  const h = reconciliationHash(s.agreement, getStage(s, stageId));
  return apply(
    s,
    { kind: 'stage.confirmation_signed', stageId, signature: sign(A, 'party', h) },
    { kind: 'stage.confirmation_signed', stageId, signature: sign(B, 'party', h) },
    { kind: 'stage.confirmation_signed', stageId, signature: sign(M, 'mediator', h) },
  );
}

/** Hand over every active line without a record, one per minute from `start` (ISO instant). */
export function handOverAll(
  state: ExchangeState,
  stageId: string,
  entryIds: readonly string[],
  start: string,
): ExchangeState {
  const t0 = Date.parse(start);
  return apply(
    state,
    ...entryIds.map(
      (id, i): ExchangeEvent => ({
        kind: 'handover.recorded',
        record: handedOver(stageId, id, new Date(t0 + i * 1000).toISOString()),
      }),
    ),
  );
}

/** A fixed 64-hex salt per record (tests only; a node derives it from a secret). */
export function testSalt(stageId: string, recordId: string): string {
  return contentHash({ t: 'test-salt', stageId, recordId });
}

/** The June 2025 kind: all for all of the seriously wounded and of soldiers aged 18–25, wounded first. */
export function categoryAgreement(): Agreement {
  return draftAgreement({
    id: 'agr-june',
    version: 1,
    supersedes: null,
    amendmentReason: null,
    title: 'All for all: seriously wounded; aged 18–25',
    ordinal: null,
    type: 'all_for_all',
    parties: [
      { id: A, name: 'Party A' },
      { id: B, name: 'Party B' },
    ],
    mediators: [{ id: M, name: 'Mediator' }],
    concludedAt: '2025-06-02',
    place: 'Istanbul',
    releasingParty: null,
    categories: [
      {
        id: 'wounded',
        label: 'Seriously wounded or ill',
        subject: 'persons',
        class: 'military',
        predicate: P.seriouslyWounded(),
      },
      {
        id: 'young',
        label: 'Servicemembers aged 18–25 on 2025-06-02',
        subject: 'persons',
        class: 'military',
        predicate: P.all(P.servicemember(), P.ageBetween(18, 25, '2025-06-02')),
      },
    ],
    ratioRules: [
      { id: 'aff-wounded', kind: 'all_for_all', category: 'wounded' },
      { id: 'aff-young', kind: 'all_for_all', category: 'young' },
    ],
    orderingRules: [{ id: 'wounded-first', first: 'wounded', after: null, scope: 'agreement' }],
    targets: [],
    conditions: [],
  });
}
