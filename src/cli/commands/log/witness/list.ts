import type { Command } from 'commander';
import { dataOption, run } from '../../../common.ts';
import type { DataOptions } from '../../../context.ts';
import { io } from '../../../io.ts';

const out = (s: string) => io().stdout.write(s);

/** `homeward log witness list`: this log's witnesses and the logs this node witnesses. */
export function witnessListCommand(witness: Command): Command {
  return witness
    .command('list')
    .description("the witnesses of this node's log, and the logs this node witnesses")
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { listLogWitnesses } = await import('../../../../app/ledger/log-cosign.ts');
      const { listWitnessedLogs } = await import('../../../../app/ledger/witness.ts');
      const { withNode } = await import('../../../context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          for (const w of await listLogWitnesses(database.db))
            out(`witness\t${w.name}\t${w.url ?? '-'}\t${w.vkey}\n`);
          for (const l of await listWitnessedLogs(database.db))
            out(`witnessing\t${l.origin}\t${l.size}\t${l.vkey}\n`);
          return 0;
        }),
      );
    });
}
