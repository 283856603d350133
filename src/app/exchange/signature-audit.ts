/**
 * Every signature made with the node's key goes into the audit trail as `node_key.signed`: what kind
 * of thing was signed, its hash and the key reference, never its content. Call in the transaction
 * that stores what was signed.
 */
import type { Kysely, Transaction } from 'kysely';
import { writeAudit } from '../../db/audit.ts';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../domain/access.ts';
import type { NodeSignedKind } from '../../domain/audit-events.ts';

export async function auditNodeSignatures(
  tx: Transaction<DB> | Kysely<DB>,
  ctx: RequestContext,
  signed: readonly {
    kind: NodeSignedKind;
    /** The exchange (documents) or package hash (packages) it belongs to. */
    entityId: string | null;
    /** SHA-256 (hex) of what was signed: the content hash of a document, the package's hash. */
    sha256: string;
    keyRef: string;
    signer?: string | undefined;
  }[],
): Promise<void> {
  await writeAudit(
    tx,
    ctx,
    signed.map((s) => ({
      action: 'node_key.signed' as const,
      entityType: s.kind === 'package' ? ('package' as const) : ('exchange' as const),
      entityId: s.entityId,
      detail: {
        kind: s.kind,
        sha256: s.sha256,
        keyRef: s.keyRef,
        ...(s.signer !== undefined ? { signer: s.signer } : {}),
      },
    })),
  );
}
