import type { Command } from 'commander';
import { keyChainCommand } from './commands/key/chain.ts';
import { keyFollowCommand } from './commands/key/follow.ts';
import { keyRotateCommand } from './commands/key/rotate.ts';

/** `homeward key rotate` / `key chain` / `key follow`: the node's signing key and the chain of its rotation notes. */
export function registerKeyCommands(program: Command): void {
  const key = program.command('key').description("the node's signing key: rotation and its chain of notes");

  for (const add of [keyRotateCommand, keyChainCommand, keyFollowCommand]) add(key);
}
