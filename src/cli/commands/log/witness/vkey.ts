import type { Command } from 'commander';
import { dataOption, run } from '../../../common.ts';
import type { DataOptions } from '../../../context.ts';
import { io } from '../../../io.ts';

const out = (s: string) => io().stdout.write(s);

/** `homeward log witness vkey`: this node's witness verifier key line. */
export function witnessVkeyCommand(witness: Command): Command {
  return witness
    .command('vkey')
    .description("print this node's witness verifier key line (cosignature/v1, type 0x04)")
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { witnessVerifierKey } = await import('../../../../app/ledger/witness.ts');
      const { withNode } = await import('../../../context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          out(`${await witnessVerifierKey(database.db)}\n`);
          return 0;
        }),
      );
    });
}
