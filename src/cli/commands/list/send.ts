import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { ListSendOptions } from '../../list.ts';

/** `homeward list send`: a signed version of our list to the counterpart and the mediator (list.ts). */
export function listSendCommand(list: Command): Command {
  return list
    .command('send')
    .description(
      'send a signed version of our request or offer to the counterpart and the mediator, one signed package to each (keys pinned per agreement; people as whitelisted fields only): delivered to the peers whose URL this node knows (homeward package peer), and written to --out-dir for hand-carry',
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .requiredOption('--version <id>', 'the list version id (GET /api/exchanges/:id/lists)')
    .option('--out-dir <dir>', 'also write each package file here, for hand-carry')
    .addOption(dataOption())
    .action(async (o: ListSendOptions) => {
      const { runListSend } = await import('../../list.ts');
      return run(() => runListSend(o, 'version'));
    });
}
