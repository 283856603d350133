import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward key rotate`: a new signing key, announced by a note signed by the old and the new. */
export function keyRotateCommand(key: Command): Command {
  return key
    .command('rotate')
    .description(
      'make a new signing key, announced in a note signed by the old key and the new one; later checkpoints are signed with the new key',
    )
    .option(
      '--force',
      'rotate even though agreements pin the current key (a compromised key): their other signers must pin the new key under each agreement again',
      false,
    )
    .addOption(dataOption())
    .action(async (o: DataOptions & { force: boolean }) => {
      const { rotateNodeKey } = await import('../../../app/node/key-rotation.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async (node) => {
          const r = await rotateNodeKey(node.as(['coordinator']), node.database, node.key, {
            force: o.force,
          });
          io().stdout.write(
            `rotation ${r.seq} at log size ${r.logSize}\nold key: ${r.oldKey}\nnew key: ${r.newKey}\n\n${r.note}`,
          );
          return 0;
        }),
      );
    });
}
