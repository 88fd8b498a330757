/**
 * An in-memory {@link SecretStore} for unit tests of the core. It records every key it was asked
 * about so property tests can check what reached storage. Not used by end-to-end tests.
 */
import { randomUUID } from 'node:crypto';
import {
  type BulkDeleteResult,
  type DeleteOptions,
  deleteEach,
  type ListOptions,
  type ListPage,
  type PutOptions,
  type PutResult,
  SecretNotFoundError,
  type SecretStore,
  type StoredSecret,
} from '../../lambda/core/index.js';

interface Entry {
  value: string;
  version: string;
  updatedAt: string;
  description?: string;
  scope?: string;
}

/** A sorted, case-insensitive-prefix-filtering store, like ListSecrets. */
export class MemoryStore implements SecretStore {
  readonly entries = new Map<string, Entry>();
  /** Every key passed to get/put/delete, in order. */
  readonly touched: string[] = [];
  /** Every prefix passed to listPage. */
  readonly listedPrefixes: (string | undefined)[] = [];

  async get(key: string): Promise<StoredSecret> {
    this.touched.push(key);
    const entry = this.entries.get(key);
    if (!entry) throw new SecretNotFoundError(key);
    return { key, value: entry.value, version: entry.version, updatedAt: entry.updatedAt };
  }

  async put(key: string, value: string, options: PutOptions = {}): Promise<PutResult> {
    this.touched.push(key);
    const created = !this.entries.has(key);
    const version = options.requestToken ?? randomUUID();
    const previous = this.entries.get(key);
    const entry: Entry = { value, version, updatedAt: new Date().toISOString() };
    const description = options.description ?? previous?.description;
    if (description !== undefined) entry.description = description;
    if (options.scope !== undefined) entry.scope = options.scope;
    this.entries.set(key, entry);
    return { version, created };
  }

  async delete(key: string, _options: DeleteOptions = {}): Promise<void> {
    this.touched.push(key);
    if (!this.entries.delete(key)) throw new SecretNotFoundError(key);
  }

  async deleteMany(keys: readonly string[], options: DeleteOptions = {}): Promise<BulkDeleteResult> {
    return deleteEach(keys, (key) => this.delete(key, options));
  }

  async listPage(options: ListOptions): Promise<ListPage> {
    this.listedPrefixes.push(options.prefix);
    const prefix = (options.prefix ?? '').toLowerCase();
    const keys = [...this.entries.keys()].filter((k) => k.toLowerCase().startsWith(prefix)).sort();
    const start = options.next === undefined ? 0 : Number(options.next);
    const slice = keys.slice(start, start + options.limit);
    const items = slice.map((key) => {
      const e = this.entries.get(key) as Entry;
      return e.description === undefined
        ? { key, updatedAt: e.updatedAt }
        : { key, description: e.description, updatedAt: e.updatedAt };
    });
    const end = start + options.limit;
    return end < keys.length ? { items, next: String(end) } : { items };
  }
}
