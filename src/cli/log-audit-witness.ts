/**
 * The part of `homeward log audit` that looks beyond the database: whether the newest checkpoint is
 * final (cosigned by the witness quorum), and with `--witness URL…`, whether what each witness
 * cosigned is a prefix of the stored log (src/app/ledger/log-witness-check.ts).
 */
import type { Kysely } from 'kysely';
import { quorumReport } from '../app/ledger/log-cosign.ts';
import { checkWithWitnesses } from '../app/ledger/log-witness-check.ts';
import type { DB } from '../db/schema.ts';

export async function finalityAndWitnesses(
  db: Kysely<DB>,
  urls: readonly string[],
  witnessKeys: readonly string[],
): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  const q = await quorumReport(db);
  if (q.notFinal)
    lines.push(
      `not final: checkpoint ${q.notFinal.size} has ${q.notFinal.cosigners.length} of ${q.quorum} witness cosignatures (${
        q.newestFinal === null ? 'no checkpoint is final yet' : `newest final checkpoint: ${q.newestFinal}`
      })`,
    );
  let ok = true;
  if (urls.length > 0) {
    for (const c of await checkWithWitnesses(db, urls, { witnessKeys: [...witnessKeys] })) {
      if (c.result === 'consistent') {
        lines.push(`witness ${c.url}: OK: ${c.message}`);
        continue;
      }
      ok = false;
      if (c.result === 'unchecked') {
        lines.push(`witness ${c.url}: NOT CHECKED: ${c.message}`);
        continue;
      }
      lines.push(`witness ${c.url}: FORK: ${c.message}`);
      if (c.evidence) {
        lines.push(
          `  local root at size ${c.evidence.localSize}: ${c.evidence.localRoot ?? '(none: the local log is shorter)'}`,
        );
        lines.push('  the witness cosigned:');
        for (const l of c.evidence.witnessNote.replace(/\n$/, '').split('\n')) lines.push(`    ${l}`);
      }
    }
  }
  return { ok, lines };
}
