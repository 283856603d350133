import type { Command } from 'commander';
import { dataOption, run } from './common.ts';
import type { DataOptions } from './context.ts';
import { io } from './io.ts';

/** `homeward key rotate` / `key chain`: the node's signing key and the chain of its rotation notes. */
export function registerKeyCommands(program: Command): void {
  const key = program.command('key').description("the node's signing key: rotation and its chain of notes");

  key
    .command('rotate')
    .description(
      'make a new signing key, announced in a note signed by the old key and the new one; later checkpoints are signed with the new key',
    )
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { rotateNodeKey } = await import('../app/key-rotation.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async (node) => {
          const r = await rotateNodeKey(node.database, node.key);
          io().stdout.write(
            `rotation ${r.seq} at log size ${r.logSize}\nold key: ${r.oldKey}\nnew key: ${r.newKey}\n\n${r.note}`,
          );
          return 0;
        }),
      );
    });

  key
    .command('chain')
    .description(
      "print the node's key rotation notes in order (what GET /log/keys serves), each followed by an empty line",
    )
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { loadKeyChain, rotationNotes } = await import('../db/key-chain.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          await loadKeyChain(database.db);
          for (const note of await rotationNotes(database.db)) io().stdout.write(`${note}\n`);
          return 0;
        }),
      );
    });
}
