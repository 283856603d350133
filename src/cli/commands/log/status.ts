import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

const out = (s: string) => io().stdout.write(s);

/** `homeward log status`: the latest checkpoint, its cosigners and finality (JSON). */
export function logStatusCommand(log: Command): Command {
  return log
    .command('status')
    .description('latest checkpoint size, which witnesses cosigned it and whether it is final (JSON)')
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { logStatus } = await import('../../../app/ledger/log-cosign.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          out(`${JSON.stringify(await logStatus(database.db), null, 2)}\n`);
          return 0;
        }),
      );
    });
}
