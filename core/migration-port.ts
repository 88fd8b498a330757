/**
 * What the legacy-key migration needs from a store, split in two: a reader (listing, metadata,
 * values as stored) that a dry run is given and nothing more, so `plan` cannot write by
 * construction; and the writer the job's steps add on top. Values are read and written as the
 * store holds them, text or bytes, so a binary legacy secret is never decoded as text.
 */
import type { DeleteOptions, ListOptions, ListPage, SecretTags } from './port.js';

/** A secret's value as stored: Secrets Manager keeps either a string or bytes, never both. */
export type StoredValue = { readonly text: string } | { readonly bytes: Uint8Array };

/** True when two stored values are the same kind and the same characters or bytes. */
export function sameValue(a: StoredValue, b: StoredValue): boolean {
  if ('text' in a) return 'text' in b && a.text === b.text;
  if (!('bytes' in b) || a.bytes.length !== b.bytes.length) return false;
  return a.bytes.every((byte, i) => byte === b.bytes[i]);
}

/** A secret's metadata, including whether it is scheduled for deletion. */
export interface KeyState {
  /** The secret's tags. */
  readonly tags: SecretTags;
  /** True while the secret is scheduled for deletion (its name is still taken). */
  readonly deleted: boolean;
}

/** The migration's read-only view of the store: the only thing `plan` is handed. */
export interface MigrationReader {
  /** One listing page (as the port's `listPage`). */
  listPage(options: ListOptions): Promise<ListPage>;
  /** The key's tags and deletion state; throws `SecretNotFoundError` when it does not exist at all. */
  inspect(key: string): Promise<KeyState>;
  /**
   * The current value as stored; throws `SecretNotFoundError` when absent or deleted,
   * `AccessDeniedError` when the job may not read or decrypt it.
   */
  readValue(key: string): Promise<StoredValue>;
}

/** The reader plus the writes the job's steps make. */
export interface MigrationStore extends MigrationReader {
  /**
   * Creates `key` holding exactly `value` (text or bytes), tagged `thv:scope=<scope>`, with the
   * scope's resource policy. Never writes over a secret: an existing one (live or scheduled for
   * deletion) throws `ConflictError`.
   */
  createValue(key: string, value: StoredValue, scope: string): Promise<void>;
  /** Adds tags (scope-tag repair, adoption). */
  tag(key: string, tags: SecretTags): Promise<void>;
  /** Attaches the scope's system-secret resource policy (repair). */
  protect(key: string): Promise<void>;
  /** Deletes; `force` skips the recovery window. Throws `SecretNotFoundError` when absent. */
  delete(key: string, options?: DeleteOptions): Promise<void>;
}

/** A reader over `store` that exposes the read calls and nothing else, whatever `store` also holds. */
export function readerOf(store: MigrationReader): MigrationReader {
  return {
    listPage: (options) => store.listPage(options),
    inspect: (key) => store.inspect(key),
    readValue: (key) => store.readValue(key),
  };
}
