import type { Command } from 'commander';
import { dataOption, intArg, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward log audit`: recompute the tree and check every checkpoint and record. */
export function logAuditCommand(log: Command): Command {
  return log
    .command('audit')
    .description(
      'recompute the tree from the stored entries; check every checkpoint, the head, and every record against its commitment',
    )
    .option('--workers <n>', 'worker threads', intArg('--workers', 0, 64), 2)
    .option(
      '--witness <url...>',
      'ask each witness (its URL prefix, as in `log witness add --url`) for the latest checkpoint it cosigned, and prove it consistent with this log',
    )
    .option(
      '--witness-key <vkey...>',
      "witness verifier keys, to check the witnesses' cosignatures (configured witnesses' keys are known)",
    )
    .addOption(dataOption())
    .action(async (o: DataOptions & { workers: number; witness?: string[]; witnessKey?: string[] }) => {
      const { logSize } = await import('../../../db/ledger.ts');
      const { auditStoredLog } = await import('../../../db/ledger-audit.ts');
      const { finalityAndWitnesses } = await import('../../log-audit-witness.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const started = performance.now();
          const r = await auditStoredLog(database.db, { workers: o.workers });
          const extra = await finalityAndWitnesses(database.db, o.witness ?? [], o.witnessKey ?? []);
          const seconds = ((performance.now() - started) / 1000).toFixed(2);
          const size = await logSize(database.db);
          const summary = `${r.size} entries, ${r.checkpoints} checkpoints, ${r.cosignatures} cosignatures, ${r.records} records`;
          if (r.ok && extra.ok) {
            io().stdout.write(`log audit: OK: ${summary} (head ${size}), checked in ${seconds} s\n`);
            for (const line of extra.lines) io().stdout.write(`${line}\n`);
            return 0;
          }
          io().stdout.write(`log audit: FAILED: ${summary}\n`);
          for (const p of r.problems) io().stdout.write(`  ${p.message}\n`);
          for (const line of extra.lines) io().stdout.write(`${line}\n`);
          if (r.firstBadEntry !== undefined) io().stdout.write(`first bad entry: ${r.firstBadEntry}\n`);
          return 1;
        }),
      );
    });
}
