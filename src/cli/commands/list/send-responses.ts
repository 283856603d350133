import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { ListSendOptions } from '../../list.ts';

/** `homeward list send-responses`: our answers to a version of their list (list.ts). */
export function listSendResponsesCommand(list: Command): Command {
  return list
    .command('send-responses')
    .description(
      'send our answers to a version of their list (received as a package) back, naming their version and their entries',
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .requiredOption('--version <id>', 'the id here of their list version')
    .option('--out-dir <dir>', 'also write each package file here, for hand-carry')
    .addOption(dataOption())
    .action(async (o: ListSendOptions) => {
      const { runListSend } = await import('../../list.ts');
      return run(() => runListSend(o, 'responses'));
    });
}
