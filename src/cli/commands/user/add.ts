import type { Command } from 'commander';
import { Roles } from '../../../domain/access.ts';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward user add USERNAME`: an account with its roles. */
export function userAddCommand(user: Command): Command {
  return user
    .command('add <username>')
    .description(`create an account; roles: ${Roles.join(', ')}`)
    .addOption(dataOption())
    .requiredOption('--role <role...>', 'one or more roles')
    .option('--display-name <name>', 'name shown in the UI')
    .option('--password-stdin', 'read the password from standard input', false)
    .action(
      async (
        username: string,
        o: DataOptions & { role: string[]; displayName?: string; passwordStdin: boolean },
      ) => {
        const { addUser } = await import('../../../app/accounts/accounts.ts');
        const { openNode, readSecret } = await import('../../context.ts');
        return run(async () => {
          const node = await openNode(o);
          try {
            const password = await readSecret(`Password for ${username}: `, o.passwordStdin);
            const u = await node.database.transaction((tx) =>
              addUser(node.as(['admin']), tx, {
                username,
                password,
                roles: o.role,
                displayName: o.displayName,
              }),
            );
            io().stdout.write(`user ${u.username} created with roles ${u.roles.join(', ')}\n`);
          } finally {
            await node.database.close();
          }
        });
      },
    );
}
