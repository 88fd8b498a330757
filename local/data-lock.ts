/**
 * One broker per data directory. A second `npm start` on the same directory would silently share
 * the first one's store while answering on ports of its own, so it is refused.
 *
 * The lock is one the kernel holds for the process: SQLite's exclusive lock on `broker.lock`, kept
 * for the broker's whole life by a transaction that never ends. SQLite takes it with POSIX advisory
 * locks (fcntl) on Linux and macOS alike, and the kernel drops those when the process's files are
 * closed at exit — before it becomes a zombie — so a broker killed with `kill -9` frees the
 * directory at once, reaped or not. A pid check cannot tell: `kill(pid, 0)` succeeds on a zombie,
 * and reading the state from /proc works on Linux only. The pid in `broker.pid` only names the
 * holder in the refusal; it decides nothing.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PRIVATE_FILE_MODE, restrictFiles } from './private-files.js';

/** The file the lock is held on, inside the data directory (kept: see {@link DataDirLock}). */
export const LOCK_FILE = 'broker.lock';
/** The holder's pid, for the message; present while a broker holds the directory. */
export const PID_FILE = 'broker.pid';

/** How long a start waits for a lock whose holder may be exiting. */
const KILLED_HOLDER_GRACE_MS = 1000;

/** Another live process holds the data directory. */
class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | undefined,
  ) {
    super(
      `another broker${pid === undefined ? '' : ` (pid ${pid})`} is already using the data directory ${dataDir}: ` +
        'stop it, or set BROKER_DATA_DIR to another directory',
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * A held lock; `release` gives it up (once). The lock file itself stays: removing a file another
 * process may have opened to wait for it would let that process lock the removed file while a
 * third locks a new one at the same path.
 */
export interface DataDirLock {
  /** Gives the directory up. */
  release(): void;
}

/** The pid in a pid file, or undefined when it holds none (not written yet, or damaged). */
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

/** An older version's lock: a `broker.lock` of text holding a pid, not a database. */
function isOldLockFile(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_NOTADB';
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
 * An older version's `broker.lock` (text holding its pid) is honoured the old way, by the pid,
 * while that process lives, and moved aside once it is gone; renaming first means that of two
 * brokers seeing it at once only one removes it.
 */
function takeOverOldLock(dataDir: string, file: string): void {
  const pid = holderOf(file);
  if (pid !== undefined && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dataDir, pid);
  const aside = `${file}.old-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  rmSync(aside, { force: true });
}

/**
 * Takes the lock of `dataDir` (which must exist) for this process; throws
 * {@link DataDirLockedError} when another broker, in this process or another, holds it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const pidFile = join(dataDir, PID_FILE);
  const db = new Database(file);
  restrictFiles([file]);
  try {
    // A short wait, not a queue: a broker killed a moment ago keeps the lock until the last of
    // its threads has exited, which takes a while on a loaded machine (`kill -9 … && npm start`).
    // A live holder is still refused after it. The journal is never written (the transaction
    // writes nothing), so no other file appears.
    db.pragma(`busy_timeout = ${KILLED_HOLDER_GRACE_MS}`);
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (isOldLockFile(error)) {
      takeOverOldLock(dataDir, file);
      return lockDataDir(dataDir);
    }
    if ((error as { code?: string }).code === 'SQLITE_BUSY')
      throw new DataDirLockedError(dataDir, holderOf(pidFile));
    throw error;
  }
  // Written whole, then renamed into place, so a refused broker never reads half a pid.
  const own = `${pidFile}.${process.pid}`;
  writeFileSync(own, `${process.pid}\n`, { mode: PRIVATE_FILE_MODE });
  restrictFiles([own]);
  renameSync(own, pidFile);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (holderOf(pidFile) === process.pid) rmSync(pidFile, { force: true });
      db.close();
    },
  };
}
