import type { Command } from 'commander';
import { dataOption, intArg, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

const MAX = Number.MAX_SAFE_INTEGER;

/** `homeward log consistency`: a consistency proof, one base64 hash per line. */
export function logConsistencyCommand(log: Command): Command {
  return log
    .command('consistency')
    .description('print the consistency proof from tree size M to N, one base64 hash per line')
    .requiredOption('--from <m>', 'the earlier tree size', intArg('--from', 0, MAX))
    .option('--to <n>', 'the later tree size (default: the latest checkpoint)', intArg('--to', 0, MAX))
    .addOption(dataOption())
    .action(async (o: DataOptions & { from: number; to?: number }) => {
      const { latestCheckpoint, proveConsistency } = await import('../../../db/ledger.ts');
      const { toBase64 } = await import('../../../ledger/bytes.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const to = o.to ?? (await latestCheckpoint(database.db))?.size ?? 0;
          const proof = await proveConsistency(database.db, o.from, to);
          io().stdout.write(proof.map((h) => `${toBase64(h)}\n`).join(''));
          return 0;
        }),
      );
    });
}
