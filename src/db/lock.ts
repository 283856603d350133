import fs from 'node:fs';
import path from 'node:path';
import { DomainError, ErrorCodes } from '../domain/errors.ts';

const LOCK_NAME = 'homeward.lock';

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take exclusive ownership of a PGlite data directory. Two processes writing one PGlite directory
 * silently lose writes, so a second process is refused with the owner's pid. A lock left by a
 * process that no longer runs is taken over.
 */
export function lockDataDir(dir: string): DataDirLock {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, LOCK_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        // A process opening and closing nodes one after another (in-process CLI runs) keeps no listener.
        process.off('exit', release);
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return { file, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
      if (Number.isFinite(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DomainError(
          ErrorCodes.DATA_DIR_LOCKED,
          `data directory ${dir} is in use by another Homeward process (pid ${owner}); stop it first or use another --data directory`,
          { pid: owner },
        );
      }
      if (owner === process.pid) {
        throw new DomainError(
          ErrorCodes.DATA_DIR_LOCKED,
          `data directory ${dir} is already open in this process (pid ${owner})`,
          {
            pid: owner,
          },
        );
      }
      // Stale lock from a process that died: remove and retry.
      fs.rmSync(file, { force: true });
    }
  }
  throw new DomainError(ErrorCodes.DATA_DIR_LOCKED, `could not lock data directory ${dir}`);
}
