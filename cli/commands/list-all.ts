/** Reads a whole listing by following `next`, or stops at a limit. */

import type { ListResponse } from '../../core/http/responses.js';
import { MAX_LIST_LIMIT } from '../../core/http/schemas.js';
import type { BrokerClient, DeletedKey, Target } from '../api-client.js';
import { TransportError } from '../errors.js';

/** Reads one page: at most `limit` rows (the server's default when undefined), after `next`. */
type PageReader<T> = (page: {
  limit?: number | undefined;
  next?: string | undefined;
}) => Promise<{ keys: T[]; next?: string | undefined }>;

/** Every key of `target` in server order, or the first `limit` of them. */
export function listAll(client: BrokerClient, target: Target, limit?: number): Promise<ListResponse['keys']> {
  return readAll((page) => client.listPage(target, page), limit);
}

/** Every deleted key of `target` in server order, or the first `limit` of them. */
export function listAllDeleted(client: BrokerClient, target: Target, limit?: number): Promise<DeletedKey[]> {
  return readAll((page) => client.listDeletedPage(target, page), limit);
}

async function readAll<T>(read: PageReader<T>, limit: number | undefined): Promise<T[]> {
  const keys: T[] = [];
  const seen = new Set<string>();
  let next: string | undefined;
  do {
    const wanted = limit === undefined ? undefined : Math.min(limit - keys.length, MAX_LIST_LIMIT);
    const page = await read({ limit: wanted, next });
    keys.push(...page.keys);
    next = page.next;
    // Pages may be empty while more remain, so only a repeated token proves the server is looping.
    if (next !== undefined) {
      if (seen.has(next)) throw new TransportError('the server repeated a page token; listing stopped');
      seen.add(next);
    }
  } while (next !== undefined && (limit === undefined || keys.length < limit));
  // A server may send more than was asked for.
  return keys.slice(0, limit);
}
