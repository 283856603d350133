import { type Command, InvalidArgumentError, Option } from 'commander';
import { isDomainError } from '../domain/errors.ts';
import { isLedgerError } from '../ledger/errors.ts';
import { io } from './io.ts';

/** `--data DIR`, taken by every command that opens the node. */
export const dataOption = () =>
  new Option(
    '--data <dir>',
    'data directory of the embedded database (default: $HOMEWARD_DATA or ./homeward-data; ignored when DATABASE_URL is set)',
  );

/**
 * `--key-file PATH`, beside `--data` on every command that opens the node: the key file sealing the
 * node's signing key (default DIR/node-key for an embedded node; src/app/node/key-file.ts).
 */
export function addKeyFileOptions(command: Command): void {
  for (const c of command.commands) {
    if (c.options.some((o) => o.long === '--data'))
      c.addOption(
        new Option(
          '--key-file <path>',
          "key file (mode 0600) sealing the node's signing key (default: $HOMEWARD_KEY_FILE, else DIR/node-key for the embedded database; or set HOMEWARD_KEY_PASSPHRASE)",
        ),
      );
    addKeyFileOptions(c);
  }
}

export function intArg(name: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** Turn failures into one clear line on stderr and a non-zero exit; never a stack trace for known errors. */
export async function run(fn: () => Promise<number | undefined>): Promise<void> {
  try {
    const code = await fn();
    io().exitCode = typeof code === 'number' ? code : 0;
  } catch (e) {
    if (isDomainError(e) || isLedgerError(e)) {
      io().stderr.write(`homeward: ${e.message} [${e.code}]\n`);
    } else {
      io().stderr.write(`homeward: ${(e as Error).message ?? String(e)}\n`);
      if (io().env.HOMEWARD_DEBUG) io().stderr.write(`${(e as Error).stack}\n`);
    }
    io().exitCode = 1;
  }
}
