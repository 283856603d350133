import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward package outbox`: write undelivered packages as files to carry to a peer. */
export function packageOutboxCommand(pkg: Command): Command {
  return pkg
    .command('outbox')
    .description(
      'write the packages not yet delivered to a peer node, in order, as files to carry to it (it accepts them with homeward package accept); --carried records them as delivered',
    )
    .requiredOption('--to <name>', "the peer node's name, e.g. party-b.example")
    .requiredOption('--out-dir <dir>', 'where to write the package files')
    .option('--carried', 'record them as delivered (hand-carried), so they are not sent again', false)
    .addOption(dataOption())
    .action(async (o: DataOptions & { to: string; outDir: string; carried: boolean }) => {
      const { markDelivered, undelivered } = await import('../../../app/peers/outbox.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async (node) => {
          const pending = await undelivered(node.as(['coordinator']), node.database.db, o.to);
          fs.mkdirSync(o.outDir, { recursive: true });
          for (const p of pending) {
            const file = path.join(o.outDir, `${String(p.sequence).padStart(6, '0')}-${p.type}.json`);
            fs.writeFileSync(file, p.bytes);
            io().stdout.write(`${file}\n`);
          }
          if (o.carried)
            await markDelivered(
              node.as(['coordinator']),
              node.database.db,
              o.to,
              pending.map((p) => p.hash),
              'hand-carried',
            );
          io().stdout.write(
            `${pending.length} package(s) for ${o.to}${o.carried && pending.length ? ', recorded as hand-carried' : ''}\n`,
          );
          return 0;
        }),
      );
    });
}
