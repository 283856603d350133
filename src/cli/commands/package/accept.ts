import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';
import { readFile } from '../../read-file.ts';

/** `homeward package accept FILE…`: accept package files in order, all or none, then apply them. */
export function packageAcceptCommand(pkg: Command): Command {
  return pkg
    .command('accept')
    .description('verify package files and accept them in order, all or none; each is recorded in the log')
    .argument('<files...>', 'package files, in sequence order')
    .addOption(dataOption())
    .action(async (files: string[], o: DataOptions) => {
      const { applyPendingPackages } = await import('../../../app/peers/inbox.ts');
      const { acceptPackages } = await import('../../../app/peers/packages.ts');
      const { withNode } = await import('../../context.ts');
      return run(async () => {
        const contents = files.map(readFile);
        return withNode(o, async (node) => {
          const ctx = node.as(['coordinator']);
          const accepted = await node.database.transaction((tx) => acceptPackages(ctx, tx, contents));
          // Then their content, each in a transaction of its own (src/app/peers/inbox.ts).
          const applied = new Map(
            (await applyPendingPackages(node.database, node.system('apply-package'))).map((a) => [
              a.logIndex,
              a,
            ]),
          );
          for (const a of accepted) {
            const x = applied.get(a.logIndex);
            const how = !x
              ? 'pending'
              : x.status === 'refused'
                ? `refused: ${x.message} [${x.code}]`
                : x.status;
            io().stdout.write(
              `${a.logIndex}\t${a.header.type}\t${a.header.sender}\t${a.header.sequence}\t${how}\n`,
            );
          }
          return 0;
        });
      });
    });
}
