import type { Command } from 'commander';
import { dataOption, intArg, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

const MAX = Number.MAX_SAFE_INTEGER;

/** `homeward log prove`: an inclusion proof, one base64 hash per line. */
export function logProveCommand(log: Command): Command {
  return log
    .command('prove')
    .description('print the leaf hash, then the inclusion proof, one base64 hash per line')
    .requiredOption('--index <i>', 'entry index (from 0)', intArg('--index', 0, MAX))
    .option(
      '--size <n>',
      'tree size to prove against (default: the latest checkpoint)',
      intArg('--size', 1, MAX),
    )
    .addOption(dataOption())
    .action(async (o: DataOptions & { index: number; size?: number }) => {
      const { proveInclusion } = await import('../../../db/ledger.ts');
      const { toBase64 } = await import('../../../ledger/bytes.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const p = await proveInclusion(database.db, o.index, o.size);
          io().stdout.write([p.leafHash, ...p.proof].map((h) => `${toBase64(h)}\n`).join(''));
          return 0;
        }),
      );
    });
}
