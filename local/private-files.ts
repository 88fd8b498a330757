/**
 * The local store holds secret values in clear, so its directory and files are the developer's
 * alone: the directory 0700, every file 0600, whatever the umask, and ones an older version left
 * readable by others are tightened when the store opens.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

/** Mode of the data directory: only its owner may list or enter it. */
const PRIVATE_DIR_MODE = 0o700;
/** Mode of every file in it: only its owner may read or write it. */
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (with its parents) when missing, and makes it {@link PRIVATE_DIR_MODE}. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode is reduced by the umask and leaves an existing directory as it was.
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Creates `file` empty when missing, and makes it {@link PRIVATE_FILE_MODE}; created 0600 from the
 * start, it is never readable by others, not even for a moment.
 */
export function makePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}

/** Makes each of `files` that exists {@link PRIVATE_FILE_MODE}; missing ones are skipped. */
export function restrictFiles(files: readonly string[]): void {
  for (const file of files) {
    try {
      chmodSync(file, PRIVATE_FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
