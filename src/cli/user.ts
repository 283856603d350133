import type { Command } from 'commander';
import { Roles } from '../domain/access.ts';
import { dataOption, intArg, run } from './common.ts';
import type { DataOptions } from './context.ts';
import { io } from './io.ts';

/** `homeward user …`: accounts of the node's people. */
export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage accounts');
  user
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
        const { addUser } = await import('../app/accounts/accounts.ts');
        const { openNode, readSecret } = await import('./context.ts');
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
  user
    .command('list')
    .description('list accounts')
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { listUsers } = await import('../app/accounts/accounts.ts');
      const { openNode } = await import('./context.ts');
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
  user
    .command('disable <username>')
    .description('disable an account and end its sessions and API tokens')
    .addOption(dataOption())
    .action(async (username: string, o: DataOptions) => {
      const { disableUser } = await import('../app/accounts/accounts.ts');
      const { openNode } = await import('./context.ts');
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
  user
    .command('token <username>')
    .description('create an API token for scripts (printed once; send as Authorization: Bearer TOKEN)')
    .addOption(dataOption())
    .option('--name <label>', 'what the token is for', 'script')
    .option('--days <n>', 'expire after this many days', intArg('days', 1, 366))
    .action(async (username: string, o: DataOptions & { name: string; days?: number }) => {
      const { createApiToken } = await import('../app/accounts/accounts.ts');
      const { openNode } = await import('./context.ts');
      return run(async () => {
        const node = await openNode(o);
        try {
          const t = await node.database.transaction((tx) =>
            createApiToken(node.as(['admin']), tx, { username, name: o.name, ttlDays: o.days }),
          );
          io().stdout.write(`${t.token}\n`);
        } finally {
          await node.database.close();
        }
      });
    });
}
