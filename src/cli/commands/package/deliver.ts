import type { Command } from 'commander';
import { run } from '../../common.ts';
import { io } from '../../io.ts';
import { readFile } from '../../read-file.ts';

/** `homeward package deliver FILE… --to URL`: post package files to a peer's inbox. */
export function packageDeliverCommand(pkg: Command): Command {
  return pkg
    .command('deliver')
    .description("deliver package files, in order, to a peer node's inbox (POST /api/peer/packages)")
    .argument('<files...>', 'package files, in sequence order')
    .requiredOption('--to <url>', "the peer node's base URL, e.g. https://party-b.example")
    .action(async (files: string[], o: { to: string }) => {
      const { deliverPackage, deliveryLine } = await import('../../deliver.ts');
      return run(async () => {
        const contents = files.map(readFile);
        for (const [i, body] of contents.entries()) {
          const r = await deliverPackage(o.to, body, files[i]!);
          io().stdout.write(deliveryLine(files[i]!, o.to, r));
        }
        return 0;
      });
    });
}
