import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { ListDiffOptions } from '../../list.ts';

/** `homeward list diff`: what changed between two list versions (list.ts). */
export function listDiffCommand(list: Command): Command {
  return list
    .command('diff')
    .description(
      'what changed between two list versions (ids from GET /api/exchanges/:id/lists), person by person',
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .requiredOption('--from <version>', 'the earlier version id')
    .requiredOption('--to <version>', 'the later version id')
    .option('--json', 'the whole diff as JSON')
    .addOption(dataOption())
    .action(async (o: ListDiffOptions) => {
      const { runListDiff } = await import('../../list.ts');
      return run(() => runListDiff(o));
    });
}
