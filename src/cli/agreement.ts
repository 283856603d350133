import type { Command } from 'commander';
import { agreementProposeCommand } from './commands/agreement/propose.ts';
import { agreementSignCommand } from './commands/agreement/sign.ts';
import { agreementStatusCommand } from './commands/agreement/status.ts';

/**
 * `homeward agreement propose FILE --exchange ID`, `agreement sign --exchange ID [--hash H]`,
 * `agreement status --exchange ID`: agreeing on a version between the signers' nodes
 * (src/app/exchange/agreements.ts). Packages go to the peers this node knows (`homeward package peer`).
 */
export function registerAgreementCommands(program: Command): void {
  const agreement = program
    .command('agreement')
    .description("agree on an exchange's agreement with the other signers' nodes, as signed packages");
  for (const add of [agreementProposeCommand, agreementSignCommand, agreementStatusCommand]) add(agreement);
}
