import fs from 'node:fs';
import type { Command } from 'commander';
import { dataOption, intArg, run } from './common.ts';
import type { DataOptions } from './context.ts';
import { io } from './io.ts';

const out = (s: string) => io().stdout.write(s);

/**
 * Publication and witnessing under `homeward log`: `publish` (tlog-tiles to a directory), `witness …`
 * (this node cosigning other logs, and the witnesses of this node's log), `quorum`, `cosign`, `status`.
 */
export function registerWitnessCommands(log: Command): void {
  log
    .command('publish')
    .description(
      'write the log as C2SP tlog-tiles (checkpoint, tiles, entry bundles) to a directory, incrementally',
    )
    .requiredOption('--dir <dir>', 'directory to write; serve it as the log prefix with any file server')
    .addOption(dataOption())
    .action(async (o: DataOptions & { dir: string }) => {
      const { publishLog } = await import('../app/ledger/publish-log.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const r = await publishLog(database, o.dir);
          out(
            `published size ${r.size} (was ${r.previousSize}): ${r.written.length} files written, ${r.removed.length} partial tile sets removed\n`,
          );
          return 0;
        }),
      );
    });

  log
    .command('status')
    .description('latest checkpoint size, which witnesses cosigned it and whether it is final (JSON)')
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { logStatus } = await import('../app/ledger/log-cosign.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          out(`${JSON.stringify(await logStatus(database.db), null, 2)}\n`);
          return 0;
        }),
      );
    });

  log
    .command('quorum')
    .description('how many configured witnesses must cosign a checkpoint before it is final')
    .argument('<k>', 'number of witnesses', intArg('K', 0, 1000))
    .addOption(dataOption())
    .action(async (k: number, o: DataOptions) => {
      const { listLogWitnesses, setWitnessQuorum } = await import('../app/ledger/log-cosign.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database, as }) => {
          await setWitnessQuorum(database, k, as(['coordinator']));
          const witnesses = await listLogWitnesses(database.db);
          out(`quorum set to ${k} of ${witnesses.length} configured witnesses\n`);
          if (k > witnesses.length)
            io().stderr.write(
              `warning: fewer than ${k} witnesses are configured; no checkpoint can be final\n`,
            );
          return 0;
        }),
      );
    });

  log
    .command('cosign')
    .description('ask every configured witness to cosign the latest checkpoint (tlog-witness add-checkpoint)')
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { cosignLatest } = await import('../app/ledger/log-cosign.ts');
      const { withNode } = await import('./context.ts');
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

  const witness = log
    .command('witness')
    .description('witness cosignatures: other logs this node cosigns, and the witnesses of this log');

  witness
    .command('vkey')
    .description("print this node's witness verifier key line (cosignature/v1, type 0x04)")
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { witnessVerifierKey } = await import('../app/ledger/witness.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          out(`${await witnessVerifierKey(database.db)}\n`);
          return 0;
        }),
      );
    });

  witness
    .command('trust')
    .description('witness a log: cosign its checkpoints at POST /log/witness/add-checkpoint when consistent')
    .requiredOption('--vkey <vkey>', "the log's Ed25519 verifier key line (name+keyid+base64)")
    .option('--origin <origin>', "the log's checkpoint origin (default: the key's name)")
    .option('--checkpoint <file>', 'a signed checkpoint of that log to start from (default: size 0)')
    .addOption(dataOption())
    .action(async (o: DataOptions & { vkey: string; origin?: string; checkpoint?: string }) => {
      const { trustLog } = await import('../app/ledger/witness.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database, as }) => {
          const checkpoint = o.checkpoint === undefined ? undefined : fs.readFileSync(o.checkpoint, 'utf8');
          const w = await trustLog(
            database,
            { vkey: o.vkey, origin: o.origin, checkpoint },
            as(['coordinator']),
          );
          out(`witnessing ${w.origin} from size ${w.size}\n`);
          return 0;
        }),
      );
    });

  witness
    .command('add')
    .description("ask this witness to cosign this node's checkpoints")
    .argument('<name>', 'a name for the witness (its key name is usual)')
    .requiredOption('--vkey <vkey>', "the witness's verifier key line (cosignature/v1 or Ed25519)")
    .option('--url <url>', 'its submission prefix: add-checkpoint goes to <url>/add-checkpoint')
    .addOption(dataOption())
    .action(async (name: string, o: DataOptions & { vkey: string; url?: string }) => {
      const { addLogWitness } = await import('../app/ledger/log-cosign.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database, as }) => {
          const w = await addLogWitness(database, { name, vkey: o.vkey, url: o.url }, as(['coordinator']));
          out(`witness ${w.name} ${w.url ? `at ${w.url}` : '(no URL: cosignatures cannot be requested)'}\n`);
          return 0;
        }),
      );
    });

  witness
    .command('list')
    .description("the witnesses of this node's log, and the logs this node witnesses")
    .addOption(dataOption())
    .action(async (o: DataOptions) => {
      const { listLogWitnesses } = await import('../app/ledger/log-cosign.ts');
      const { listWitnessedLogs } = await import('../app/ledger/witness.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          for (const w of await listLogWitnesses(database.db))
            out(`witness\t${w.name}\t${w.url ?? '-'}\t${w.vkey}\n`);
          for (const l of await listWitnessedLogs(database.db))
            out(`witnessing\t${l.origin}\t${l.size}\t${l.vkey}\n`);
          return 0;
        }),
      );
    });

  witness
    .command('evidence')
    .description(
      'requests a witnessed log signed but this node refused as a fork or inconsistent (proof of misbehaviour)',
    )
    .option('--origin <origin>', 'only this log')
    .option('--show <id>', 'print the request of this id verbatim, then the checkpoint it contradicted')
    .addOption(dataOption())
    .action(async (o: DataOptions & { origin?: string; show?: string }) => {
      const { listWitnessEvidence } = await import('../app/ledger/witness.ts');
      const { withNode } = await import('./context.ts');
      return run(() =>
        withNode(o, async ({ database }) => {
          const all = await listWitnessEvidence(database.db, o.origin);
          if (o.show !== undefined) {
            const e = all.find((x) => String(x.id) === o.show);
            if (!e) throw new Error(`no evidence with id ${o.show}`);
            out(`${Buffer.from(e.request).toString('utf8')}\n${e.recordedCheckpoint ?? ''}`);
            return 0;
          }
          for (const e of all)
            out(
              `${e.id}\t${e.createdAt.toISOString()}\t${e.origin}\t${e.reason}\trecorded size ${e.recordedSize}\n`,
            );
          return 0;
        }),
      );
    });
}
