/**
 * One broker per data directory. A second `npm start` on the same directory would silently share
 * the first one's store while answering on ports of its own, so it is refused. The lock is a file
 * that is created exclusively and holds the owner's pid; a lock whose process is gone (a crash, a
 * `kill -9`) is stale and taken over.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE, restrictFiles } from './private-files.js';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'broker.lock';

/** Another live process holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `another broker (pid ${pid}) is already using the data directory ${dataDir}: ` +
        'stop it, or set BROKER_DATA_DIR to another directory',
    );
    this.name = 'DataDirLockedError';
  }
}

/** A held lock; `release` removes it (once, and only while it is still this process's). */
export interface DataDirLock {
  /** Gives the directory up. */
  release(): void;
}

/** The pid in a lock file, or undefined when it holds none (half-written or damaged). */
function holderOf(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** True while process `pid` exists (EPERM: it exists but belongs to another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of `dataDir` (which must exist) for this process; throws
 * {@link DataDirLockedError} when a live process holds it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  // The pid is written to a file of this process first, then linked into place: link fails when
  // the lock exists (as O_EXCL does), and a lock that exists always holds its whole pid.
  const own = `${file}.${process.pid}`;
  writeFileSync(own, `${process.pid}\n`, { mode: PRIVATE_FILE_MODE });
  restrictFiles([own]);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(own, file);
        return heldLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = holderOf(file);
      if (holder !== undefined && isAlive(holder)) throw new DataDirLockedError(dataDir, holder);
      // Stale. Renaming first means two processes that both saw it stale cannot both remove a
      // fresh lock: only one rename of this file succeeds, the other retries and finds the new one.
      const aside = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, aside);
        rmSync(aside, { force: true });
      } catch {
        // another process took it over first; try again
      }
    }
  } finally {
    rmSync(own, { force: true });
  }
  throw new Error(`could not take the lock ${file}: it keeps changing hands`);
}

function heldLock(file: string): DataDirLock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (holderOf(file) === process.pid) rmSync(file, { force: true });
    },
  };
}
