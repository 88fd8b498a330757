/**
 * The user provider: plain keys only. Every reserved key is refused before storage is touched,
 * and listings never show one.
 */
import { type KeyPage, listFiltered, type PageRequest } from './listing.js';
import { assertUserKey, isReserved } from './namespace.js';
import type { BulkDeleteResult, PutResult, SecretStore, StoredSecret } from './port.js';
import { assertValueSize } from './value.js';

/** Options of a user write. */
export interface SetOptions {
  /** Description to store with the secret. */
  readonly description?: string;
  /** Idempotency token. */
  readonly requestToken?: string;
}

/** User-facing secret operations over a {@link SecretStore}. */
export class UserProvider {
  constructor(private readonly store: SecretStore) {}

  /** Reads a user secret. */
  async get(key: string): Promise<StoredSecret> {
    assertUserKey(key);
    return this.store.get(key);
  }

  /** Creates or updates a user secret. */
  async set(key: string, value: string, options: SetOptions = {}): Promise<PutResult> {
    assertUserKey(key);
    assertValueSize(value);
    return this.store.put(key, value, options);
  }

  /** Deletes a user secret (with the store's recovery window). */
  async delete(key: string): Promise<void> {
    assertUserKey(key);
    await this.store.delete(key);
  }

  /** Lists user keys, one page at a time; reserved keys never appear. */
  async list(options: PageRequest = {}): Promise<KeyPage> {
    return listFiltered(this.store, { ...options, keep: (key) => !isReserved(key) });
  }

  /**
   * Deletes several user secrets. All-or-nothing on validation: one reserved or invalid key
   * refuses the whole batch before anything is deleted.
   */
  async deleteMany(keys: readonly string[]): Promise<BulkDeleteResult> {
    for (const key of keys) assertUserKey(key);
    return this.store.deleteMany(keys);
  }
}
