import type { Command } from 'commander';
import { dataOption, intArg, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

const out = (s: string) => io().stdout.write(s);

/** `homeward log quorum K`: witnesses needed before a checkpoint is final. */
export function logQuorumCommand(log: Command): Command {
  return log
    .command('quorum')
    .description('how many configured witnesses must cosign a checkpoint before it is final')
    .argument('<k>', 'number of witnesses', intArg('K', 0, 1000))
    .addOption(dataOption())
    .action(async (k: number, o: DataOptions) => {
      const { listLogWitnesses, setWitnessQuorum } = await import('../../../app/ledger/log-cosign.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async ({ database, as }) => {
          await setWitnessQuorum(database, k, as(['coordinator']));
          const witnesses = await listLogWitnesses(database.db);
          out(`quorum set to ${k} of ${witnesses.length} configured witnesses\n`);
          if (k > witnesses.length)
            io().stderr.write(
              `warning: fewer than ${k} witnesses are configured; no checkpoint can be final\n`,
            );
          return 0;
        }),
      );
    });
}
