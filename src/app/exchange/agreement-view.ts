/**
 * The agreement screen: the agreement version an exchange runs under, in words (categories with their
 * predicates as text), its rules, targets and conditions, its hash and who signed it, whether it is in
 * force, the agreement-level warnings so far, and progress against the targets.
 *
 * Progress is derived from the handover records as the agreement progress report derives it
 * (src/reports/progress.ts: handed over in the exchange, cancelled stages count nothing), and the
 * warnings are `agreementWarnings` with `final: false`, as in that report: the exchange is not over
 * while stages run, so a target not yet reached is no breach.
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import {
  AgreementTypes,
  agreementHash,
  isAgreementInForce,
  requiredAgreementSigners,
} from '../../domain/exchange/agreement.ts';
import { PersonClasses, SignerRoles, Subjects } from '../../domain/exchange/common.ts';
import {
  describePredicate,
  describePredicateParts,
  PredicatePartsSchema,
} from '../../domain/exchange/describe-predicate.ts';
import { handedInExchange, liveStages } from '../../domain/exchange/live-stages.ts';
import { stages } from '../../domain/exchange/operation.ts';
import { agreementWarnings, WarningKinds, WarningMessageFields } from '../../domain/exchange/rules.ts';
import { StageStatuses } from '../../domain/exchange/stage.ts';
import { ActingPartySchema, type NodeSelf, nodeParty } from '../node/node-party.ts';
import { loadExchange } from './exchange.ts';

type Handle = Kysely<DB> | Transaction<DB>;

const NamedSchema = z.object({ id: z.string(), name: z.string() });

/** What GET /api/exchanges/:id/agreement answers: the route documents and serves this schema. */
export const AgreementViewSchema = z.object({
  exchangeId: z.string(),
  id: z.string(),
  version: z.number().int(),
  title: z.string(),
  ordinal: z.number().int().nullable(),
  type: z.enum(AgreementTypes),
  supersedes: z.string().nullable(),
  amendmentReason: z.string().nullable(),
  parties: z.array(NamedSchema),
  mediators: z.array(NamedSchema),
  concludedAt: z.string(),
  place: z.string(),
  releasingParty: z.string().nullable(),
  categories: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      subject: z.enum(Subjects),
      class: z.enum(PersonClasses),
      /** English text; `predicateParts` renders it in the reader's language. */
      predicate: z.string().describe('the category predicate as readable text'),
      predicateParts: PredicatePartsSchema,
    }),
  ),
  ratioRules: z.array(
    z.discriminatedUnion('kind', [
      z.object({
        id: z.string(),
        kind: z.literal('ratio'),
        category: z.string().nullable(),
        shares: z.record(z.string(), z.number().int()),
        scope: z.string(),
      }),
      z.object({ id: z.string(), kind: z.literal('all_for_all'), category: z.string() }),
    ]),
  ),
  orderingRules: z.array(
    z.object({ id: z.string(), first: z.string(), after: z.string().nullable(), scope: z.string() }),
  ),
  targets: z.array(
    z.object({
      direction: z.string(),
      category: z.string().nullable(),
      count: z.number().int(),
      handedOver: z.number().int(),
      remaining: z.number().int(),
    }),
  ),
  conditions: z.array(z.object({ code: z.string(), text: z.string() })),
  /** SHA-256 over the agreement without its signatures: what every signer signs. */
  hash: z.string(),
  signatures: z.array(
    z.object({
      signer: z.string(),
      signerName: z.string(),
      role: z.enum(SignerRoles),
      keyId: z.string(),
      signedAt: z.string(),
      /** The signature covers this version's hash. */
      coversHash: z.boolean(),
    }),
  ),
  requiredSigners: z.array(
    z.object({ signer: z.string(), name: z.string(), role: z.enum(SignerRoles), signed: z.boolean() }),
  ),
  inForce: z.boolean(),
  warnings: z.array(
    z.object({ id: z.string(), kind: z.enum(WarningKinds), message: z.string(), ...WarningMessageFields }),
  ),
  progress: z.object({
    /** Handed over in the exchange, per receiving party and category, over the stages that count. */
    cumulative: z.array(
      z.object({ direction: z.string(), category: z.string(), handedOver: z.number().int() }),
    ),
    stages: z.array(
      z.object({
        stageId: z.string(),
        date: z.string(),
        status: z.enum(StageStatuses),
        handedOver: z.record(z.string(), z.number().int()),
      }),
    ),
  }),
  /** Which signer this node acts as (src/app/node/node-party.ts); null when it is none. */
  actingAs: ActingPartySchema.nullable(),
});
export type AgreementView = z.output<typeof AgreementViewSchema>;

/** The agreement in force of an exchange, with its signatures, warnings and progress. */
export async function agreementView(
  ctx: RequestContext,
  db: Handle,
  exchangeId: string,
  self?: NodeSelf,
): Promise<AgreementView> {
  requirePermission(ctx, 'exchange:read');
  const { state } = await loadExchange(db, ctx, exchangeId);
  const a = state.agreement;
  const hash = agreementHash(a);
  const names = new Map([...a.parties, ...a.mediators].map((p) => [p.id, p.name]));
  const live = liveStages(state);
  const cumulative = new Map<string, number>();
  for (const s of live)
    for (const [k, n] of handedInExchange(s)) cumulative.set(k, (cumulative.get(k) ?? 0) + n);
  const handedTo = (direction: string, category: string | null) =>
    [...cumulative.entries()]
      .filter(([k]) => {
        const [d, c] = k.split('\u0000');
        return d === direction && (category === null || c === category);
      })
      .reduce((n, [, v]) => n + v, 0);
  return {
    exchangeId,
    id: a.id,
    version: a.version,
    title: a.title,
    ordinal: a.ordinal,
    type: a.type,
    supersedes: a.supersedes,
    amendmentReason: a.amendmentReason,
    parties: a.parties.map((p) => ({ id: p.id, name: p.name })),
    mediators: a.mediators.map((m) => ({ id: m.id, name: m.name })),
    concludedAt: a.concludedAt,
    place: a.place,
    releasingParty: a.releasingParty,
    categories: a.categories.map((c) => ({
      id: c.id,
      label: c.label,
      subject: c.subject,
      class: c.class,
      predicate: describePredicate(c.predicate),
      predicateParts: describePredicateParts(c.predicate),
    })),
    ratioRules: a.ratioRules.map((r) =>
      r.kind === 'ratio'
        ? { id: r.id, kind: r.kind, category: r.category, shares: { ...r.shares }, scope: r.scope }
        : { id: r.id, kind: r.kind, category: r.category },
    ),
    orderingRules: a.orderingRules.map((r) => ({ id: r.id, first: r.first, after: r.after, scope: r.scope })),
    targets: a.targets.map((t) => {
      const n = handedTo(t.direction, t.category);
      return { ...t, handedOver: n, remaining: Math.max(0, t.count - n) };
    }),
    conditions: a.conditions.map((c) => ({ code: c.code, text: c.text })),
    hash,
    signatures: a.signatures.map((s) => ({
      signer: s.signer,
      signerName: names.get(s.signer) ?? s.signer,
      role: s.role,
      keyId: s.keyId,
      signedAt: s.signedAt,
      coversHash: s.contentHash === hash,
    })),
    requiredSigners: requiredAgreementSigners(a).map((r) => ({
      ...r,
      name: names.get(r.signer) ?? r.signer,
      signed: a.signatures.some((s) => s.signer === r.signer && s.role === r.role && s.contentHash === hash),
    })),
    inForce: isAgreementInForce(a),
    warnings: agreementWarnings(a, { stages: stages(state), final: false }).map((w) => ({
      id: w.id,
      kind: w.kind,
      message: w.message,
      code: w.code,
      params: w.params,
    })),
    progress: {
      cumulative: [...cumulative.entries()]
        .map(([k, handedOver]) => {
          const [direction, category] = k.split('\u0000') as [string, string];
          return { direction, category, handedOver };
        })
        .sort((x, y) => x.direction.localeCompare(y.direction) || x.category.localeCompare(y.category)),
      stages: live.map((s) => {
        const handedOver: Record<string, number> = {};
        for (const [k, n] of handedInExchange(s)) {
          const d = k.split('\u0000')[0]!;
          handedOver[d] = (handedOver[d] ?? 0) + n;
        }
        return { stageId: s.plan.stageId, date: s.plan.date, status: s.status, handedOver };
      }),
    },
    actingAs: self ? nodeParty(a, self) : null,
  };
}
