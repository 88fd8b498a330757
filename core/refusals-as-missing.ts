/**
 * A secret store as a tag-conditioned role sees it (docs/design.md §3, "missing secrets under ABAC").
 *
 * The user function's role reaches only secrets tagged `thv:owner=user`. AWS authorizes a call
 * before it looks the secret up, and a name that does not exist has no tags, so under that role
 * Secrets Manager answers a missing key with AccessDeniedException, exactly as it answers an
 * untagged legacy key or a system secret. The role cannot tell those apart, and nothing the caller
 * may have lies behind any of them: to the user routes each is a key that does not exist (404),
 * which also never reveals that an untagged or system secret of that name exists.
 *
 * Writes are not mapped: a refused write is the store's answer that the key exists but is not the
 * caller's to write (the adapter creates a missing key itself, authorized by its request tags).
 */
import { deleteEach } from './bulk.js';
import { AccessDeniedError, SecretNotFoundError, VersionNotFoundError } from './errors.js';
import type {
  BatchGetResult,
  BulkDeleteResult,
  DeleteOptions,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
  RestoreOptions,
  SecretInfo,
  SecretStore,
  SecretTags,
  StoredSecret,
} from './port.js';
import type { SecretVersionRef } from './versions.js';

/** `error` as "not found" when it is a refusal of `key`, else unchanged. */
function asMissing(error: unknown, key: string): unknown {
  return error instanceof AccessDeniedError ? new SecretNotFoundError(key, { cause: error }) : error;
}

/** Wraps `store` so that a refused read, delete or restore of a key is reported as that key missing. */
export class RefusalsAsMissingStore implements SecretStore {
  constructor(private readonly store: SecretStore) {}

  async get(key: string): Promise<StoredSecret> {
    try {
      return await this.store.get(key);
    } catch (error) {
      throw asMissing(error, key);
    }
  }

  async getMany(keys: readonly string[]): Promise<BatchGetResult> {
    try {
      return await this.store.getMany(keys);
    } catch (error) {
      // One refusal fails a batch read whole; reported as the refused key missing, as `get` would.
      if (error instanceof AccessDeniedError) throw asMissing(error, error.key);
      throw error;
    }
  }

  put(key: string, value: string, options?: PutOptions): Promise<PutResult> {
    return this.store.put(key, value, options);
  }

  async delete(key: string, options?: DeleteOptions): Promise<void> {
    try {
      await this.store.delete(key, options);
    } catch (error) {
      throw asMissing(error, key);
    }
  }

  deleteMany(keys: readonly string[], options?: DeleteOptions): Promise<BulkDeleteResult> {
    // One at a time through `delete`, so a refused key is counted missing rather than stopping the batch.
    return deleteEach(keys, (key) => this.delete(key, options));
  }

  listPage(options: ListOptions): Promise<ListPage> {
    return this.store.listPage(options);
  }

  async getVersion(key: string, version: SecretVersionRef): Promise<StoredSecret> {
    try {
      return await this.store.getVersion(key, version);
    } catch (error) {
      if (error instanceof AccessDeniedError) throw new VersionNotFoundError(key, version, { cause: error });
      throw error;
    }
  }

  async restore(key: string, options?: RestoreOptions): Promise<void> {
    try {
      await this.store.restore(key, options);
    } catch (error) {
      throw asMissing(error, key);
    }
  }

  async describe(key: string): Promise<SecretInfo> {
    try {
      return await this.store.describe(key);
    } catch (error) {
      throw asMissing(error, key);
    }
  }

  tag(key: string, tags: SecretTags): Promise<void> {
    return this.store.tag(key, tags);
  }

  protect(key: string): Promise<void> {
    return this.store.protect(key);
  }
}
