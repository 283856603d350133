/**
 * Lists on the demo node's exchange, so the lists screen has both sides to show: our request (registry
 * persons of this node, signed) and the counterpart's offer imported from a small CSV made up from the
 * registry (synthetic people only), flagged as an import is: rows copied from registry persons match,
 * one listed twice is a duplicate within the list, one claimed under a category its person does not
 * fit is ineligible, a released person (if the registry has one) is already released, and two
 * invented rows are unknown. Persons are taken after the first 30 (the stage board's lines).
 * Idempotent: an exchange that already has list versions is left as it is.
 */
import {
  createListVersion,
  importCounterpartList,
  listListVersions,
  signListVersion,
} from '../app/lists/lists.ts';
import type { RequestContext } from '../domain/access.ts';
import { ReleasedFates } from '../domain/exchange/counterpart.ts';
import { toCsv } from '../io/csv.ts';
import { DEMO_EXCHANGE_ID, type RunInTransaction } from './stage-board-demo.ts';

const RELEASED: readonly string[] = ReleasedFates;
const HEADER = [
  'id',
  'family_name',
  'given_name',
  'patronymic',
  'birth_date',
  'service_number',
  'category',
  'person_category',
];

interface Candidate {
  id: string;
  category: string | null;
  fate: string;
  birth: string | null;
  serviceNumber: string | null;
  family: string;
  given: string | null;
  patronymic: string | null;
}

export async function seedDemoLists(
  transaction: RunInTransaction,
  ctx: RequestContext,
  opts: { exchangeId?: string; skip?: number } = {},
): Promise<{ created: boolean }> {
  const exchangeId = opts.exchangeId ?? DEMO_EXCHANGE_ID;
  const existing = await transaction((tx) => listListVersions(tx, ctx, exchangeId));
  if (existing.length > 0) return { created: false };
  const people: Candidate[] = await transaction((tx) =>
    tx
      .selectFrom('persons')
      .innerJoin('person_names', (j) =>
        j.onRef('person_names.person_id', '=', 'persons.id').on('person_names.ord', '=', 0),
      )
      .select([
        'persons.id',
        'persons.category',
        'persons.fate_status as fate',
        'persons.birth_date as birth',
        'persons.service_number as serviceNumber',
        'person_names.family',
        'person_names.given',
        'person_names.patronymic',
      ])
      .where('persons.org_id', '=', ctx.orgId)
      .orderBy('persons.created_at')
      .orderBy('persons.id')
      .offset(opts.skip ?? 30)
      .limit(80)
      .execute(),
  );
  const soldiers = people.filter((p) => p.category === 'servicemember' && !RELEASED.includes(p.fate));
  const civilians = people.filter(
    (p) => p.category && p.category !== 'servicemember' && !RELEASED.includes(p.fate),
  );
  const released = people.find((p) => RELEASED.includes(p.fate));
  if (soldiers.length < 10) return { created: false }; // too small a registry to show both sides

  // Our request: people we want back, with a civilian and (if any) someone already released.
  const ours = [...soldiers.slice(0, 5), ...civilians.slice(0, 1), ...(released ? [released] : [])];
  await transaction(async (tx) => {
    const v = await createListVersion(ctx, tx, {
      exchangeId,
      kind: 'our_request',
      entries: ours.map((p, i) => ({
        id: `dl-our-${i + 1}`,
        subject: { kind: 'registry' as const, personId: p.id },
        category: p.category === 'servicemember' ? 'military' : 'civilian',
      })),
    });
    await signListVersion(ctx, tx, exchangeId, v.id);
  });

  // Their offer, as the counterpart's spreadsheet would have it.
  const row = (p: Candidate, id: string, category: string) => [
    id,
    p.family,
    p.given ?? '',
    p.patronymic ?? '',
    p.birth ?? '',
    p.serviceNumber ?? '',
    category,
    p.category ?? '',
  ];
  const offered = soldiers.slice(5, 10);
  const rows = [
    ...offered.slice(0, 4).map((p, i) => row(p, `CP-${i + 1}`, 'military')),
    row(offered[0]!, 'CP-5', 'military'), // listed twice
    row(offered[4]!, 'CP-6', 'civilian'), // a servicemember offered as a civilian
    ...(released ? [row(released, 'CP-7', 'military')] : []),
    ['CP-8', 'Qwertyk', 'Zenobiy', '', '1961-03-01', '', 'military', 'servicemember'],
    ['CP-9', 'Yxolotl', 'Ferdynand', '', '1958-11-30', '', 'civilian', 'civilian_internee'],
  ];
  await transaction((tx) =>
    importCounterpartList(ctx, tx, {
      exchangeId,
      kind: 'their_offer',
      bytes: Buffer.from(toCsv(HEADER, rows)),
      filename: 'demo-their-offer.csv',
    }),
  );
  return { created: true };
}
