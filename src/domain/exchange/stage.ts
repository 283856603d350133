import type { Signature } from './common.ts';
import type {
  HandoverRecord,
  Manifest,
  ManifestEntry,
  StageException,
  StagePlan,
  Substitution,
} from './handover.ts';

/** Stage lifecycle (the stage's part of DESIGN.md "State machines"); "cancelled" covers postponed/aborted. */
export const StageStatuses = [
  'planned',
  'manifest_locked',
  'in_progress',
  'reconciled',
  'confirmed',
  'cancelled',
] as const;
export type StageStatus = (typeof StageStatuses)[number];

export const StageActions = [
  'propose_manifest',
  'sign_manifest',
  'start',
  'substitute',
  'approve_exception',
  'record_handover',
  'justify',
  'reconcile',
  'sign_confirmation',
  'cancel',
] as const;
export type StageAction = (typeof StageActions)[number];

/**
 * What may happen in each state, and the state after it. Locking and confirming are not actions of
 * their own: the manifest locks when the second party signs it, the stage is confirmed when the last
 * required confirmation signature arrives (see operation.ts).
 */
export const stageTransitions = {
  planned: { propose_manifest: 'planned', sign_manifest: 'planned', cancel: 'cancelled' },
  manifest_locked: {
    propose_manifest: 'manifest_locked',
    sign_manifest: 'manifest_locked',
    start: 'in_progress',
    substitute: 'manifest_locked',
    approve_exception: 'manifest_locked',
    cancel: 'cancelled',
  },
  in_progress: {
    substitute: 'in_progress',
    approve_exception: 'in_progress',
    record_handover: 'in_progress',
    justify: 'in_progress',
    reconcile: 'reconciled',
    cancel: 'cancelled',
  },
  reconciled: { justify: 'reconciled', sign_confirmation: 'reconciled' },
  confirmed: {},
  cancelled: {},
} as const satisfies Record<StageStatus, Partial<Record<StageAction, StageStatus>>>;

/** Implicit transitions: the manifest is locked by its last signature, the stage confirmed by its last. */
export const stageCompletions = {
  planned: { sign_manifest: 'manifest_locked' },
  reconciled: { sign_confirmation: 'confirmed' },
} as const satisfies Partial<Record<StageStatus, Partial<Record<StageAction, StageStatus>>>>;

export function availableStageActions(status: StageStatus): StageAction[] {
  return Object.keys(stageTransitions[status]) as StageAction[];
}

export function stageStatusAfter(status: StageStatus, action: StageAction): StageStatus | undefined {
  return (stageTransitions[status] as Partial<Record<StageAction, StageStatus>>)[action];
}

export const JustificationCodes = [
  'refusal_at_crossing',
  'medical_hold',
  'unfit_to_travel',
  'not_presented',
  'wrong_person_presented',
  'counterpart_breach',
  'released_outside_exchange',
  'legal_hold',
  'deceased',
  'category_dispute_accepted',
  'agreed_by_parties',
  'mediator_decision',
  'security_incident',
] as const;
export type JustificationCode = (typeof JustificationCodes)[number];

/** Why a rule breach (a warning) is accepted; needed for every warning before confirmation. */
export interface Justification {
  warningId: string;
  code: JustificationCode;
  note: string | null;
  by: string;
}

/** Everything known about one stage, derived by replaying the exchange's events. */
export interface StageState {
  plan: StagePlan;
  status: StageStatus;
  /** Versions 1..n as proposed. */
  manifests: Manifest[];
  /** Signatures per manifest version (index = version − 1). */
  manifestSignatures: Signature[][];
  lockedVersion: number | null;
  substitutions: Substitution[];
  exceptions: StageException[];
  /** Every record ever admitted, corrections included; see `effectiveRecords`. */
  records: HandoverRecord[];
  justifications: Justification[];
  confirmations: Signature[];
  cancelReason: string | null;
}

export function lockedManifest(s: StageState): Manifest | undefined {
  return s.lockedVersion === null ? undefined : s.manifests[s.lockedVersion - 1];
}

/** Every entry a record may name: the locked manifest's lines (reserve too) and exceptions' entries. */
export function entryIndex(s: StageState): Map<string, ManifestEntry> {
  const out = new Map<string, ManifestEntry>();
  for (const e of lockedManifest(s)?.entries ?? []) out.set(e.id, e);
  for (const x of s.exceptions) out.set(x.entry.id, x.entry);
  return out;
}

/** The entry a record may name, without building an index (the hot path of a live stage). */
export function findEntry(s: StageState, entryId: string): ManifestEntry | undefined {
  return (
    lockedManifest(s)?.entries.find((e) => e.id === entryId) ??
    s.exceptions.find((x) => x.entry.id === entryId)?.entry
  );
}

/** Whether a line is expected at the crossing now (see `activeEntries`). */
export function isActiveEntry(s: StageState, entryId: string): boolean {
  if (s.substitutions.some((x) => x.replaces === entryId)) return false;
  if (s.exceptions.some((x) => x.entry.id === entryId)) return true;
  const e = lockedManifest(s)?.entries.find((x) => x.id === entryId);
  return !!e && (!e.reserve || s.substitutions.some((x) => x.by === entryId));
}

/** The current (not superseded) records of one line: one at most, by construction. */
export function currentRecords(s: StageState, entryId: string): HandoverRecord[] {
  const mine = s.records.filter((r) => r.entryId === entryId);
  return mine.filter((r) => !mine.some((x) => x.supersedes === r.id));
}

/** Entries expected at the crossing now: main lines, minus the replaced, plus substitutes and exceptions. */
export function activeEntries(s: StageState): ManifestEntry[] {
  const m = lockedManifest(s);
  if (!m) return [];
  const replaced = new Set(s.substitutions.map((x) => x.replaces));
  const used = new Set(s.substitutions.map((x) => x.by));
  return [
    ...m.entries.filter((e) => (!e.reserve || used.has(e.id)) && !replaced.has(e.id)),
    ...s.exceptions.map((x) => x.entry),
  ];
}

/** Records that count: not superseded by a correction. */
export function effectiveRecords(s: StageState): HandoverRecord[] {
  const superseded = new Set(s.records.flatMap((r) => (r.supersedes ? [r.supersedes] : [])));
  return s.records.filter((r) => !superseded.has(r.id));
}

/** The chain that started at `entryId`: the entry, then each reserve line that replaced the previous. */
export function substitutionChain(s: StageState, entryId: string): string[] {
  const chain = [entryId];
  for (;;) {
    const next = s.substitutions.find((x) => x.replaces === chain.at(-1));
    if (!next || chain.includes(next.by)) return chain;
    chain.push(next.by);
  }
}

/** All chains of the stage, each starting at a line that was not itself a substitute. */
export function substitutionChains(s: StageState): string[][] {
  const substitutes = new Set(s.substitutions.map((x) => x.by));
  return s.substitutions
    .filter((x) => !substitutes.has(x.replaces))
    .map((x) => substitutionChain(s, x.replaces));
}

/** A handover record with the entry it concerns. */
export interface Handover {
  stageId: string;
  record: HandoverRecord;
  entry: ManifestEntry;
}

export function stageHandovers(s: StageState): Handover[] {
  const idx = entryIndex(s);
  return effectiveRecords(s).flatMap((record) => {
    const entry = idx.get(record.entryId);
    return entry ? [{ stageId: s.plan.stageId, record, entry }] : [];
  });
}
