import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward log vkey`: the node's verifier key line. */
export function logVkeyCommand(log: Command): Command {
  return log
    .command('vkey')
    .description("print the node's verifier key line (name+keyid+base64), to check its checkpoints")
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async ({ identity }) => {
          io().stdout.write(`${identity.verifierKey}\n`);
          return 0;
        }),
      );
    });
}
