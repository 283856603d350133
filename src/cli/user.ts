import type { Command } from 'commander';
import { userAddCommand } from './commands/user/add.ts';
import { userDisableCommand } from './commands/user/disable.ts';
import { userListCommand } from './commands/user/list.ts';
import { userTokenCommand } from './commands/user/token.ts';

/** `homeward user …`: accounts of the node's people. */
export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage accounts');
  for (const add of [userAddCommand, userListCommand, userDisableCommand, userTokenCommand]) add(user);
}
