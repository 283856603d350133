import fs from 'node:fs';
import type { Command } from 'commander';
import { MatchInputError, matchFiles, readMatchFile } from '../matching/file-mode.ts';
import { matchDataOption, runMatchNode } from './match-node.ts';

interface MatchFileOptions {
  registry?: string;
  list: string;
  out?: string;
  data?: string;
}

/**
 * `homeward match --registry R.csv --list L.csv --out M.csv`: file mode, no node needed. Bad input
 * ends with one line naming the file, line and column, and exit code 1. The list is counterpart data:
 * an impossible birth date is kept, matched on its year and month, and flagged `impossible_date`. Without --registry the list
 * is matched against the node's registry (`--data DIR` or DATABASE_URL; see match-node.ts).
 */
export function registerMatchCommand(program: Command): void {
  program
    .command('match')
    .description('match a list of persons against a registry, both CSV; writes candidates with reasons')
    .requiredOption('--list <file>', 'CSV list to match: id,family_name,given_name,patronymic,birth_date,…')
    .option(
      '--registry <file>',
      "CSV registry to match against (same columns); without it, the node's registry (CSV or XLSX list)",
    )
    .option(
      '--out <file>',
      'CSV output: list_id,registry_id,rank,score,band,explanation,flags (default: stdout)',
    )
    .addOption(matchDataOption())
    .action(async (o: MatchFileOptions) => {
      process.exitCode = o.registry ? runMatch(o) : await runMatchNode(o);
    });
}

/** The command's work, separate from commander for tests; returns the exit code. */
export function runMatch(
  o: MatchFileOptions,
  stderr: (s: string) => void = (s) => process.stderr.write(s),
): number {
  if (!o.registry) {
    stderr(
      'homeward: match needs --registry FILE (matching against the node database is not available yet)\n',
    );
    return 2;
  }
  try {
    const registry = readMatchFile(fs.readFileSync(o.registry), o.registry);
    const list = readMatchFile(fs.readFileSync(o.list), o.list, 'list');
    const csv = matchFiles(registry, list);
    if (o.out) fs.writeFileSync(o.out, csv);
    else process.stdout.write(csv);
    return 0;
  } catch (e) {
    if (e instanceof MatchInputError) {
      stderr(`homeward: ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') {
      stderr(`homeward: cannot read ${err.path ?? 'a file'}: ${err.code}\n`);
      return 1;
    }
    throw e;
  }
}
