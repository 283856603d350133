/**
 * The reports of an exchange as the node serves them (HTTP and CLI): loads the replayed state
 * (src/app/exchange/exchange.ts), resolves names through the person projection when the caller may read
 * persons, and hands both to the pure renderers of this folder. Permission: `exchange:read`.
 */
import type { Kysely, Transaction } from 'kysely';
import { loadExchange } from '../app/exchange/exchange.ts';
import { loadPersons } from '../db/persons.ts';
import type { DB } from '../db/schema.ts';
import { hasPermission, type RequestContext, requirePermission } from '../domain/access.ts';
import { getStage } from '../domain/exchange/operation.ts';
import { entryIndex } from '../domain/exchange/stage.ts';
import { projectPerson } from '../domain/person-view.ts';
import type { Locale } from '../i18n/format.ts';
import { renderStageAct } from './act.ts';
import type { ReportInput } from './common.ts';
import { type DossierList, renderDisputeDossier } from './dossier.ts';
import { reportText } from './html.ts';
import { renderProgressReport } from './progress.ts';
import { renderReconciliationReport } from './reconciliation.ts';

type Handle = Kysely<DB> | Transaction<DB>;

import type { ReportKind } from './kinds.ts';

export { type ReportKind, ReportKinds } from './kinds.ts';

export interface ReportRequest {
  kind: ReportKind;
  exchangeId: string;
  /** For the act. */
  stageId?: string | undefined;
  /** For the reconciliation report (YYYY-MM-DD); default: the date of the latest stage. */
  date?: string | undefined;
  /** The reader's language; absent: bilingual Ukrainian | English. */
  lang?: Locale | undefined;
  /** IANA time zone for instants (with `lang`); default UTC. */
  timeZone?: string | undefined;
}

/** The latest version of each list (kind × owner) of the exchange, with its entries and latest responses. */
async function loadDossierLists(db: Handle, exchangeId: string): Promise<DossierList[]> {
  const versions = await db
    .selectFrom('exchange_list_versions')
    .select(['id', 'kind', 'owner', 'version', 'version_hash', 'signed_at'])
    .where('exchange_id', '=', exchangeId)
    .orderBy('kind')
    .orderBy('owner')
    .orderBy('version', 'desc')
    .execute();
  const latest = versions.filter(
    (v, i) => i === 0 || versions[i - 1]!.kind !== v.kind || versions[i - 1]!.owner !== v.owner,
  );
  const out: DossierList[] = [];
  for (const v of latest) {
    const entries = await db
      .selectFrom('exchange_list_entries')
      .select([
        'ord',
        'nomination_id',
        'person_id',
        'record_hash',
        'claimed_category',
        'flags',
        'eligibility',
      ])
      .where('version_id', '=', v.id)
      .orderBy('ord')
      .execute();
    const responses = await db
      .selectFrom('exchange_list_responses')
      .select(['nomination_id', 'response'])
      .where('version_id', '=', v.id)
      .orderBy('id')
      .execute();
    const response = new Map(responses.map((r) => [r.nomination_id, r.response]));
    out.push({
      kind: v.kind,
      owner: v.owner,
      version: v.version,
      hash: v.version_hash,
      signed: v.signed_at !== null,
      entries: entries.map((e) => {
        const elig = e.eligibility as { value?: string; reason?: string } | null;
        return {
          ord: e.ord,
          nominationId: e.nomination_id,
          personRef: e.person_id ? `person:${e.person_id}` : e.record_hash ? `record:${e.record_hash}` : null,
          claimedCategory: e.claimed_category,
          flags: e.flags ?? [],
          reason: elig && elig.value !== 'true' ? (elig.reason ?? null) : null,
          response: response.get(e.nomination_id) ?? null,
        };
      }),
    });
  }
  return out;
}

async function reportInput(
  ctx: RequestContext,
  db: Handle,
  exchangeId: string,
  now: Date,
  extraRefs: readonly string[] = [],
): Promise<ReportInput> {
  requirePermission(ctx, 'exchange:read');
  const { state } = await loadExchange(db, ctx, exchangeId);
  let names: Map<string, string> | null = null;
  if (hasPermission(ctx, 'person:read')) {
    names = new Map();
    const refs = new Set<string>();
    for (const id of state.stageOrder)
      for (const e of entryIndex(state.stages[id]!).values()) refs.add(e.personRef);
    for (const r of state.refusals) refs.add(r.personRef);
    for (const r of extraRefs) refs.add(r);
    const ids = [...refs].filter((r) => r.startsWith('person:')).map((r) => r.slice(7));
    for (let at = 0; at < ids.length; at += 1000) {
      const persons = await loadPersons(db as Transaction<DB>, ctx, ids.slice(at, at + 1000));
      for (const p of persons) names.set(`person:${p.id}`, projectPerson(ctx, p).displayName);
    }
  }
  return { exchangeId, state, names, generatedAt: now.toISOString() };
}

/** Renders one report as a self-contained printable HTML page. */
export async function renderReport(
  ctx: RequestContext,
  db: Handle,
  req: ReportRequest,
  now: Date = new Date(),
): Promise<string> {
  requirePermission(ctx, 'exchange:read');
  // The dossier's list entries: read only after the exchange is known to be the caller's organisation's.
  let lists: DossierList[] = [];
  if (req.kind === 'dossier') {
    await loadExchange(db, ctx, req.exchangeId);
    lists = await loadDossierLists(db, req.exchangeId);
  }
  const refs = lists.flatMap((l) => l.entries.flatMap((e) => (e.personRef ? [e.personRef] : [])));
  const input = await reportInput(ctx, db, req.exchangeId, now, refs);
  if (req.lang) input.text = reportText(req.lang, req.timeZone);
  switch (req.kind) {
    case 'act':
      getStage(input.state, req.stageId ?? ''); // NOT_FOUND for an unknown stage
      return renderStageAct(input, req.stageId!);
    case 'reconciliation': {
      const last = input.state.stageOrder.at(-1);
      const date = req.date ?? (last ? input.state.stages[last]!.plan.date : now.toISOString().slice(0, 10));
      return renderReconciliationReport(input, date);
    }
    case 'progress':
      return renderProgressReport(input);
    case 'dossier':
      return renderDisputeDossier(input, lists);
  }
}
