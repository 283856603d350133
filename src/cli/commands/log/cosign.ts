import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

const out = (s: string) => io().stdout.write(s);

/** `homeward log cosign`: ask every configured witness to cosign the latest checkpoint. */
export function logCosignCommand(log: Command): Command {
  return log
    .command('cosign')
    .description('ask every configured witness to cosign the latest checkpoint (tlog-witness add-checkpoint)')
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { cosignLatest } = await import('../../../app/ledger/log-cosign.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const r = await cosignLatest(database);
          for (const x of r.outcomes) {
            const detail =
              x.result === 'failed' || x.result === 'skipped' ? `: ${x.reason}` : ` at size ${x.size}`;
            out(`${x.witness}\t${x.result}${detail}\n`);
          }
          out(
            `checkpoint ${r.size}: cosigned by ${r.cosigned_by.length} (${r.cosigned_by.join(', ') || 'none'}), quorum ${r.quorum}: ${r.final ? 'final' : 'not final'}\n`,
          );
          return r.final ? 0 : 3;
        }),
      );
    });
}
