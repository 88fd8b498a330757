/** Reads a whole listing by following `next`, or stops at a limit. */
import type { BrokerClient, Target } from '../api-client.js';
import { TransportError } from '../errors.js';
import type { KeySummary } from '../wire.js';

/** Largest page the broker serves (Secrets Manager's own page limit). */
export const MAX_PAGE_SIZE = 100;

/** Every key of `target` in server order, or the first `limit` of them. */
export async function listAll(client: BrokerClient, target: Target, limit?: number): Promise<KeySummary[]> {
  const keys: KeySummary[] = [];
  const seen = new Set<string>();
  let next: string | undefined;
  do {
    const wanted = limit === undefined ? undefined : Math.min(limit - keys.length, MAX_PAGE_SIZE);
    const page = await client.listPage(target, {
      ...(wanted === undefined ? {} : { limit: wanted }),
      ...(next === undefined ? {} : { next }),
    });
    keys.push(...page.keys);
    next = page.next;
    // Pages may be empty while more remain, so only a repeated token proves the server is looping.
    if (next !== undefined && seen.has(next))
      throw new TransportError('the server repeated a page token; listing stopped');
    if (next !== undefined) seen.add(next);
  } while (next !== undefined && (limit === undefined || keys.length < limit));
  return limit === undefined ? keys : keys.slice(0, limit);
}
