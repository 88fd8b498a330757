/**
 * An in-memory {@link SecretStore} for unit tests of the core. It records every key it was asked
 * about so property tests can check what reached storage. Not used by end-to-end tests.
 */
import { randomUUID } from 'node:crypto';
import {
  type BatchGetResult,
  type BulkDeleteResult,
  ConflictError,
  type DeleteOptions,
  deleteEach,
  type KeyState,
  type ListOptions,
  type ListPage,
  type MigrationStore,
  NotDeletedError,
  OWNER_TAG,
  type PutOptions,
  type PutResult,
  type RestoreOptions,
  SCOPE_TAG,
  type SecretInfo,
  SecretNotFoundError,
  type SecretStore,
  type SecretSummary,
  type SecretTags,
  type SecretVersionRef,
  type StoredSecret,
  type StoredValue,
  USER_OWNER,
  VersionNotFoundError,
} from '../../core/index.js';

/** The recovery window the memory store reports purge times with, as the adapter's default. */
const MEMORY_RECOVERY_DAYS = 7;

interface Entry {
  value: string;
  /** A binary secret's bytes (then `value` is unused), as SecretBinary holds them. */
  bytes?: Uint8Array;
  version: string;
  updatedAt: string;
  description?: string;
  scope?: string;
  /** Tags as the adapter writes them (owner or scope tag on create). */
  tags: Record<string, string>;
  /** Whether the system-secret resource policy is attached. */
  protected: boolean;
  /** Earlier values, oldest first (the last one is the previous version). */
  history?: { value: string; version: string; updatedAt: string }[];
}

/** A secret scheduled for deletion, restorable until purged. */
interface DeletedEntry {
  readonly entry: Entry;
  readonly deletedAt: string;
}

/** A sorted, case-insensitive-prefix-filtering store, like ListSecrets. */
export class MemoryStore implements SecretStore, MigrationStore {
  readonly entries = new Map<string, Entry>();
  /** Secrets deleted with a recovery window (a forced delete drops them at once). */
  readonly deleted = new Map<string, DeletedEntry>();
  /** Every key passed to get/put/delete, in order. */
  readonly touched: string[] = [];
  /** Every prefix passed to listPage. */
  readonly listedPrefixes: (string | undefined)[] = [];
  /** The keys of every getMany call, one list per call. */
  readonly batches: string[][] = [];

  async get(key: string): Promise<StoredSecret> {
    this.touched.push(key);
    const entry = this.entries.get(key);
    if (!entry) throw new SecretNotFoundError(key);
    return { key, value: entry.value, version: entry.version, updatedAt: entry.updatedAt };
  }

  async getMany(keys: readonly string[]): Promise<BatchGetResult> {
    this.batches.push([...keys]);
    return getEach(keys, (key) => this.get(key));
  }

  async put(key: string, value: string, options: PutOptions = {}): Promise<PutResult> {
    this.touched.push(key);
    const created = !this.entries.has(key);
    if (options.createOnly && !created) throw new ConflictError(`secret ${key} already exists`);
    const version = options.requestToken ?? randomUUID();
    const previous = this.entries.get(key);
    const tags =
      previous?.tags ??
      (options.scope === undefined ? { [OWNER_TAG]: USER_OWNER } : { [SCOPE_TAG]: options.scope });
    const entry: Entry = {
      value,
      version,
      updatedAt: new Date().toISOString(),
      tags,
      protected: previous?.protected === true || options.scope !== undefined,
    };
    const description = options.description ?? previous?.description;
    if (description !== undefined) entry.description = description;
    if (options.scope !== undefined) entry.scope = options.scope;
    if (previous !== undefined)
      entry.history = [
        ...(previous.history ?? []),
        { value: previous.value, version: previous.version, updatedAt: previous.updatedAt },
      ];
    // A write over a deleted key creates it anew (the adapter's recreate): the deleted one is gone.
    this.deleted.delete(key);
    this.entries.set(key, entry);
    return { version, created };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    this.touched.push(key);
    const entry = this.entries.get(key);
    if (!entry) {
      if (options.force) this.deleted.delete(key);
      throw new SecretNotFoundError(key);
    }
    this.entries.delete(key);
    if (!options.force) this.deleted.set(key, { entry, deletedAt: new Date().toISOString() });
  }

  async getVersion(key: string, version: SecretVersionRef): Promise<StoredSecret> {
    this.touched.push(key);
    const history = this.entries.get(key)?.history ?? [];
    const found = version === 'previous' ? history.at(-1) : history.find((h) => h.version === version.id);
    const current = this.entries.get(key);
    const match = found ?? (version !== 'previous' && current?.version === version.id ? current : undefined);
    if (match === undefined) throw new VersionNotFoundError(key, version);
    return { key, value: match.value, version: match.version, updatedAt: match.updatedAt };
  }

  async restore(key: string, options: RestoreOptions = {}): Promise<void> {
    this.touched.push(key);
    const live = this.entries.get(key);
    const gone = this.deleted.get(key);
    const tags = (live ?? gone?.entry)?.tags;
    if (tags === undefined || (options.tag !== undefined && tags[options.tag.key] !== options.tag.value))
      throw new SecretNotFoundError(key);
    if (live !== undefined) throw new NotDeletedError(key);
    this.deleted.delete(key);
    this.entries.set(key, (gone as DeletedEntry).entry);
  }

  async deleteMany(keys: readonly string[], options: DeleteOptions = {}): Promise<BulkDeleteResult> {
    return deleteEach(keys, (key) => this.delete(key, options));
  }

  /** Stores a secret as something other than the broker wrote it (legacy keys, half-failed writes). */
  seedRaw(key: string, value: string, tags: SecretTags = {}, isProtected = false): void {
    this.entries.set(key, {
      value,
      version: randomUUID(),
      updatedAt: new Date().toISOString(),
      tags: { ...tags },
      protected: isProtected,
    });
  }

  /** Seeds a binary secret (SecretBinary) with exactly these tags, as a pre-broker writer would. */
  seedBinary(key: string, bytes: Uint8Array, tags: SecretTags = {}): void {
    this.seedRaw(key, '', tags);
    (this.entries.get(key) as Entry).bytes = Uint8Array.from(bytes);
  }

  async inspect(key: string): Promise<KeyState> {
    this.touched.push(key);
    const live = this.entries.get(key);
    if (live) return { tags: { ...live.tags }, deleted: false };
    const gone = this.deleted.get(key);
    if (gone) return { tags: { ...gone.entry.tags }, deleted: true };
    throw new SecretNotFoundError(key);
  }

  async readValue(key: string): Promise<StoredValue> {
    this.touched.push(key);
    const entry = this.entries.get(key);
    if (!entry) throw new SecretNotFoundError(key);
    return entry.bytes ? { bytes: Uint8Array.from(entry.bytes) } : { text: entry.value };
  }

  async createValue(key: string, value: StoredValue, scope: string): Promise<void> {
    this.touched.push(key);
    // A name held by a deleted secret is taken too, as in Secrets Manager.
    if (this.entries.has(key) || this.deleted.has(key))
      throw new ConflictError(`secret ${key} already exists`);
    this.seedRaw(key, 'text' in value ? value.text : '', { [SCOPE_TAG]: scope }, true);
    if ('bytes' in value) (this.entries.get(key) as Entry).bytes = Uint8Array.from(value.bytes);
    (this.entries.get(key) as Entry).scope = scope;
  }

  async describe(key: string): Promise<SecretInfo> {
    this.touched.push(key);
    const entry = this.entries.get(key);
    if (!entry) throw new SecretNotFoundError(key);
    return { key, tags: { ...entry.tags } };
  }

  async tag(key: string, tags: SecretTags): Promise<void> {
    this.touched.push(key);
    const entry = this.entries.get(key);
    if (!entry) throw new SecretNotFoundError(key);
    Object.assign(entry.tags, tags);
  }

  async protect(key: string): Promise<void> {
    this.touched.push(key);
    const entry = this.entries.get(key);
    if (!entry) throw new SecretNotFoundError(key);
    entry.protected = true;
  }

  async listPage(options: ListOptions): Promise<ListPage> {
    this.listedPrefixes.push(options.prefix);
    const prefix = (options.prefix ?? '').toLowerCase();
    const tag = options.tag;
    const entryOf = (k: string): Entry | undefined =>
      options.deleted ? this.deleted.get(k)?.entry : this.entries.get(k);
    const keys = [...(options.deleted ? this.deleted : this.entries).keys()]
      .filter((k) => k.toLowerCase().startsWith(prefix))
      .filter((k) => tag === undefined || entryOf(k)?.tags[tag.key] === tag.value)
      .sort();
    const start = options.next === undefined ? 0 : Number(options.next);
    const slice = keys.slice(start, start + options.limit);
    const items = slice.map((key): SecretSummary => {
      const e = entryOf(key) as Entry;
      const gone = options.deleted ? this.deleted.get(key) : undefined;
      return {
        key,
        ...(e.description === undefined ? {} : { description: e.description }),
        updatedAt: e.updatedAt,
        tags: { ...e.tags },
        ...(gone === undefined
          ? {}
          : {
              deletedAt: gone.deletedAt,
              purgeAt: new Date(Date.parse(gone.deletedAt) + MEMORY_RECOVERY_DAYS * 86_400_000).toISOString(),
            }),
      };
    });
    const end = start + options.limit;
    return end < keys.length ? { items, next: String(end) } : { items };
  }
}

/** The store operations a {@link HookedStore} reports. */
export type StoreOp =
  | 'get'
  | 'getMany'
  | 'getVersion'
  | 'put'
  | 'delete'
  | 'restore'
  | 'listPage'
  | 'describe'
  | 'tag'
  | 'protect';

/** One store call as a {@link HookedStore} saw it (no value: a hook must never see one). */
export interface StoreCall {
  /** The operation. */
  readonly op: StoreOp;
  /** The key, for every operation but listPage. */
  readonly key?: string;
  /** The call's options (put, delete, listPage), tags (tag) or keys (getMany). */
  readonly options?: unknown;
}

/** Options of a {@link HookedStore}. */
export interface HookedStoreOptions {
  /**
   * Runs before each call (`before`) and after it took effect or failed (`after`); whatever it
   * throws, the caller gets instead of the result or the call's own error. Throwing at `before` means the call never happened; at
   * `after`, it happened but its answer was lost (a killed process, a dropped connection).
   */
  readonly hook?: (call: StoreCall, phase: 'before' | 'after') => void;
  /**
   * Make a create-only system write three calls, as a Secrets Manager adapter may: create the
   * secret bare, tag it, attach its policy, so a fault can fall between them.
   * @default false
   */
  readonly splitSystemWrites?: boolean;
  /**
   * Answer listings without applying their tag filter (a lax emulator): callers must re-check.
   * @default false
   */
  readonly ignoreTagFilter?: boolean;
}

/**
 * A {@link SecretStore} over a {@link MemoryStore} that logs every call and lets a test inject
 * faults (crashes, throttling) before or after any of them. deleteMany goes through delete.
 */
export class HookedStore implements SecretStore, MigrationStore {
  /** Every call, in order, including ones a hook failed. */
  readonly calls: StoreCall[] = [];

  constructor(
    readonly inner: MemoryStore,
    private readonly options: HookedStoreOptions = {},
  ) {}

  private async call<T>(call: StoreCall, run: () => Promise<T>): Promise<T> {
    this.calls.push(call);
    this.options.hook?.(call, 'before');
    let result: T;
    try {
      result = await run();
    } catch (error) {
      // A call that failed (not found, conflict) has a cut point after it too.
      this.options.hook?.(call, 'after');
      throw error;
    }
    this.options.hook?.(call, 'after');
    return result;
  }

  get(key: string): Promise<StoredSecret> {
    return this.call({ op: 'get', key }, () => this.inner.get(key));
  }

  getMany(keys: readonly string[]): Promise<BatchGetResult> {
    return this.call({ op: 'getMany', options: [...keys] }, () => this.inner.getMany(keys));
  }

  async put(key: string, value: string, options: PutOptions = {}): Promise<PutResult> {
    const scope = options.scope;
    if (!this.options.splitSystemWrites || !options.createOnly || scope === undefined)
      return this.call({ op: 'put', key, options }, () => this.inner.put(key, value, options));
    const result = await this.call({ op: 'put', key, options: { createOnly: true } }, async () => {
      if (this.inner.entries.has(key)) throw new ConflictError(`secret ${key} already exists`);
      this.inner.seedRaw(key, value);
      return { version: randomUUID(), created: true };
    });
    await this.tag(key, { [SCOPE_TAG]: scope });
    await this.protect(key);
    return result;
  }

  delete(key: string, options: DeleteOptions = {}): Promise<void> {
    return this.call({ op: 'delete', key, options }, () => this.inner.delete(key, options));
  }

  deleteMany(keys: readonly string[], options: DeleteOptions = {}): Promise<BulkDeleteResult> {
    return deleteEach(keys, (key) => this.delete(key, options));
  }

  listPage(options: ListOptions): Promise<ListPage> {
    const { tag: _tag, ...untagged } = options;
    const asked = this.options.ignoreTagFilter ? untagged : options;
    return this.call({ op: 'listPage', options }, () => this.inner.listPage(asked));
  }

  describe(key: string): Promise<SecretInfo> {
    return this.call({ op: 'describe', key }, () => this.inner.describe(key));
  }

  inspect(key: string): Promise<KeyState> {
    return this.call({ op: 'describe', key }, () => this.inner.inspect(key));
  }

  readValue(key: string): Promise<StoredValue> {
    return this.call({ op: 'get', key }, () => this.inner.readValue(key));
  }

  async createValue(key: string, value: StoredValue, scope: string): Promise<void> {
    if (!this.options.splitSystemWrites)
      return this.call({ op: 'put', key, options: { createOnly: true, scope } }, () =>
        this.inner.createValue(key, value, scope),
      );
    await this.call({ op: 'put', key, options: { createOnly: true } }, async () => {
      if (this.inner.entries.has(key) || this.inner.deleted.has(key))
        throw new ConflictError(`secret ${key} already exists`);
      if ('bytes' in value) this.inner.seedBinary(key, value.bytes);
      else this.inner.seedRaw(key, value.text);
    });
    await this.tag(key, { [SCOPE_TAG]: scope });
    await this.protect(key);
  }

  getVersion(key: string, version: SecretVersionRef): Promise<StoredSecret> {
    return this.call({ op: 'getVersion', key, options: version }, () => this.inner.getVersion(key, version));
  }

  restore(key: string, options: RestoreOptions = {}): Promise<void> {
    return this.call({ op: 'restore', key, options }, () => this.inner.restore(key, options));
  }

  tag(key: string, tags: SecretTags): Promise<void> {
    return this.call({ op: 'tag', key, options: tags }, () => this.inner.tag(key, tags));
  }

  protect(key: string): Promise<void> {
    return this.call({ op: 'protect', key }, () => this.inner.protect(key));
  }
}

/** Reads each distinct key in order with `getOne`; a missing key is recorded, anything else thrown. */
async function getEach(
  keys: readonly string[],
  getOne: (key: string) => Promise<StoredSecret>,
): Promise<BatchGetResult> {
  const result: BatchGetResult = { found: [], missing: [] };
  for (const key of new Set(keys)) {
    try {
      result.found.push(await getOne(key));
    } catch (error) {
      if (!(error instanceof SecretNotFoundError)) throw error;
      result.missing.push(key);
    }
  }
  return result;
}
