/** Writing a file only its owner can read, for secret values (`export --output`). */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.js';

/** Owner read and write, nothing for anyone else. */
const PRIVATE_MODE = 0o600;

/**
 * Writes `text` to a new file at `path`, created 0600 with O_EXCL (`wx`), so the mode holds from the
 * first byte and an existing file or symlink is never followed or truncated. With `replace`, the
 * text goes to a fresh 0600 file beside it that is then renamed over `path`: the old file, whatever
 * its mode, is swapped out whole, never rewritten in place. Errors name the path, never the text.
 */
export async function writePrivateFile(path: string, text: string, replace: boolean): Promise<void> {
  if (!replace) {
    await writeNew(path, text, () => new UsageError(`${path} exists: pass --force to replace it`));
    return;
  }
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeNew(temporary, text, () => new UsageError(`cannot create a temporary file beside ${path}`));
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw cannotWrite(path, error);
  }
}

async function writeNew(path: string, text: string, exists: () => UsageError): Promise<void> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'wx', PRIVATE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw exists();
    throw cannotWrite(path, error);
  }
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } catch (error) {
    await file.close();
    await unlink(path).catch(() => {});
    throw cannotWrite(path, error);
  }
  await file.close();
}

function cannotWrite(path: string, error: unknown): UsageError {
  return new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? 'failed'}`);
}
