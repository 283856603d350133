import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { printStatus } from './shared.ts';

/** `homeward agreement status --exchange ID`: who signed, who is awaited. */
export function agreementStatusCommand(agreement: Command): Command {
  return agreement
    .command('status')
    .description(
      'the proposed version of an exchange’s agreement: who signed, who is awaited, whether it runs',
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .addOption(dataOption())
    .action(async (o: DataOptions & { exchange: string }) => {
      const { agreementStatus } = await import('../../../app/exchange/agreements.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async (node) => {
          printStatus(await agreementStatus(node.as(['coordinator']), node.database.db, o.exchange));
          return 0;
        }),
      );
    });
}
