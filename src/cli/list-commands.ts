import type { Command } from 'commander';
import { listDiffCommand } from './commands/list/diff.ts';
import { listImportCommand } from './commands/list/import.ts';
import { listSendCommand } from './commands/list/send.ts';
import { listSendResponsesCommand } from './commands/list/send-responses.ts';

/** `homeward list …`: the exchange's lists (the work is in list.ts, loaded when a command runs). */
export function registerListCommands(program: Command): void {
  const list = program
    .command('list')
    .description("an exchange's lists: import the counterpart's, diff versions, send ours as packages");
  for (const add of [listImportCommand, listDiffCommand, listSendCommand, listSendResponsesCommand])
    add(list);
}
