import { Command } from 'commander';
import { registerAgreementCommands } from './agreement.ts';
import { registerBackupCommands } from './backup.ts';
import { registerBulletinCommands } from './bulletin.ts';
import { addKeyFileOptions } from './common.ts';
import { registerDemoCommand } from './demo.ts';
import { registerInitCommand } from './init.ts';
import { io } from './io.ts';
import { registerKeyCommands } from './key.ts';
import { registerListCommands } from './list-commands.ts';
import { registerLogCommands } from './log.ts';
import { registerMatchCommand } from './match.ts';
import { registerDedupCommand } from './match-node-commands.ts';
import { registerPersonsCommands } from './persons.ts';
import { registerReportCommand } from './report.ts';
import { registerServeCommand } from './serve.ts';
import { registerUserCommands } from './user.ts';

export interface CliOptions {
  /**
   * Throw commander's errors (and --help) as CommanderError instead of exiting the process: for
   * running the CLI in-process (testing.ts).
   */
  exitOverride?: boolean;
}

/**
 * The `homeward` command tree. Building it loads only commander and the registration code: each
 * command imports what it needs when it runs, so `homeward --help` answers at once. No side effects.
 */
export function buildCli(opts: CliOptions = {}): Command {
  const program = new Command('homeward')
    .description('Homeward node: registry of missing and captured persons, exchanges and tracing')
    .configureOutput({
      writeOut: (s) => io().stdout.write(s),
      writeErr: (s) => io().stderr.write(s),
    })
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nDatabase: embedded PGlite in --data DIR, or PostgreSQL when DATABASE_URL is set.\nDocs: README.md; API docs at /api/docs on a running node.',
    );
  // Set before any subcommand exists: commander copies these settings into each one it creates.
  if (opts.exitOverride) program.exitOverride();

  registerServeCommand(program);
  registerInitCommand(program);
  registerUserCommands(program);
  registerPersonsCommands(program);
  registerDemoCommand(program);
  registerMatchCommand(program);
  registerDedupCommand(program);
  registerLogCommands(program);
  registerListCommands(program);
  registerAgreementCommands(program);
  registerBulletinCommands(program);
  registerReportCommand(program);
  registerBackupCommands(program);
  registerKeyCommands(program);
  addKeyFileOptions(program);
  return program;
}
