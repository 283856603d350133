import fs from 'node:fs';
import { MatchInputError, matchFiles, readMatchFile } from '../io/match-file-mode.ts';
import { io } from './io.ts';

export interface MatchFileOptions {
  registry?: string;
  list: string;
  out?: string;
  data?: string;
}

/** The command's work, separate from commander for tests; returns the exit code. */
export function runMatch(
  o: MatchFileOptions,
  stderr: (s: string) => void = (s) => io().stderr.write(s),
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
    else io().stdout.write(csv);
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
