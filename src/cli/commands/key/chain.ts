import type { Command } from 'commander';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';

/** `homeward key chain`: the chain of this node's rotation notes. */
export function keyChainCommand(key: Command): Command {
  return key
    .command('chain')
    .description(
      "print the node's key rotation notes in order, each followed by an empty line; --json: what GET /log/keys serves (for `key follow FILE`)",
    )
    .option('--json', 'the JSON of GET /log/keys', false)
    .addOption(dataOption())
    .action(async (o: DataOptions & { json: boolean }) => {
      const { loadKeyChain } = await import('../../../db/key-chain.ts');
      const { formatVerifierKey } = await import('../../../ledger/keys.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const chain = await loadKeyChain(database.db);
          const notes = chain.rotations.map((r) => r.note);
          if (o.json) {
            const current = chain.keys[chain.keys.length - 1]!;
            const body = { origin: current.name, current: formatVerifierKey(current), rotations: notes };
            io().stdout.write(`${JSON.stringify(body)}\n`);
          } else {
            for (const note of notes) io().stdout.write(`${note}\n`);
          }
          return 0;
        }),
      );
    });
}
