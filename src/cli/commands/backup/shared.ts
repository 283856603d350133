import { io } from '../../io.ts';

export const passphraseHelp =
  'file whose first line is the passphrase (else $HOMEWARD_BACKUP_PASSPHRASE; never on the command line)';

/** A refused backup, restore or move: one line with its code, exit 1. */
export async function guarded(
  fn: (ctx: typeof import('../../context.ts')) => Promise<number | undefined>,
): Promise<number | undefined> {
  const { isBackupError } = await import('../../../app/backup/errors.ts');
  try {
    return await fn(await import('../../context.ts'));
  } catch (e) {
    if (!isBackupError(e)) throw e;
    io().stderr.write(`homeward: ${e.message} [${e.code}]\n`);
    return 1;
  }
}
