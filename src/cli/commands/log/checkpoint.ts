import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward log checkpoint`: the latest signed checkpoint, or the latest final one. */
export function logCheckpointCommand(log: Command): Command {
  return log
    .command('checkpoint')
    .description('print the latest signed checkpoint (a C2SP signed note, with any witness cosignatures)')
    .option('--final', 'the latest checkpoint cosigned by the witness quorum (see `log quorum`)', false)
    .addOption(dataOption())
    .action(async (o: DataOptions & { final: boolean }) => {
      const { latestFinalCheckpoint } = await import('../../../app/ledger/log-cosign.ts');
      const { latestCheckpoint, loadLogKeys } = await import('../../../db/ledger.ts');
      const { signCheckpoint } = await import('../../../ledger/checkpoint.ts');
      const { emptyTreeRoot } = await import('../../../ledger/merkle.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          if (o.final) {
            const final = await latestFinalCheckpoint(database.db);
            if (!final)
              throw new Error('no checkpoint is final yet: too few witnesses have cosigned (`log status`)');
            io().stdout.write(final.note);
            return 0;
          }
          const latest = await latestCheckpoint(database.db);
          if (latest) {
            io().stdout.write(latest.note);
          } else {
            // An empty log still has a head: the empty tree, signed now.
            const keys = await loadLogKeys(database.db);
            const body = { origin: keys.origin, size: 0, root: emptyTreeRoot(), extensions: [] };
            io().stdout.write(signCheckpoint(body, [keys.signer]));
          }
          return 0;
        }),
      );
    });
}
