/**
 * The user provider: plain keys only. Every reserved key is refused before storage is touched,
 * and listings never show one. While the legacy migration is pending, every name the legacy
 * prefix table maps to a scope is held too (docs/design.md §5): such a bare key is a system secret under a
 * user-looking name until the migration moves it.
 */
import { requireAll } from './bulk.js';
import { PendingMigrationKeyError } from './errors.js';
import { type KeyPage, listFiltered, type PageRequest } from './listing.js';
import {
  assertUserKey,
  DEFAULT_LEGACY_PREFIXES,
  isReserved,
  keyProblem,
  type LegacyPrefix,
  legacyScopeOf,
  OWNER_TAG,
  USER_OWNER,
} from './namespace.js';
import type { BulkDeleteResult, PutResult, SecretStore, SecretSummary, StoredSecret } from './port.js';
import { RefusalsAsMissingStore } from './refusals-as-missing.js';
import { assertValueSize } from './value.js';
import type { SecretVersionRef } from './versions.js';

/** The tag every user secret carries; restores and listings ask the store for it. */
const USER_TAG = { key: OWNER_TAG, value: USER_OWNER } as const;

/** Options of a user write. */
export interface SetOptions {
  /** Description to store with the secret. */
  readonly description?: string;
  /** Idempotency token. */
  readonly requestToken?: string;
}

/** Options of a user provider. */
export interface UserProviderOptions {
  /**
   * Legacy prefix table: the names it matches are held while the migration is pending.
   * @default DEFAULT_LEGACY_PREFIXES
   */
  readonly legacyPrefixes?: readonly LegacyPrefix[];
  /**
   * Tells whether the legacy migration has finished.
   * @default a function that answers false: legacy names stay held
   */
  readonly isMigrated?: () => Promise<boolean>;
}

/** True when a listing row is a user secret as the broker writes them: a valid user key tagged `thv:owner=user`. */
function isUserRow(item: SecretSummary): boolean {
  return !isReserved(item.key) && keyProblem(item.key) === undefined && item.tags?.[OWNER_TAG] === USER_OWNER;
}

/** User-facing secret operations over a {@link SecretStore}. */
export class UserProvider {
  private readonly store: SecretStore;
  private readonly legacyPrefixes: readonly LegacyPrefix[];
  private readonly isMigrated: () => Promise<boolean>;

  constructor(store: SecretStore, options: UserProviderOptions = {}) {
    // The user role is tag-conditioned: what it is refused does not exist for a user (docs/design.md §3).
    this.store = new RefusalsAsMissingStore(store);
    this.legacyPrefixes = options.legacyPrefixes ?? DEFAULT_LEGACY_PREFIXES;
    this.isMigrated = options.isMigrated ?? (async () => false);
  }

  /** Reads a user secret. */
  async get(key: string): Promise<StoredSecret> {
    await this.assertOpen(key);
    return this.store.get(key);
  }

  /**
   * Reads several user secrets with one batch read of the store. All-or-nothing: every key is
   * judged before the store is asked, and one reserved, held, invalid or missing key fails the
   * whole read (the first such key, in request order), so no value ever comes back beside a refusal.
   */
  async getMany(keys: readonly string[]): Promise<StoredSecret[]> {
    // The flag is read at most once per batch, however many legacy names it holds.
    let migrated: Promise<boolean> | undefined;
    const once = () => {
      migrated ??= this.isMigrated();
      return migrated;
    };
    for (const key of keys) await this.assertOpen(key, once);
    return requireAll(keys, await this.store.getMany(keys));
  }

  /** Creates or updates a user secret. */
  async set(key: string, value: string, options: SetOptions = {}): Promise<PutResult> {
    await this.assertOpen(key);
    assertValueSize(value);
    return this.store.put(key, value, options);
  }

  /** Deletes a user secret (with the store's recovery window). */
  async delete(key: string): Promise<void> {
    await this.assertOpen(key);
    await this.store.delete(key);
  }

  /** Reads an earlier value of a user secret: the previous one, or one by version id. */
  async getVersion(key: string, version: SecretVersionRef): Promise<StoredSecret> {
    await this.assertOpen(key);
    return this.store.getVersion(key, version);
  }

  /** Restores a deleted user secret (only one tagged as a user secret, as the listing shows them). */
  async restore(key: string): Promise<void> {
    await this.assertOpen(key);
    await this.store.restore(key, { tag: USER_TAG });
  }

  /** Lists user keys, one page at a time; reserved keys and (while pending) legacy names never appear. */
  async list(options: PageRequest = {}): Promise<KeyPage> {
    return this.listWhere(options, false);
  }

  /** Lists deleted user keys with when they were deleted and will be purged; the same keys are hidden as in {@link list}. */
  async listDeleted(options: PageRequest = {}): Promise<KeyPage> {
    return this.listWhere(options, true);
  }

  private async listWhere(options: PageRequest, deleted: boolean): Promise<KeyPage> {
    const held = !(await this.isMigrated());
    return listFiltered(this.store, {
      ...options,
      tag: USER_TAG,
      deleted,
      keep: (item) => isUserRow(item) && !(held && this.legacyScope(item.key) !== undefined),
    });
  }

  /**
   * Deletes several user secrets. All-or-nothing on validation: one reserved, held or invalid key
   * refuses the whole batch before anything is deleted.
   */
  async deleteMany(keys: readonly string[]): Promise<BulkDeleteResult> {
    // Every key is judged before the first delete.
    for (const key of keys) await this.assertOpen(key);
    return this.store.deleteMany(keys);
  }

  /** Throws unless `key` is a user key this provider may touch now. */
  private async assertOpen(key: string, isMigrated = this.isMigrated): Promise<void> {
    assertUserKey(key);
    const scope = this.legacyScope(key);
    // The flag is read only for names the table matches, so ordinary keys cost no extra call.
    if (scope !== undefined && !(await isMigrated())) throw new PendingMigrationKeyError(key, scope);
  }

  private legacyScope(key: string): string | undefined {
    return legacyScopeOf(key, this.legacyPrefixes);
  }
}
