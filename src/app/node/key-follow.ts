/**
 * Following another node's key rotation (src/ledger/key-rotation.ts): this node holds that node's
 * key pinned for packages (`package pin`) or trusted as a witnessed log (`log witness trust`); given
 * the other node's rotation notes (its GET /log/keys), each pinned key is followed along the chain —
 * every note must be signed by the key held now and by its new key — and the new key is pinned:
 * for packages in addition to the old one (packages signed before stay verifiable), for a witnessed
 * log in place of the old one (its recorded size and root stay: cosigning still needs a consistency
 * proof from them). A chain that does not verify changes nothing.
 */
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../../db/audit.ts';
import { commitRecords } from '../../db/records.ts';
import type { DB } from '../../db/schema.ts';
import { type RequestContext, requirePermission } from '../../domain/access.ts';
import { DomainError, ErrorCodes } from '../../domain/errors.ts';
import { followKeyChain } from '../../ledger/key-rotation.ts';
import { formatVerifierKey, parseVerifierKey } from '../../ledger/keys.ts';
import { keyRefOf } from '../exchange/signatures.ts';

export const PublishedKeysSchema = z.object({
  origin: z.string().max(200),
  current: z.string().max(400),
  rotations: z.array(z.string().max(4000)).max(10_000),
});
export type PublishedKeys = z.infer<typeof PublishedKeysSchema>;

export interface FollowedKey {
  where: 'pinned' | 'witnessed';
  from: string;
  to: string;
}

export async function followKeyRotations(
  ctx: RequestContext,
  tx: Transaction<DB>,
  published: PublishedKeys,
): Promise<FollowedKey[]> {
  // Whom this node trusts changes: the same authority as signing with its key.
  requirePermission(ctx, 'ledger:write', 'node:sign');
  const followed: FollowedKey[] = [];
  const pinned = await tx.selectFrom('pinned_keys').select(['vkey', 'label']).execute();
  const witnessed = await tx.selectFrom('witnessed_logs').select(['origin', 'vkey']).execute();
  const held = [
    ...pinned.map((p) => ({ where: 'pinned' as const, vkey: p.vkey, label: p.label, origin: undefined })),
    ...witnessed.map((w) => ({ where: 'witnessed' as const, vkey: w.vkey, label: '', origin: w.origin })),
  ];
  let known = false;
  for (const h of held) {
    let verifier: ReturnType<typeof parseVerifierKey>;
    try {
      verifier = parseVerifierKey(h.vkey);
    } catch {
      continue;
    }
    if (verifier.name !== published.origin) continue;
    known = true;
    // Throws KEY_ROTATION_REFUSED when a note does not continue the chain from the key held here.
    const chain = followKeyChain(verifier, published.rotations);
    const last = chain.keys[chain.keys.length - 1]!;
    const to = formatVerifierKey(last);
    if (to === h.vkey) continue;
    if (h.where === 'pinned') {
      if (pinned.some((p) => p.vkey === to)) continue;
      await tx
        .insertInto('pinned_keys')
        .values({ vkey: to, key_ref: keyRefOf(last), label: `${h.label} (rotated)`.trim() })
        .onConflict((oc) => oc.column('vkey').doNothing())
        .execute();
    } else {
      await tx.updateTable('witnessed_logs').set({ vkey: to }).where('origin', '=', h.origin!).execute();
    }
    await commitRecords(tx, [
      h.where === 'pinned' ? { table: 'pinned_keys', key: to } : { table: 'witnessed_logs', key: h.origin! },
    ]);
    await writeAudit(tx, ctx, [
      {
        action: 'trust.key_followed',
        entityType: 'key',
        entityId: keyRefOf(last),
        detail: { where: h.where, fromKeyRef: keyRefOf(verifier), toKeyRef: keyRefOf(last) },
      },
    ]);
    followed.push({ where: h.where, from: h.vkey, to });
  }
  if (!known) throw new DomainError(ErrorCodes.NOT_FOUND, 'no key of that node is pinned or witnessed here');
  return followed;
}
