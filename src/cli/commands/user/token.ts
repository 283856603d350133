import type { Command } from 'commander';
import { dataOption, intArg, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward user token USERNAME`: an API token for scripts, printed once. */
export function userTokenCommand(user: Command): Command {
  return user
    .command('token <username>')
    .description('create an API token for scripts (printed once; send as Authorization: Bearer TOKEN)')
    .addOption(dataOption())
    .option('--name <label>', 'what the token is for', 'script')
    .option('--days <n>', 'expire after this many days', intArg('days', 1, 366))
    .action(async (username: string, o: DataOptions & { name: string; days?: number }) => {
      const { createApiToken } = await import('../../../app/accounts/accounts.ts');
      const { openNode } = await import('../../context.ts');
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
