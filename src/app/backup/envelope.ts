import fs from 'node:fs';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Decrypter, Encrypter, type Identity } from 'age-encryption';
import { BackupError, BackupErrorCodes } from './errors.ts';

/**
 * The backup file: the plaintext lines, gzip-compressed, then encrypted with age
 * (age-encryption.org/v1, the `age-encryption` library by age's author) to a passphrase (scrypt
 * recipient). age authenticates the header and every 64 KiB chunk of the payload and marks the
 * last one, so a changed, reordered or cut-off byte is found; `age -d` decrypts it too.
 */

/** The shortest passphrase accepted for a new backup. */
export const MIN_PASSPHRASE_LENGTH = 16;
/** age's default scrypt cost (2^18): about 2 s to try one passphrase. */
export const DEFAULT_SCRYPT_LOG_N = 18;
/** Test suites only (see enableCheapBackupKeysForTests): 2^10. */
const TEST_SCRYPT_LOG_N = 10;
let scryptLogN = DEFAULT_SCRYPT_LOG_N;

/**
 * Derive backup keys cheaply, for test suites that write and open many backups. Refused unless the
 * process runs under Vitest, so no node can weaken its backups by accident. Opening is unchanged:
 * each file names its own cost.
 */
export function enableCheapBackupKeysForTests(): void {
  if (!process.env.VITEST) throw new Error('cheap backup keys are for test suites only');
  scryptLogN = TEST_SCRYPT_LOG_N;
}

const AGE_MAGIC = 'age-encryption.org/v1\n';
const CHUNK = 64 * 1024 + 16;

/**
 * The passphrase from `--passphrase-file FILE` (its first line) or HOMEWARD_BACKUP_PASSPHRASE;
 * never from the command line. A new backup needs at least MIN_PASSPHRASE_LENGTH characters.
 */
export function readPassphrase(
  opts: { passphraseFile?: string | undefined },
  env: NodeJS.ProcessEnv,
  purpose: 'encrypt' | 'decrypt',
): string {
  let passphrase: string | undefined;
  if (opts.passphraseFile) {
    try {
      passphrase = fs.readFileSync(opts.passphraseFile, 'utf8').split(/\r?\n/)[0];
    } catch (e) {
      throw new BackupError(
        BackupErrorCodes.PASSPHRASE,
        `cannot read the passphrase file: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  } else {
    passphrase = env.HOMEWARD_BACKUP_PASSPHRASE;
  }
  if (!passphrase)
    throw new BackupError(
      BackupErrorCodes.PASSPHRASE,
      'no passphrase: give --passphrase-file FILE or set HOMEWARD_BACKUP_PASSPHRASE',
    );
  if (purpose === 'encrypt' && [...passphrase].length < MIN_PASSPHRASE_LENGTH)
    throw new BackupError(
      BackupErrorCodes.PASSPHRASE,
      `the passphrase is too short: a backup needs at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
  return passphrase;
}

/**
 * Write `lines` to `out`, compressed and encrypted, mode 0600. The file appears whole or not at
 * all: it is written beside `out` and renamed once complete; an existing `out` is refused.
 */
export async function writeEncrypted(
  lines: AsyncIterable<string>,
  out: string,
  passphrase: string,
  opts: { scryptLogN?: number } = {},
): Promise<number> {
  if (fs.existsSync(out))
    throw new BackupError(BackupErrorCodes.OUTPUT_EXISTS, `${out} exists; choose another file name`);
  const tmp = `${out}.partial-${process.pid}`;
  const encrypter = new Encrypter();
  encrypter.setPassphrase(passphrase);
  encrypter.setScryptWorkFactor(opts.scryptLogN ?? scryptLogN);
  const gzip = zlib.createGzip();
  const plaintext = pipeline(
    Readable.from(
      (async function* () {
        for await (const line of lines) yield Buffer.from(`${line}\n`, 'utf8');
      })(),
    ),
    gzip,
  );
  try {
    const encrypted = await encrypter.encrypt(Readable.toWeb(gzip) as ReadableStream<Uint8Array>);
    await Promise.all([
      plaintext,
      pipeline(
        Readable.fromWeb(encrypted as import('node:stream/web').ReadableStream<Uint8Array>),
        fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 }),
      ),
    ]);
    fs.renameSync(tmp, out);
    return fs.statSync(out).size;
  } catch (e) {
    gzip.destroy();
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export interface OpenedBackup {
  /** The decrypted lines; each call reads the file again (memory stays bounded). */
  lines(): AsyncGenerator<string>;
}

/**
 * Open a backup file: check it is an age file encrypted to a passphrase and that the passphrase
 * opens it (one scrypt derivation; both reading passes reuse the file key it unwraps).
 */
export async function openEncrypted(file: string, passphrase: string): Promise<OpenedBackup> {
  let size: number;
  let head: Buffer;
  try {
    size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(Math.min(size, 64 * 1024));
      fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw new BackupError(
      BackupErrorCodes.NO_NODE,
      `cannot read the backup file: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  if (!head.subarray(0, AGE_MAGIC.length).equals(Buffer.from(AGE_MAGIC)))
    throw new BackupError(
      BackupErrorCodes.NOT_A_BACKUP,
      'this file is not a Homeward backup (it is not an age-encrypted file)',
    );
  const macAt = head.indexOf('\n---');
  const headerEnd = macAt < 0 ? -1 : head.indexOf('\n', macAt + 1);
  if (headerEnd < 0)
    throw new BackupError(
      size < head.length || size <= 64 * 1024 ? BackupErrorCodes.TRUNCATED : BackupErrorCodes.DAMAGED,
      'the backup file is cut off or damaged in its header',
    );
  const headerSize = headerEnd + 1;
  const header = head.subarray(0, headerSize);
  const stanzas = header
    .toString('latin1')
    .split('\n')
    .filter((l) => l.startsWith('-> '));
  if (stanzas.length !== 1 || !stanzas[0]!.startsWith('-> scrypt '))
    throw new BackupError(
      BackupErrorCodes.NOT_A_BACKUP,
      'this file is not a Homeward backup (it is age-encrypted to a key, not to a passphrase)',
    );
  const payload = size - headerSize - 16;
  if (payload < 16 || (payload % CHUNK > 0 && payload % CHUNK <= 16))
    throw new BackupError(
      BackupErrorCodes.TRUNCATED,
      'the backup file is cut off: it ends before its last part',
    );

  let fileKey: Uint8Array;
  try {
    const d = new Decrypter();
    d.addPassphrase(passphrase);
    fileKey = await d.decryptHeader(new Uint8Array(header));
  } catch (e) {
    const message = (e as Error).message ?? '';
    if (message.includes('no identity matched'))
      throw new BackupError(
        BackupErrorCodes.WRONG_PASSPHRASE,
        'wrong passphrase: it does not open this backup (or the passphrase part of its header is damaged)',
      );
    throw new BackupError(BackupErrorCodes.DAMAGED, 'the backup file is damaged in its header');
  }
  // The key unwrapped above, for this file only; age still checks the header's MAC with it.
  const identity: Identity = { unwrapFileKey: () => fileKey };

  return {
    async *lines() {
      const state = { sourceDone: false };
      const d = new Decrypter();
      d.addIdentity(identity);
      const plaintext = await d.decrypt(chunkedFile(file, headerSize, state));
      const gunzip = zlib.createGunzip();
      const decrypted = Readable.fromWeb(plaintext as import('node:stream/web').ReadableStream<Uint8Array>);
      const piped = pipeline(decrypted, gunzip).catch((e: unknown) => {
        gunzip.destroy(classifyPayloadError(e, state.sourceDone));
      });
      const rl = readline.createInterface({ input: gunzip, crlfDelay: Number.POSITIVE_INFINITY });
      try {
        for await (const line of rl) yield line;
      } catch (e) {
        throw e instanceof BackupError ? e : classifyPayloadError(e, state.sourceDone);
      } finally {
        rl.close();
        decrypted.destroy();
        gunzip.destroy();
        await piped;
      }
    },
  };
}

function classifyPayloadError(e: unknown, sourceDone: boolean): BackupError {
  if (e instanceof BackupError) return e;
  if ((e as NodeJS.ErrnoException)?.code?.startsWith?.('Z_'))
    return new BackupError(
      BackupErrorCodes.NOT_A_BACKUP,
      'this file is not a Homeward backup (not compressed as one)',
    );
  return sourceDone
    ? new BackupError(
        BackupErrorCodes.TRUNCATED,
        'the backup file is cut off (it ends before its last part) or its last part is damaged',
      )
    : new BackupError(
        BackupErrorCodes.DAMAGED,
        'the backup file is damaged: a part of it fails authentication',
      );
}

/**
 * The file as a stream of pieces aligned on age's chunks, read only when asked for: when the
 * source has been read to its end before decryption fails, the failure is at the end of the file.
 */
function chunkedFile(
  file: string,
  headerSize: number,
  state: { sourceDone: boolean },
): ReadableStream<Uint8Array> {
  let fd: number | undefined;
  let position = 0;
  return new ReadableStream<Uint8Array>(
    {
      start() {
        fd = fs.openSync(file, 'r');
      },
      pull(controller) {
        const want = position === 0 ? headerSize + 16 : CHUNK;
        const buf = Buffer.alloc(want);
        const n = fs.readSync(fd!, buf, 0, want, position);
        position += n;
        if (n > 0) controller.enqueue(new Uint8Array(buf.buffer, buf.byteOffset, n));
        if (n < want) {
          state.sourceDone = true;
          fs.closeSync(fd!);
          fd = undefined;
          controller.close();
        }
      },
      cancel() {
        if (fd !== undefined) fs.closeSync(fd);
        fd = undefined;
      },
    },
    { highWaterMark: 0 },
  );
}
