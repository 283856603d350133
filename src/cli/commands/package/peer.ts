import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward package peer NAME URL`: where a peer node listens. */
export function packagePeerCommand(pkg: Command): Command {
  return pkg
    .command('peer')
    .description(
      'where a peer node listens (its name as in its key, its base URL): packages this node shares from its screens are delivered there, in order, and retried until they are',
    )
    .argument('<name>', "the peer node's name, e.g. party-b.example")
    .argument('<url>', 'its base URL, e.g. https://party-b.example')
    .addOption(dataOption())
    .action(async (name: string, url: string, o: DataOptions) => {
      const { setPeer } = await import('../../../app/peers/outbox.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async (node) => {
          const p = await node.database.transaction((tx) => setPeer(node.as(['coordinator']), tx, name, url));
          io().stdout.write(`peer ${p.nodeName} at ${p.url}\n`);
          return 0;
        }),
      );
    });
}
