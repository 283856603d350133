import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward user list`: the accounts. */
export function userListCommand(user: Command): Command {
  return user
    .command('list')
    .description('list accounts')
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { listUsers } = await import('../../../app/accounts/accounts.ts');
      const { openNode } = await import('../../context.ts');
      return run(async () => {
        const node = await openNode(o);
        try {
          const users = await listUsers(node.as(['admin']), node.database.db);
          for (const u of users) {
            io().stdout.write(
              `${u.username}\t${u.roles.join(',')}\t${u.disabled ? 'disabled' : 'active'}\t${u.displayName}\n`,
            );
          }
          if (users.length === 0) io().stderr.write('no accounts\n');
        } finally {
          await node.database.close();
        }
      });
    });
}
