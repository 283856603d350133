/**
 * Why a backup, restore or move was refused. Messages never quote the file's contents, a
 * passphrase or a connection password.
 */
export const BackupErrorCodes = {
  /** No passphrase given, or it is too short for a new backup. */
  PASSPHRASE: 'BACKUP_PASSPHRASE',
  /** The passphrase does not open the file (or the file's header is damaged). */
  WRONG_PASSPHRASE: 'BACKUP_WRONG_PASSPHRASE',
  /** The file is not an age file encrypted to a passphrase, or not a Homeward backup inside. */
  NOT_A_BACKUP: 'BACKUP_NOT_A_BACKUP',
  /** A Homeward backup of a format version this code does not read. */
  UNSUPPORTED_VERSION: 'BACKUP_UNSUPPORTED_VERSION',
  /** An encrypted part failed authentication before the end of the file. */
  DAMAGED: 'BACKUP_DAMAGED',
  /** The file ends early (cut off), or its last encrypted part is damaged. */
  TRUNCATED: 'BACKUP_TRUNCATED',
  /** Decrypted, but its contents disagree with its manifest (a bug, never an attacker: age authenticates). */
  INCONSISTENT: 'BACKUP_INCONSISTENT',
  /** The backup was made by newer code: its schema has migrations this code does not know. */
  NEWER_SCHEMA: 'BACKUP_NEWER_SCHEMA',
  /** The restore or move target already holds data. */
  TARGET_NOT_EMPTY: 'BACKUP_TARGET_NOT_EMPTY',
  /** There is no node where the source was named. */
  NO_NODE: 'BACKUP_NO_NODE',
  /** The embedded node is running; stop it first (move) or it must answer on its socket (backup). */
  NODE_RUNNING: 'BACKUP_NODE_RUNNING',
  /** The output file exists already. */
  OUTPUT_EXISTS: 'BACKUP_OUTPUT_EXISTS',
} as const;

export type BackupErrorCode = (typeof BackupErrorCodes)[keyof typeof BackupErrorCodes];

export class BackupError extends Error {
  readonly code: BackupErrorCode;
  constructor(code: BackupErrorCode, message: string) {
    super(message);
    this.name = 'BackupError';
    this.code = code;
  }
}

export function isBackupError(e: unknown): e is BackupError {
  return e instanceof BackupError;
}
