/**
 * The lists step of the three-node scenario: Party A asks for its people, Party B answers, as signed
 * packages between the nodes (src/app/peers/list-packages.ts).
 *
 * 1. Party A's registry holds `persons` synthetic people (every tenth with synthetic contacts and health
 *    notes, which must not leave A); Party B's registry holds the first `heldByB` of them (its own
 *    records of the same people).
 * 2. A makes version 1 of its request (each person under the agreement category their registry
 *    category gives: servicemembers military, everyone else civilian), signs it, and sends it to B and
 *    the Mediator: names, birth dates, units; no contacts, no health. (A's registry also says what A
 *    knows of each person's fate, so A's own version flags some as already released by its records.)
 * 3. B's node turns it into "their request", matched against B's registry and flagged; B answers each
 *    entry from the flags (matched: accepted; already released by B's records: already_released; not
 *    found: not_held; ambiguous: unknown) and sends the answers back.
 * 4. A's node records the answers on its own version. The Mediator keeps both packages.
 */

import {
  createListVersion,
  type ListEntryView,
  listListVersions,
  loadListVersion,
  recordListResponses,
  signListVersion,
} from '../app/lists/lists.ts';
import { sendListResponses, sendListVersion } from '../app/peers/list-packages.ts';
import { markDelivered } from '../app/peers/outbox.ts';
import type { SentPackage } from '../app/peers/packages.ts';
import { countBy } from '../domain/exchange/common.ts';
import type { ResponseCode } from '../domain/exchange/list.ts';
import { type DemoNode, deliver, type ThreeNodes } from './nodes.ts';
import { storeNewPersons, syntheticToNew } from './seed-demo.ts';
import { generatePersons } from './synthetic.ts';

export interface ListsStep {
  requested: number;
  flags: Record<string, number>;
  answers: Record<string, number>;
  /** What A's version holds after the answers came back, by response. */
  onA: Record<string, number>;
}

async function deliverAll(net: ThreeNodes, from: DemoNode, packages: readonly SentPackage[]) {
  for (const o of net.others(from)) {
    const p = packages.find((x) => x.recipient === o.identity.name);
    if (!p) throw new Error(`nothing was addressed to ${o.label}`);
    const r = await deliver(o, p.bytes);
    await markDelivered(from.ctx, from.database.db, o.identity.name, [p.hash], 'http');
    if (r.application.status === 'refused' || r.application.status === 'pending')
      throw new Error(
        `${o.label} did not apply the package: ${r.application.message ?? r.application.status}`,
      );
  }
}

function answerOf(e: ListEntryView): ResponseCode {
  if (e.flags.includes('already_released')) return 'already_released';
  if (e.flags.includes('matched')) return 'accepted';
  if (e.flags.includes('unknown')) return 'not_held';
  return 'unknown';
}

export async function exchangeLists(
  net: ThreeNodes,
  exchangeId: string,
  opts: { persons: number; heldByB: number; seed?: number; createdAt: string },
): Promise<ListsStep> {
  const { a, b } = net;
  const people = [...generatePersons(opts.seed ?? 5165, opts.persons)];
  const onA = syntheticToNew(people, 10, 1);
  for (let at = 0; at < onA.length; at += 1000)
    await a.database.transaction((tx) => storeNewPersons(a.ctx, tx, onA.slice(at, at + 1000), 'demo'));
  // B's own records of the people it holds: same names and birth dates, none of A's status history.
  const onB = syntheticToNew(
    people.slice(0, opts.heldByB).map((p) => ({ ...p, statusHistory: [] })),
    0,
    2,
  );
  for (let at = 0; at < onB.length; at += 1000)
    await b.database.transaction((tx) => storeNewPersons(b.ctx, tx, onB.slice(at, at + 1000), 'demo'));

  const version = await a.database.transaction(async (tx) => {
    const v = await createListVersion(a.ctx, tx, {
      exchangeId,
      kind: 'our_request',
      createdAt: opts.createdAt,
      entries: onA.map((p, i) => ({
        id: `req-${i + 1}`,
        subject: { kind: 'registry' as const, personId: p.id },
        category: p.input.category === 'servicemember' ? 'military' : 'civilian',
      })),
    });
    return signListVersion(a.ctx, tx, exchangeId, v.id);
  });
  const sent = await a.database.transaction((tx) => sendListVersion(a.ctx, tx, exchangeId, version.id));
  await deliverAll(net, a, sent.packages);

  const theirs = (await listListVersions(b.database.db, b.ctx, exchangeId)).find(
    (v) => v.kind === 'their_request',
  );
  if (!theirs) throw new Error("Party B's node holds no request from Party A");
  const received = await loadListVersion(b.database.db, b.ctx, exchangeId, theirs.id);
  const answers = received.entries.map((e) => ({ nominationId: e.nomination.id, response: answerOf(e) }));
  const answered = await b.database.transaction(async (tx) => {
    await recordListResponses(b.ctx, tx, exchangeId, theirs.id, { responder: b.party, entries: answers });
    return sendListResponses(b.ctx, tx, exchangeId, theirs.id);
  });
  await deliverAll(net, b, answered.packages);

  const ours = await loadListVersion(a.database.db, a.ctx, exchangeId, version.id);
  return {
    requested: onA.length,
    flags: Object.fromEntries(Object.entries(received.flagCounts).filter(([, n]) => n > 0)),
    answers: countBy(answers, (x) => x.response),
    onA: countBy(ours.entries, (e) => e.response ?? 'no answer'),
  };
}
