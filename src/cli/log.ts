import type { Command } from 'commander';
import { logAuditCommand } from './commands/log/audit.ts';
import { logCheckpointCommand } from './commands/log/checkpoint.ts';
import { logConsistencyCommand } from './commands/log/consistency.ts';
import { logCosignCommand } from './commands/log/cosign.ts';
import { logProveCommand } from './commands/log/prove.ts';
import { logPublishCommand } from './commands/log/publish.ts';
import { logQuorumCommand } from './commands/log/quorum.ts';
import { logStatusCommand } from './commands/log/status.ts';
import { logVkeyCommand } from './commands/log/vkey.ts';
import { witnessAddCommand } from './commands/log/witness/add.ts';
import { witnessEvidenceCommand } from './commands/log/witness/evidence.ts';
import { witnessListCommand } from './commands/log/witness/list.ts';
import { witnessTrustCommand } from './commands/log/witness/trust.ts';
import { witnessVkeyCommand } from './commands/log/witness/vkey.ts';
import { notarizeCommand } from './commands/notarize.ts';
import { packageAcceptCommand } from './commands/package/accept.ts';
import { packageDeliverCommand } from './commands/package/deliver.ts';
import { packageOutboxCommand } from './commands/package/outbox.ts';
import { packagePeerCommand } from './commands/package/peer.ts';
import { packagePinCommand } from './commands/package/pin.ts';
import { packageVerifyCommand } from './commands/package/verify.ts';

/**
 * `homeward log …` (the node's transparency log: checkpoints, proofs, audit, publication and
 * witnessing), `homeward notarize FILE…` and `homeward package …`. Each command lives in its own file
 * under commands/ and imports its work when it runs. Output is plain text meant for other tools:
 * checkpoints as signed notes, proofs as one base64 hash per line. The order here is the order of
 * `--help`.
 */
export function registerLogCommands(program: Command): Command {
  const log = program.command('log').description("the node's transparency log: checkpoints, proofs, audit");
  for (const add of [
    logCheckpointCommand,
    logVkeyCommand,
    logProveCommand,
    logConsistencyCommand,
    logAuditCommand,
  ])
    add(log);
  notarizeCommand(program);
  const pkg = program.command('package').description('signed packages exchanged with counterparts');
  for (const add of [
    packageVerifyCommand,
    packageAcceptCommand,
    packageDeliverCommand,
    packagePinCommand,
    packagePeerCommand,
    packageOutboxCommand,
  ])
    add(pkg);
  for (const add of [logPublishCommand, logStatusCommand, logQuorumCommand, logCosignCommand]) add(log);
  const witness = log
    .command('witness')
    .description('witness cosignatures: other logs this node cosigns, and the witnesses of this log');
  for (const add of [
    witnessVkeyCommand,
    witnessTrustCommand,
    witnessAddCommand,
    witnessListCommand,
    witnessEvidenceCommand,
  ])
    add(witness);
  return log;
}
