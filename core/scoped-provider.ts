/**
 * The scoped provider for one scope S: name `n` is stored as `__thv_S_n`. It never reads, lists or
 * deletes a key outside its own prefix, except the opt-in legacy fallback for a bare key that the
 * legacy table maps to S, and only until the migration is done.
 */

import { foundByKey } from './bulk.js';
import { NotDeletedError, SecretNotFoundError, VersionNotFoundError } from './errors.js';
import { allKeys, type KeyPage, listFiltered, type PageRequest } from './listing.js';
import {
  assertKnownScope,
  DEFAULT_LEGACY_PREFIXES,
  keyProblem,
  type LegacyPrefix,
  legacyScopeOf,
  OWNER_TAG,
  SCOPE_TAG,
  scopePrefix,
  systemKey,
} from './namespace.js';
import type { PutResult, SecretStore, SecretSummary, StoredSecret } from './port.js';
import type { SetOptions } from './user-provider.js';
import { assertValueSize } from './value.js';
import type { SecretVersionRef } from './versions.js';

/** When a scoped get may fall back to the bare legacy key. */
export type LegacyFallback = 'never' | 'until-migrated';

/** The legacy fallback modes, for validation. */
export const LEGACY_FALLBACK_MODES: readonly LegacyFallback[] = ['never', 'until-migrated'];

/** The legacy fallback mode when none is set: no fallback. */
export const DEFAULT_LEGACY_FALLBACK: LegacyFallback = 'never';

/** Options of a scoped provider. */
export interface ScopedProviderOptions {
  /** The scope this provider serves. */
  readonly scope: string;
  /** Scopes of the deployment; `scope` must be one of them. */
  readonly scopes: readonly string[];
  /**
   * Legacy fallback mode.
   * @default 'never'
   */
  readonly legacyFallback?: LegacyFallback;
  /**
   * Legacy prefix table, consulted only by the fallback.
   * @default DEFAULT_LEGACY_PREFIXES
   */
  readonly legacyPrefixes?: readonly LegacyPrefix[];
  /**
   * Tells whether the legacy migration has finished; the fallback stops once it has.
   * @default a function that answers true (no fallback)
   */
  readonly isMigrated?: () => Promise<boolean>;
}

/** A secret read by a scoped provider, named without the scope prefix. */
export interface ScopedSecret extends StoredSecret {
  /** True when the value came from the bare legacy key. */
  readonly legacy?: boolean;
}

/** System-secret operations for one scope over a {@link SecretStore}. */
export class ScopedProvider {
  /** The scope served. */
  readonly scope: string;
  private readonly prefix: string;
  private readonly legacyFallback: LegacyFallback;
  private readonly legacyPrefixes: readonly LegacyPrefix[];
  private readonly isMigrated: () => Promise<boolean>;

  constructor(
    private readonly store: SecretStore,
    options: ScopedProviderOptions,
  ) {
    assertKnownScope(options.scope, options.scopes);
    this.scope = options.scope;
    this.prefix = scopePrefix(options.scope);
    this.legacyFallback = options.legacyFallback ?? DEFAULT_LEGACY_FALLBACK;
    this.legacyPrefixes = options.legacyPrefixes ?? DEFAULT_LEGACY_PREFIXES;
    this.isMigrated = options.isMigrated ?? (async () => true);
  }

  /** The store key of `name` in this scope; throws `InvalidKeyError` for a bad name. */
  keyOf(name: string): string {
    return systemKey(this.scope, name);
  }

  /** Reads `name`; with the fallback on, a missing key may be read from its bare legacy key. */
  async get(name: string): Promise<ScopedSecret> {
    const key = this.keyOf(name);
    try {
      const secret = await this.store.get(key);
      return { ...secret, key: name };
    } catch (error) {
      if (!(error instanceof SecretNotFoundError && (await this.mayFallBack(name))))
        throw asScopedNotFound(error, name);
    }
    return this.legacyRead(name);
  }

  /** Reads `name`'s bare legacy key, for a name missing under the scope whose fallback applies. */
  private async legacyRead(name: string): Promise<ScopedSecret> {
    try {
      // Only a key the platform wrote before scoping: never one a user made (thv:owner) or tagged.
      const { tags } = await this.store.describe(name);
      if (tags[OWNER_TAG] !== undefined || tags[SCOPE_TAG] !== undefined) throw new SecretNotFoundError(name);
      const legacy = await this.store.get(name);
      return { ...legacy, key: name, legacy: true };
    } catch (error) {
      throw asScopedNotFound(error, name);
    }
  }

  /**
   * Reads several names of this scope with one batch read of the store (only this scope's keys
   * are asked for). All-or-nothing: every name is judged before the store is asked, and one
   * invalid or missing name fails the whole read. A name missing under the scope goes through
   * {@link get}'s legacy fallback where that applies, as a single read would.
   */
  async getMany(names: readonly string[]): Promise<ScopedSecret[]> {
    const unique = [...new Set(names)];
    const keyed = unique.map((name) => [name, this.keyOf(name)] as const);
    const found = foundByKey(await this.store.getMany(keyed.map(([, key]) => key)));
    const secrets: ScopedSecret[] = [];
    for (const [name, key] of keyed) {
      const secret = found.get(key);
      if (secret !== undefined) {
        secrets.push({ ...secret, key: name });
        continue;
      }
      // Known missing under the scope: straight to the fallback, without reading the key again.
      if (!(await this.mayFallBack(name))) throw new SecretNotFoundError(name);
      secrets.push(await this.legacyRead(name));
    }
    return secrets;
  }

  /** Creates or updates `name` in this scope. */
  async set(name: string, value: string, options: SetOptions = {}): Promise<PutResult> {
    const key = this.keyOf(name);
    assertValueSize(value);
    return this.store.put(key, value, { ...options, scope: this.scope });
  }

  /** Deletes `name` from this scope (never its legacy key). */
  async delete(name: string): Promise<void> {
    const key = this.keyOf(name);
    try {
      await this.store.delete(key);
    } catch (error) {
      throw asScopedNotFound(error, name);
    }
  }

  /**
   * Reads an earlier value of `name` in this scope. Never from a legacy key: the fallback exists
   * for reads of the current value during the migration, not for a bare key's history.
   */
  async getVersion(name: string, version: SecretVersionRef): Promise<ScopedSecret> {
    const key = this.keyOf(name);
    try {
      return { ...(await this.store.getVersion(key, version)), key: name };
    } catch (error) {
      if (error instanceof VersionNotFoundError)
        throw new VersionNotFoundError(name, version, { cause: error });
      throw error;
    }
  }

  /** Restores the deleted `name` of this scope (only a secret tagged with this scope, never a legacy key). */
  async restore(name: string): Promise<void> {
    const key = this.keyOf(name);
    try {
      await this.store.restore(key, { tag: this.tag });
    } catch (error) {
      throw asScopedNotFound(error, name);
    }
  }

  /** Lists this scope's names (prefix stripped), one page at a time. */
  async list(options: PageRequest = {}): Promise<KeyPage> {
    return this.listWhere(options, false);
  }

  /** Lists this scope's deleted names (prefix stripped) with when they were deleted and will be purged. */
  async listDeleted(options: PageRequest = {}): Promise<KeyPage> {
    return this.listWhere(options, true);
  }

  private async listWhere(options: PageRequest, deleted: boolean): Promise<KeyPage> {
    return listFiltered(this.store, {
      ...options,
      prefix: this.prefix,
      tag: this.tag,
      deleted,
      keep: (item) => this.isOwnRow(item),
      rename: (key) => key.slice(this.prefix.length),
    });
  }

  /** The tag of this scope's secrets. */
  private get tag(): { readonly key: string; readonly value: string } {
    return { key: SCOPE_TAG, value: this.scope };
  }

  /** Deletes every key of this scope and nothing else; returns how many were deleted. */
  async cleanup(): Promise<number> {
    // Collect first, then delete: deleting while paging could shift the store's pages.
    const keys: string[] = [];
    // No tag filter here: a key of this scope that lost its tag (a half-failed write) is cleaned up too.
    for await (const key of allKeys(this.store, { prefix: this.prefix, keep: (item) => this.owns(item.key) }))
      keys.push(key);
    return (await this.store.deleteMany(keys)).deleted.length;
  }

  /** True when `key` is one of this scope's store keys (exact-case prefix, a valid name after it). */
  owns(key: string): boolean {
    return key.startsWith(this.prefix) && keyProblem(key.slice(this.prefix.length)) === undefined;
  }

  /** A listing row of this scope: its own key, tagged with its own scope. */
  private isOwnRow(item: SecretSummary): boolean {
    return this.owns(item.key) && item.tags?.[SCOPE_TAG] === this.scope;
  }

  private async mayFallBack(name: string): Promise<boolean> {
    if (this.legacyFallback !== 'until-migrated') return false;
    if (legacyScopeOf(name, this.legacyPrefixes) !== this.scope) return false;
    return !(await this.isMigrated());
  }
}

/** A store's not-found or not-deleted error (about a store key) renamed to the scoped name the caller used; others as they are. */
function asScopedNotFound(error: unknown, name: string): unknown {
  if (error instanceof NotDeletedError) return new NotDeletedError(name);
  return error instanceof SecretNotFoundError ? new SecretNotFoundError(name, { cause: error }) : error;
}
