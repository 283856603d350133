import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { deliver, printStatus } from './shared.ts';

/** `homeward agreement sign --exchange ID [--hash H]`: sign the proposed version. */
export function agreementSignCommand(agreement: Command): Command {
  return agreement
    .command('sign')
    .description(
      "sign the proposed version (or --hash) as this node's signer, with its key, and send the signature; the exchange starts once every signature is held",
    )
    .requiredOption('--exchange <id>', 'the exchange')
    .option('--hash <sha256>', 'the version to sign (default: the latest proposed)')
    .addOption(dataOption())
    .action(async (o: DataOptions & { exchange: string; hash?: string }) => {
      const { signAgreementVersion } = await import('../../../app/exchange/agreements.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async (node) => {
          const s = await node.database.transaction((tx) =>
            signAgreementVersion(node.as(['coordinator']), tx, o.exchange, o.hash),
          );
          printStatus(s);
          await deliver(node);
          return 0;
        }),
      );
    });
}
