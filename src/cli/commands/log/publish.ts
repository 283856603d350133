import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

const out = (s: string) => io().stdout.write(s);

/** `homeward log publish --dir DIR`: write the log as C2SP tlog-tiles. */
export function logPublishCommand(log: Command): Command {
  return log
    .command('publish')
    .description(
      'write the log as C2SP tlog-tiles (checkpoint, tiles, entry bundles) to a directory, incrementally',
    )
    .requiredOption('--dir <dir>', 'directory to write; serve it as the log prefix with any file server')
    .addOption(dataOption())
    .action(async (o: DataOptions & { dir: string }) => {
      const { publishLog } = await import('../../../app/ledger/publish-log.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const r = await publishLog(database, o.dir);
          out(
            `published size ${r.size} (was ${r.previousSize}): ${r.written.length} files written, ${r.removed.length} partial tile sets removed\n`,
          );
          return 0;
        }),
      );
    });
}
