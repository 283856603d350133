import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward user disable USERNAME`: the account, its sessions and its API tokens end. */
export function userDisableCommand(user: Command): Command {
  return user
    .command('disable <username>')
    .description('disable an account and end its sessions and API tokens')
    .addOption(dataOption())
    .action(async (username: string, o: DataOptions) => {
      const { disableUser } = await import('../../../app/accounts/accounts.ts');
      const { openNode } = await import('../../context.ts');
      return run(async () => {
        const node = await openNode(o);
        try {
          await node.database.transaction((tx) => disableUser(node.as(['admin']), tx, username));
          io().stdout.write(`user ${username} disabled\n`);
        } finally {
          await node.database.close();
        }
      });
    });
}
