import type { Command } from 'commander';
import { DomainError } from '../../../domain/errors.ts';
import { dataOption, run } from '../../common.ts';
import type { DataOptions } from '../../context.ts';
import { io } from '../../io.ts';
import { deliver, printStatus, readJson } from './shared.ts';

/** `homeward agreement propose FILE --exchange ID`: propose an agreement version to the other signers. */
export function agreementProposeCommand(agreement: Command): Command {
  return agreement
    .command('propose <file>')
    .description(
      'propose an agreement version (JSON, unsigned: parties, mediators, type, categories with predicates, rules, targets, conditions) for a new exchange, and send it to the other signers; every signer’s key must be pinned for the agreement first (homeward package pin … --agreement)',
    )
    .requiredOption('--exchange <id>', 'the exchange it is for')
    .addOption(dataOption())
    .action(async (file: string, o: DataOptions & { exchange: string }) => {
      const { proposeAgreement } = await import('../../../app/exchange/agreements.ts');
      const { withNode } = await import('../../context.ts');
      return run(() =>
        withNode(o, async (node) => {
          const agreement = await readJson(file);
          const s = await node.database
            .transaction((tx) =>
              proposeAgreement(node.as(['coordinator']), tx, { exchangeId: o.exchange, agreement }),
            )
            .catch((e: unknown) => {
              // Say which fields are wrong, one per line, before the one-line error.
              const issues = e instanceof DomainError ? e.details?.issues : undefined;
              if (Array.isArray(issues))
                for (const i of issues as { path?: string; message?: string }[])
                  io().stderr.write(`${file}: ${i.path || '(top)'}: ${i.message}\n`);
              throw e;
            });
          printStatus(s);
          await deliver(node);
          return 0;
        }),
      );
    });
}
