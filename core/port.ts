/**
 * The storage port: the few operations the providers need from a secret store. Keys here are
 * full broker keys (user or system), never a Secrets Manager name or ARN; the adapter adds the root.
 */
import type { SecretVersionRef } from './versions.js';

/** A secret as read from the store. */
export interface StoredSecret {
  /** The broker key. */
  readonly key: string;
  /** The secret string. */
  readonly value: string;
  /** Opaque version id of the current value. */
  readonly version: string;
  /** When the current value was written (ISO 8601). */
  readonly updatedAt: string;
}

/** A secret's tags as a plain map (Secrets Manager tag keys are unique per secret). */
export type SecretTags = Readonly<Record<string, string>>;

/** One row of a listing: metadata only, never a value. */
export interface SecretSummary {
  /** The broker key. */
  readonly key: string;
  /** Free-text description, if any. */
  readonly description?: string;
  /** When the secret last changed (ISO 8601). */
  readonly updatedAt: string;
  /** The secret's tags, where the store reports them (providers never show them to callers). */
  readonly tags?: SecretTags;
  /** When it was deleted (ISO 8601); only in a listing of deleted secrets. */
  readonly deletedAt?: string;
  /** When the store will purge it for good, the end of its recovery window (ISO 8601); deleted listings only. */
  readonly purgeAt?: string;
}

/** Metadata of one secret, never its value. */
export interface SecretInfo {
  /** The broker key. */
  readonly key: string;
  /** The secret's tags. */
  readonly tags: SecretTags;
}

/** Options of a write. */
export interface PutOptions {
  /** Scope of a system secret; absent for a user secret. Drives tags and resource policy. */
  readonly scope?: string;
  /** Description to store with the secret. */
  readonly description?: string;
  /** Idempotency token for the write; the store makes one when absent. */
  readonly requestToken?: string;
  /**
   * Create only: never write over an existing secret (the migration's write). An existing secret
   * throws `ConflictError`.
   * @default false
   */
  readonly createOnly?: boolean;
}

/** The result of a write. */
export interface PutResult {
  /** Version id of the value just written. */
  readonly version: string;
  /** True when the secret did not exist before (or was deleted, and the write created it anew). */
  readonly created: boolean;
}

/** One page of a listing. */
export interface ListPage {
  /** Secrets on this page; may be empty while `next` is set. */
  readonly items: readonly SecretSummary[];
  /** Token for the next page; absent on the last page. */
  readonly next?: string;
}

/** Options of one listing call. */
export interface ListOptions {
  /** Only keys starting with this (advisory: callers re-check every key they keep). */
  readonly prefix?: string;
  /** Only secrets carrying this tag (filtered by the store itself; callers re-check the rows). */
  readonly tag?: TagFilter;
  /**
   * List the secrets scheduled for deletion (with `deletedAt` and `purgeAt`) instead of the live ones.
   * @default false
   */
  readonly deleted?: boolean;
  /** Page size, 1–100. */
  readonly limit: number;
  /** Token from the previous page. */
  readonly next?: string;
}

/** One tag a secret must carry. */
export interface TagFilter {
  /** Tag key. */
  readonly key: string;
  /** Tag value. */
  readonly value: string;
}

/** Options of a restore. */
export interface RestoreOptions {
  /** Restore only a secret carrying this tag; any other is reported absent, as a listing would not show it. */
  readonly tag?: TagFilter;
}

/** Options of a delete. */
export interface DeleteOptions {
  /** Delete at once, with no recovery window (the migration only). */
  readonly force?: boolean;
}

/** Outcome of a bulk delete. */
export interface BulkDeleteResult {
  /** Keys that were deleted. */
  readonly deleted: string[];
  /** Keys that did not exist. */
  readonly missing: string[];
}

/** Outcome of a batch read. */
export interface BatchGetResult {
  /** The secrets read, one per distinct key found. */
  readonly found: StoredSecret[];
  /** Keys that do not exist or are scheduled for deletion, in request order. */
  readonly missing: string[];
}

/** A secret store keyed by broker keys. Implementations throw the core's named errors. */
export interface SecretStore {
  /** Reads a secret; throws `SecretNotFoundError` when absent or scheduled for deletion. */
  get(key: string): Promise<StoredSecret>;
  /**
   * Reads several secrets at once. Absent and deleted ones are reported in `missing`; any other
   * failure of any key (access denied, throttling) throws for the whole batch, so a caller never
   * gets a partial answer it could mistake for a complete one.
   */
  getMany(keys: readonly string[]): Promise<BatchGetResult>;
  /** Creates or updates a secret; over one scheduled for deletion it creates it anew, never restores it. */
  put(key: string, value: string, options?: PutOptions): Promise<PutResult>;
  /** Deletes a secret; throws `SecretNotFoundError` when absent. */
  delete(key: string, options?: DeleteOptions): Promise<void>;
  /** Deletes several secrets; missing ones are reported, not thrown. Other errors stop the batch. */
  deleteMany(keys: readonly string[], options?: DeleteOptions): Promise<BulkDeleteResult>;
  /** Lists one page of secrets. */
  listPage(options: ListOptions): Promise<ListPage>;
  /**
   * Reads an earlier value of a live secret; throws `VersionNotFoundError` when the secret has no
   * such version, is absent, or is scheduled for deletion.
   */
  getVersion(key: string, version: SecretVersionRef): Promise<StoredSecret>;
  /**
   * Cancels the scheduled deletion of a secret, bringing back its value, versions and tags. Throws
   * `SecretNotFoundError` when it does not exist (never did, or was purged) or lacks `options.tag`,
   * `NotDeletedError` when it is live.
   */
  restore(key: string, options?: RestoreOptions): Promise<void>;
  /** Reads a secret's tags; throws `SecretNotFoundError` when absent or scheduled for deletion. */
  describe(key: string): Promise<SecretInfo>;
  /** Adds tags to a secret (the migration: scope-tag repair and adoption of user keys). */
  tag(key: string, tags: SecretTags): Promise<void>;
  /** Attaches the system-secret resource policy to a secret (the migration's repair step). */
  protect(key: string): Promise<void>;
}
