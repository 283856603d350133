/**
 * The local operator: who acts when an operator command changes the node's own configuration (whom
 * it trusts) without a request context, audited as `cli:<os user>` like every local command.
 */
import os from 'node:os';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { cliContext, type RequestContext } from '../../domain/access.ts';

export async function localOperator(db: Kysely<DB> | Transaction<DB>): Promise<RequestContext> {
  const row = await db.selectFrom('node_identity').select('org_id').executeTakeFirstOrThrow();
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no user name (some containers): still a local command
  }
  return cliContext(row.org_id, ['coordinator'], user);
}
