import fs from 'node:fs';
import type { Command } from 'commander';
import { intArg, run } from './common.ts';
import { io } from './io.ts';

/**
 * `homeward bulletin verify FILE`: checks a verifiable public bulletin offline (no node, no database):
 * every count against the disclosed leaves, every stage commitment, the log inclusion proof and the
 * checkpoint's signature and cosignatures, and every stage confirmation package. Exit 0 when all
 * check out, else 1 with one line naming the first thing that failed (all of them with --all).
 */
export function registerBulletinCommands(program: Command): Command {
  const bulletin = program.command('bulletin').description('public bulletins of exchanges');
  bulletin
    .command('verify <file>')
    .description(
      'verify a bulletin.json offline: counts, commitments, signatures, log inclusion (exit 0 or 1)',
    )
    .option('--log-key <vkey>', "the publishing node's verifier key to trust (default: the one in the file)")
    .option('--witness-key <vkey...>', 'witness keys to trust (default: those in the file)')
    .option(
      '--quorum <n>',
      'witness cosignatures required (default: the quorum in the file)',
      intArg('quorum', 0, 16),
    )
    .option('--all', 'list every problem, not only the first', false)
    .action(
      async (file: string, o: { logKey?: string; witnessKey?: string[]; quorum?: number; all: boolean }) => {
        const { verifyVerifiableBulletin } = await import('../app/bulletin-verify.ts');
        return run(async () => {
          let json: unknown;
          try {
            json = JSON.parse(fs.readFileSync(file, 'utf8'));
          } catch (e) {
            io().stdout.write(`FAILED: ${file}: not readable JSON (${(e as Error).message})\n`);
            return 1;
          }
          const r = verifyVerifiableBulletin(json, {
            ...(o.logKey ? { logKey: o.logKey } : {}),
            ...(o.witnessKey ? { witnessKeys: o.witnessKey } : {}),
            ...(o.quorum !== undefined ? { quorum: o.quorum } : {}),
          });
          if (!r.ok) {
            for (const p of o.all ? r.problems : r.problems.slice(0, 1)) io().stdout.write(`FAILED: ${p}\n`);
            return 1;
          }
          io().stdout.write(`OK: ${r.summary}\n`);
          if (!o.logKey || !o.witnessKey) {
            // A file can name any keys: say which were trusted, so a reader compares them with the
            // keys the nodes publish (`homeward log vkey`, /.well-known/homeward-node).
            const named = json as { log?: { key?: string }; signers?: { id?: string; key?: string }[] };
            const keys = [named.log?.key, ...(named.signers ?? []).map((s) => s.key)].filter(Boolean);
            io().stderr.write(
              `note: keys taken from the file, check them against the nodes' published keys or pass --log-key and --witness-key:\n${[...new Set(keys)].map((k) => `  ${k}\n`).join('')}`,
            );
          }
          return 0;
        });
      },
    );
  return program;
}
