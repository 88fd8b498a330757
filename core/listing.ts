/** Paged listing over a store with a key filter: shared by the user and scoped providers. */
import type { ListOptions, SecretStore, SecretSummary } from './port.js';

/** Largest page the store accepts (Secrets Manager's MaxResults limit). */
export const MAX_PAGE_SIZE = 100;

/** Default page size for callers that do not ask. */
export const DEFAULT_PAGE_SIZE = 50;

/** How many store pages one listing call reads at most before handing a token back. */
const MAX_STORE_CALLS_PER_PAGE = 8;

/** A page of keys as a provider shows them. */
export interface KeyPage {
  /** Keys on this page, as the provider names them. */
  readonly keys: SecretSummary[];
  /** Token for the next page; absent when the listing is complete. */
  readonly next?: string;
}

/** Which page of a provider's listing a caller wants. */
export interface PageRequest {
  /** Wanted page size (1–100); the page may be shorter. */
  readonly limit?: number;
  /** Token from the previous page. */
  readonly next?: string;
}

/** What to list and how to show it. */
export interface FilteredListOptions extends PageRequest {
  /** Store-side prefix filter (advisory: the store may match case-insensitively). */
  readonly prefix?: string;
  /** Store-side tag filter (advisory too: `keep` sees each row's tags and re-checks). */
  readonly tag?: ListOptions['tag'];
  /**
   * List the deleted secrets instead of the live ones.
   * @default false
   */
  readonly deleted?: boolean;
  /** Keeps a store row, or drops it; applied to every row, whatever the store filtered. */
  readonly keep: (item: SecretSummary) => boolean;
  /** Turns a kept store key into the key the caller sees. */
  readonly rename?: (key: string) => string;
}

/**
 * Reads store pages until `limit` kept keys are found, the store is exhausted, or
 * {@link MAX_STORE_CALLS_PER_PAGE} calls were made; the store's own token is handed back.
 */
export async function listFiltered(store: SecretStore, options: FilteredListOptions): Promise<KeyPage> {
  const limit = Math.min(Math.max(options.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const rename = options.rename ?? ((key: string) => key);
  const keys: SecretSummary[] = [];
  let next = options.next;
  for (let call = 0; call < MAX_STORE_CALLS_PER_PAGE; call++) {
    const page = await store.listPage({
      ...storeFilter(options),
      limit: limit - keys.length,
      ...tokenOf(next),
    });
    for (const item of page.items) {
      // The store filters live from deleted itself; re-checked so a lax store cannot mix them.
      if ((item.deletedAt !== undefined) !== (options.deleted === true) || !options.keep(item)) continue;
      // Tags are the store's business: a caller sees key, description and dates only.
      keys.push({
        key: rename(item.key),
        ...(item.description === undefined ? {} : { description: item.description }),
        updatedAt: item.updatedAt,
        ...(item.deletedAt === undefined ? {} : { deletedAt: item.deletedAt }),
        ...(item.purgeAt === undefined ? {} : { purgeAt: item.purgeAt }),
      });
    }
    next = page.next;
    if (next === undefined || keys.length >= limit) break;
  }
  return next === undefined ? { keys } : { keys, next };
}

/** Visits every store row that `keep` accepts, page by page. */
export async function* allRows(
  store: Pick<SecretStore, 'listPage'>,
  options: Pick<FilteredListOptions, 'prefix' | 'tag' | 'keep'>,
): AsyncGenerator<SecretSummary> {
  let next: string | undefined;
  do {
    const page = await store.listPage({ ...storeFilter(options), limit: MAX_PAGE_SIZE, ...tokenOf(next) });
    for (const item of page.items) if (options.keep(item)) yield item;
    next = page.next;
  } while (next !== undefined);
}

/** Visits every store key that `keep` accepts, page by page. */
export async function* allKeys(
  store: SecretStore,
  options: Pick<FilteredListOptions, 'prefix' | 'tag' | 'keep'>,
): AsyncGenerator<string> {
  for await (const item of allRows(store, options)) yield item.key;
}

/** The store-side filters of a listing, without absent fields. */
function storeFilter(
  options: Pick<FilteredListOptions, 'prefix' | 'tag' | 'deleted'>,
): Omit<ListOptions, 'limit'> {
  return {
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.tag === undefined ? {} : { tag: options.tag }),
    ...(options.deleted ? { deleted: true } : {}),
  };
}

const tokenOf = (next: string | undefined): { next?: string } => (next === undefined ? {} : { next });
