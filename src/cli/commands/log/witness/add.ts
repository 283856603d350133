import type { Command } from 'commander';
import { dataOption, run } from '../../../common.ts';
import type { DataOptions } from '../../../context.ts';
import { io } from '../../../io.ts';

const out = (s: string) => io().stdout.write(s);

/** `homeward log witness add NAME`: a witness of this node's log. */
export function witnessAddCommand(witness: Command): Command {
  return witness
    .command('add')
    .description("ask this witness to cosign this node's checkpoints")
    .argument('<name>', 'a name for the witness (its key name is usual)')
    .requiredOption('--vkey <vkey>', "the witness's verifier key line (cosignature/v1 or Ed25519)")
    .option('--url <url>', 'its submission prefix: add-checkpoint goes to <url>/add-checkpoint')
    .addOption(dataOption())
    .action(async (name: string, o: DataOptions & { vkey: string; url?: string }) => {
      const { addLogWitness } = await import('../../../../app/ledger/log-cosign.ts');
      const { withNode } = await import('../../../context.ts');
      return run(() =>
        withNode(o, async ({ database, as }) => {
          const w = await addLogWitness(database, { name, vkey: o.vkey, url: o.url }, as(['coordinator']));
          out(`witness ${w.name} ${w.url ? `at ${w.url}` : '(no URL: cosignatures cannot be requested)'}\n`);
          return 0;
        }),
      );
    });
}
